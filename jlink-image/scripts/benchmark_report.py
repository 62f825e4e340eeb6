"""The markdown report of benchmark.sh (its results.md), from the samples it recorded.

    benchmark_report.py RAW.tsv MACHINE.txt ODD.txt RUNS ORPHAN_RUNS "SUBJECTS" SLOW_RUNS STOP_CAP_S

RAW.tsv has one sample a line, MEASURE<TAB>SUBJECT<TAB>VALUE; MACHINE.txt the lines that describe
the machine; ODD.txt the odd things seen (may be empty). Prints the table of medians and ratios
against the budgets of docs/benchmarks.md, then the notes and the per-run lines of measures 7 and 8.
"""
import sys, statistics, collections
raw, machine, odd, runs, orphan_runs, subjects = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6].split()
slow_runs, cap_ms = int(sys.argv[7]), float(sys.argv[8]) * 1000
data = collections.defaultdict(list)
for line in open(raw):
    m, s, v = line.rstrip("\n").split("\t")
    try:
        data[(m, s)].append(float(v))
    except ValueError:
        pass
def med(m, s):
    v = data.get((m, s))
    return statistics.median(v) if v else None
MiB = 1024 * 1024
for s in subjects:
    if data.get(("orphans_left", s)):
        data[("orphans_left_max", s)] = [max(data[("orphans_left", s)])]
cols = ["ours", "jvm", "phusion", "tini", "dumb-init", "python3", "chpst", "floor"]
names = {"ours": "baseimage-java", "phusion": "phusion (Python)", "tini": "tini", "dumb-init": "dumb-init",
         "python3": "python3 -c pass", "chpst": "chpst -u (runit, C)", "floor": "no-op floor",
         "jvm": "JVM floor (`--version`)"}
def fmt(v, unit):
    if v is None: return "—"
    if unit == "ms": return f"{v:.1f} ms" if v < 100 else f"{v:.0f} ms"
    if unit == "MiB": return f"{v / MiB:.1f} MiB" if v >= MiB else f"{v / 1024:.0f} KiB"
    if unit == "kB": return f"{v / 1024:.1f} MiB" if v >= 1024 else f"{v:.0f} KiB"
    if unit == "/s": return f"{v:,.0f}/s"
    if unit == "n": return f"{v:.0f}"
    if unit == "s": return f"{v / 1000:.2f} s" if v < 10000 else f"{v / 1000:.1f} s"
    return f"{v}"
# A run stopped at the cap counts as the cap: the median and the worst are then lower bounds ("> ").
lower = {(m[len("capped_"):], s) for (m, s) in data if m.startswith("capped_")}
def row(label, measure, unit, peers, ratios=True, budget="", verdict="", kind=None):
    ours = med(measure, "ours")
    cells = []
    for c in cols:
        v = med(measure, c)
        if c not in peers or v is None:
            cells.append("" if c not in peers else "—"); continue
        cell = fmt(v, unit)
        if (kind, c) in lower:
            cells.append("> " + cell); continue
        if ratios and c != "ours" and ours is not None and v and (kind, "ours") not in lower:
            ratio = ours / v
            cell += f" · {ratio:.2f}×"
        cells.append(cell)
    return f"| {label} | " + " | ".join(cells) + f" | {budget} | {verdict} |"
def verdict(ok, how):
    return ("pass" if ok else "**FAIL**") + (f" ({how})" if how else "")
out = []
out.append("| measure (median) | " + " | ".join(names[c] for c in cols) + " | budget | verdict |")
out.append("|---|" + "---|" * len(cols) + "---|---|")
# 1 start
def over_floor(measure, limit):
    """The verdict of a budget given as a multiple of the JVM floor, with "floor + own cost"."""
    o, f = med(measure, "ours"), med(measure, "jvm")
    if o is None or not f:
        return "n/a (no JVM floor)"
    return verdict(o <= limit * f, f"{o / f:.2f}× floor = floor + {o - f:.1f} ms")
def floor_rows(label, measure, peers, limit):
    """The row of a budget relative to the JVM floor, and the row of its interleaved runs (MEASURE
    with _il_), which carries the verdict where there are some."""
    interleaved = measure.replace("_ms", "_il_ms")
    rounds = len(data.get((interleaved, "ours"), []))
    budget = f"≤ {limit:.2f}× JVM floor"
    out.append(row(label, measure, "ms", peers, budget=budget, verdict="" if rounds else over_floor(measure, limit)))
    if rounds:
        out.append(row(f"{label.split()[0]} … interleaved with the floor ({rounds} rounds)", interleaved, "ms", ["ours", "jvm"],
                       budget=budget, verdict=over_floor(interleaved, limit)))
