export EMPTY=''
export GREETING='it'\''s a "test"'
export LANG=C.UTF-8
export MULTI='line1
line2
'
export RAW='ÿþ ok'
export _2FA='$(not run)'
export my_var='hÃ©llo'
