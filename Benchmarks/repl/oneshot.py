#!/usr/bin/env python3
"""One-shot process time, start-up included: `kvcalc eval '80 GB -> GiB'` against qalc doing the same conversion,
interleaved, medians and ratios from this one run. Lighter than Benchmarks/lang/run.py (no 10^6-item loops), for
checking start-up changes.
  python3 Benchmarks/repl/oneshot.py [--baseline OTHER_KVCALC] [RUNS=21]
KVCALC=path/to/kvcalc measures another build; qalc is skipped when it is not installed.
"""
import os, shutil, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
args = sys.argv[1:]
baseline = args[args.index("--baseline") + 1] if "--baseline" in args else None
runs = int(next((a for a in args if a.isdigit()), "21"))
kvcalc = os.environ.get("KVCALC", os.path.join(ROOT, ".build", "release", "kvcalc"))
cmds = {"kvcalc": [kvcalc, "eval", "80 GB -> GiB"]}
if baseline:
    cmds["before"] = [baseline, "eval", "80 GB -> GiB"]
if shutil.which("qalc"):
    cmds["qalc"] = ["qalc", "-t", "80 GB to GiB"]
outs = {}
for name, cmd in cmds.items():  # warm the page cache
    outs[name] = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
if baseline:
    assert outs["before"] == outs["kvcalc"], (outs["before"], outs["kvcalc"])
times = {k: [] for k in cmds}
for _ in range(runs):
    for name, cmd in cmds.items():  # interleaved, so load changes hit all alike
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        times[name].append(time.perf_counter() - t)
med = {k: statistics.median(v) * 1000 for k, v in times.items()}
for k in cmds:
    print(f"{k:6s} median {med[k]:6.1f} ms  (min {min(times[k]) * 1000:.1f})  -> {outs[k]}")
if "qalc" in med:
    print(f"kvcalc / qalc = {med['kvcalc'] / med['qalc']:.3f}" + (f";  before / qalc = {med['before'] / med['qalc']:.3f}" if baseline else ""))
if baseline:
    print(f"before / kvcalc = {med['before'] / med['kvcalc']:.2f}x")
