"""Every sample of benchmark.sh's hyperfine runs (measures 1, 3 and 9) as lines of raw.tsv.

    hyperfine_samples.py START.json SETUSER.json "START SUBJECTS" "SETUSER SUBJECTS"
    hyperfine_samples.py --status STATUS.json

The subjects are named in the order of hyperfine's commands. Prints MEASURE<TAB>SUBJECT<TAB>MS
for each run: start_ms and setuser_ms; with --status, status_ms for `my_init --status` (ours)
and `my_init --version` (floor).
"""
import json, sys
if sys.argv[1] == "--status":
    runs = ((sys.argv[2], ["ours", "jvm"], "status_ms"),)
else:
    runs = ((sys.argv[1], sys.argv[3].split(), "start_ms"), (sys.argv[2], sys.argv[4].split(), "setuser_ms"))
for path, names, measure in runs:
    for name, r in zip(names, json.load(open(path))["results"]):
        for t in r["times"]:
            print(f"{measure}\t{name}\t{t * 1000:.3f}")