floor_rows("1. start → `/bin/true` done, as PID 1", "start_ms", ["ours", "jvm", "phusion", "tini", "dumb-init", "python3", "floor"], 1.20)
# 2 memory
o = med("rss_kb", "ours")
out.append(row("2. idle PID 1 RSS (runit + 2 services)", "rss_kb", "kB", ["ours", "phusion", "tini", "dumb-init"], budget="≤ 16 MiB",
               verdict=verdict(o is not None and o / 1024 <= 16, f"{o / 1024 - 16:+.1f} MiB" if o is not None else "")))
o = med("anon_kb", "ours")
out.append(row("2. idle PID 1 anonymous RSS", "anon_kb", "kB", ["ours", "phusion", "tini", "dumb-init"], budget="≤ 12 MiB",
               verdict=verdict(o is not None and o / 1024 <= 12, f"{o / 1024 - 12:+.1f} MiB" if o is not None else "")))
out.append(row("2. idle PID 1 PSS", "pss_kb", "kB", ["ours", "phusion", "tini", "dumb-init"]))
out.append(row("2. idle PID 1 threads", "threads", "n", ["ours", "phusion", "tini", "dumb-init"], ratios=False))
out.append(row("boot → both services up", "boot_ms_coop", "ms", ["ours", "phusion", "tini", "dumb-init"]))
# 3 setuser
floor_rows("3. `setuser nobody /bin/true`", "setuser_ms", ["ours", "jvm", "phusion", "python3", "chpst", "floor"], 1.10)
# 4 shutdown
o = med("stop_ms_coop", "ours")
out.append(row("4. SIGTERM → exit, 2 services stop at once", "stop_ms_coop", "ms", ["ours", "phusion", "tini", "dumb-init"], budget="≤ 50 ms",
               verdict=verdict(o is not None and o <= 50, f"{o - 50:+.0f} ms" if o is not None else "")))
o = med("stop_ms_ignore", "ours")
out.append(row("4. SIGTERM → exit, 1 service ignores TERM (KILL_PROCESS_TIMEOUT=1)", "stop_ms_ignore", "ms", ["ours", "phusion", "tini", "dumb-init"], budget="≤ 1000 + 100 ms",
               verdict=verdict(o is not None and o <= 1100, f"timeout + {o - 1000:.0f} ms" if o is not None else "")))
# 5 orphans
o, left = med("orphans_per_s", "ours"), max(data.get(("orphans_left", "ours"), [1e9]))
out.append(row("5. orphans reaped per second (10,000 at once)", "orphans_per_s", "/s", ["ours", "phusion", "tini", "dumb-init"], budget="≥ 10,000/s",
               verdict=verdict(o is not None and o >= 10000, f"{o / 10000:.2f}× budget" if o is not None else "")))
for s in subjects:
    if data.get(("orphans_per_s", s)):
        data[("orphans_best", s)] = [max(data[("orphans_per_s", s)])]
out.append(row("5. orphans reaped per second, best run", "orphans_best", "/s", ["ours", "phusion", "tini", "dumb-init"]))
out.append(row("5. zombies/orphans left (worst run)", "orphans_left_max", "n", ["ours", "phusion", "tini", "dumb-init"], ratios=False, budget="0",
               verdict=verdict(left == 0, "")))
# 6 size
o = med("size_disk", "ours")
out.append(row("6. runtime on disk (du)", "size_disk", "MiB", ["ours", "tini", "dumb-init"], budget="≤ 45 MiB",
               verdict=verdict(o is not None and o / MiB <= 45, f"{o / MiB - 45:+.1f} MiB" if o is not None else "")))
out.append(row("6. runtime, bytes", "size_bytes", "MiB", ["ours", "phusion", "tini", "dumb-init", "python3"]))
o = med("size_gz", "ours")
out.append(row("6. runtime, gzip -6 (≈ layer)", "size_gz", "MiB", ["ours", "phusion", "tini", "dumb-init"], budget="≤ 20 MiB",
               verdict=verdict(o is not None and o / MiB <= 20, f"{o / MiB - 20:+.1f} MiB" if o is not None else "")))
# 7 crash loop, 8 service + orphan ignoring TERM: median and worst run
for kind in ("crash", "orphan"):
    for s in subjects:
        if data.get((f"stop_ms_{kind}", s)):
            data[(f"stop_worst_{kind}", s)] = [max(data[(f"stop_ms_{kind}", s)])]
sub4 = ["ours", "phusion", "tini", "dumb-init"]
o, w = med("stop_ms_crash", "ours"), med("stop_worst_crash", "ours")
out.append(row("7. SIGTERM → exit, a crash-looping service (+ 1 healthy)", "stop_ms_crash", "ms", sub4, kind="crash", budget="≤ 250 ms",
               verdict=verdict(o is not None and o <= 250 and ("crash", "ours") not in lower, f"{o - 250:+.0f} ms" if o is not None else "")))
