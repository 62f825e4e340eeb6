"""Times commands interleaved: each round runs every command once, in a shuffled order, so that
what the machine is doing meanwhile (a noisy neighbour, a frequency step) weighs on all of them
alike. hyperfine runs one command's runs after the other's, and on these machines two batches a
few seconds apart differ by more than a few milliseconds.

    interleaved.py MEASURE ROUNDS WARMUP NAME COMMAND [NAME COMMAND ...]

COMMAND is split like a shell word list (no shell runs it); it gets this process's environment and
/dev/null for stdout and stderr, as hyperfine gives them. Prints one raw.tsv line per timed run, MEASURE<TAB>NAME<TAB>MS (wall time
from fork to the end of wait4). The order is the same for the same ROUNDS (seeded). Exits 1 if a
command fails.
"""
import os, random, shlex, sys, time


def run(argv):
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        try:
            os.execv(argv[0], argv)
        finally:
            os._exit(127)
    _, status, _ = os.wait4(pid, 0)
    elapsed = (time.perf_counter() - start) * 1000
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"interleaved.py: {shlex.join(argv)} exited {os.waitstatus_to_exitcode(status)}")
    return elapsed


def main():
    measure, rounds, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    pairs = sys.argv[4:]
    commands = [(pairs[i], shlex.split(pairs[i + 1])) for i in range(0, len(pairs), 2)]
    order = random.Random(rounds)
    for n in range(warmup + rounds):
        order.shuffle(commands)
        for name, argv in commands:
            ms = run(argv)
            if n >= warmup:
                print(f"{measure}\t{name}\t{ms:.3f}")


if __name__ == "__main__":
    main()
