#!/usr/bin/env python3
"""Runs COMMAND on a new pseudo-terminal, as `docker run -t -i` gives one to a container: COMMAND
leads the terminal's session and its process group owns the terminal. Once the file READY exists,
Ctrl-C is typed once. Everything the terminal shows is copied to stdout; the exit status is
COMMAND's (128+N when a signal N killed it).

    on-terminal.py READY -- COMMAND [ARG...]
"""
import os
import pty
import select
import sys

ready, command = sys.argv[1], sys.argv[3:]
pid, terminal = pty.fork()
if pid == 0:
    os.execvp(command[0], command)

typed = False
while True:
    if not typed and os.path.exists(ready):
        os.write(terminal, b"\x03")  # the line discipline turns it into SIGINT for the foreground group
        typed = True
    readable, _, _ = select.select([terminal], [], [], 0.05)
    if readable:
        try:
            data = os.read(terminal, 4096)
        except OSError:  # EIO: every process holding the terminal has closed it
            break
        if not data:
            break
        sys.stdout.buffer.write(data)
        sys.stdout.flush()

_, status = os.waitpid(pid, 0)
sys.exit(128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status))