out.append(row("7. … worst run", "stop_worst_crash", "ms", sub4, kind="crash", budget="≤ 500 ms",
               verdict=verdict(w is not None and w <= 500 and ("crash", "ours") not in lower, f"{w - 500:+.0f} ms" if w is not None else "")))
o, w = med("stop_ms_orphan", "ours"), med("stop_worst_orphan", "ours")
out.append(row(f"8. SIGTERM → exit, a service and an orphan ignoring TERM, default settings ({slow_runs} runs)", "stop_ms_orphan", "s", sub4, kind="orphan",
               budget="< 10 s", verdict=verdict(o is not None and o < 10000 and ("orphan", "ours") not in lower, f"{(o - 10000) / 1000:+.1f} s" if o is not None else "")))
out.append(row("8. … worst run", "stop_worst_orphan", "s", sub4, kind="orphan", budget="< 10 s (docker's grace)",
               verdict=verdict(w is not None and w < 10000 and ("orphan", "ours") not in lower, f"{(w - 10000) / 1000:+.1f} s" if w is not None else "")))
# 9 my_init --status as a probe, against my_init --version entered the same way (no budget: the figure is floor + own cost)
o, f = med("status_ms", "ours"), med("status_ms", "jvm")
if o is not None:
    out.append(row("9. `my_init --status` probe, runit + 2 services (floor: `my_init --version`, same nsenter)", "status_ms", "ms", ["ours", "jvm"],
                   verdict=f"floor + {o - f:.1f} ms" if f is not None else ""))
o, f = med("status_rss_kb", "ours"), med("status_rss_kb", "jvm")
if o is not None:
    out.append(row("9. … peak RSS of the probe (GNU time)", "status_rss_kb", "kB", ["ours", "jvm"],
                   verdict=f"floor + {(o - f) / 1024:.1f} MiB" if f is not None else ""))
text = "\n".join(out)
print("\n".join(open(machine).read().splitlines()))
print(f"- runs: {runs} per measure (orphans: {orphan_runs}; 7. crash loop: {runs}, SIGTERM at 1 + k/{runs} s after the healthy service is up;"
      f" 8. service + orphan ignoring TERM: only {slow_runs}, it is slow, each capped at {cap_ms / 1000:.0f} s); medians."
      " `A · r×` = that peer's median A, r = baseimage-java ÷ peer.")
print("- JVM floor: the same launcher and runtime doing no work (`/sbin/my_init --version` and `/sbin/setuser --version`), started the same way;"
      " no-op floor: `/bin/true` itself (`unshare --pid --fork --root --mount-proc` for start, `chroot` for setuser).")
print()
print(text)
print()
print("Notes: tini and dumb-init run `runsvdir` as their child; on SIGTERM runsvdir exits at once and the kernel")
print("SIGKILLs the services when PID 1 exits — no graceful service stop, so their shutdown times are a floor, not a peer.")
print("Orphans: the storm's time is mostly the kernel's fork/exit work on 2 cores (sys time), the same for every init;")
print("single runs vary about 2× here, so compare medians over many runs, and the best run.")
print("`6. runtime, bytes` for python3 is the installed size of the python3 packages, for a base image without python3")
print("(Amazon Linux 2023 has python3.9; phusion's scripts need it). runit is needed by all and not counted.")
print("7. and 8. run with the default timeouts (no KILL_PROCESS_TIMEOUT etc.: phusion's are 30 s each); a run still going")
print(f"{cap_ms / 1000:.0f} s after SIGTERM is SIGKILLed and shown as \"> {cap_ms / 1000:.0f} s\" (the median and worst are then lower bounds).")
print()
print("7. per run: time into runsv's 1 s restart sleep when SIGTERM was sent (from `supervise/status`) → SIGTERM → exit, in ms:")
def ms(v):
    return "?" if v != v else f"{v:.0f}"
for s in subjects:
    ph, st = data.get(("phase_ms_crash", s), []), data.get(("stop_ms_crash", s), [])
    if st:
        print(f"- {names[s]}: " + ", ".join(f"{ms(p)} → {ms(t)}" for p, t in zip(ph, st)))
print()
print("8. per run, SIGTERM → exit in s: " + "; ".join(
    f"{names[s]}: " + ", ".join((f"> {cap_ms / 1000:.0f}" if t >= cap_ms else f"{t / 1000:.2f}") for t in data.get(("stop_ms_orphan", s), [])) for s in subjects if data.get(("stop_ms_orphan", s))))
o = open(odd).read().strip()
print()
print("Odd things seen in this run:" if o else "Odd things seen in this run: none.")
if o: print(o)
