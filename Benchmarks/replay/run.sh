#!/usr/bin/env bash
# Times whole processes, Swift (release) against the Python reference, on the conversation trace repeated ten times
# with fresh ids (~2.9 M look-ups). Usage: Benchmarks/replay/run.sh [REPS=5] [CAPACITY=100000] [POLICY=lru]
# BASELINE=OTHER_KVCALC adds the same replay run by another kvcalc build (e.g. one from before a change),
# interleaved with the rest, and prints its ratio too.
set -euo pipefail
cd "$(dirname "$0")/../.."
reps=${1:-5}; capacity=${2:-100000}; policy=${3:-lru}
src=${TRACE:-../shared/traces/conversation_trace.jsonl}
work=${TMPDIR:-/tmp}/kvbench-replay; mkdir -p "$work"
large=$work/conversation_x10.jsonl
[[ -s $large ]] || python3 Benchmarks/replay/make_large_trace.py "$src" "$large" 10
swift build -c release --static-swift-stdlib --product kvbench-replay >/dev/null
swift build -c release --static-swift-stdlib --product kvcalc >/dev/null
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)/kvbench-replay
kvcalc=$(swift build -c release --static-swift-stdlib --show-bin-path)/kvcalc
python3 - "$reps" "$large" "$bin" "$capacity" "$policy" "$kvcalc" "${BASELINE:-}" <<'PY'
import json, statistics, subprocess, sys, time
reps, trace, binary, capacity, policy, kvcalc = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
baseline = sys.argv[7]
args = [trace, "--capacity", capacity, "--policy", policy]
# kvcalc: the same replay through the language (`replay(…)` builtin), the way users run it.
expr = f'replay("{trace}", capacity: {capacity}, policy: "{policy}")'
cmds = {"swift": [binary] + args, "python": [sys.executable, "Benchmarks/replay/reference_replay.py"] + args,
        "kvcalc": [kvcalc, "eval", "--json", expr]}
if baseline:
    cmds["before"] = [baseline, "eval", "--json", expr]
times, outs, split = {k: [] for k in cmds}, {}, []
order = list(cmds.items())
for rep in range(reps):
    # Interleaved, so load changes hit all alike, and rotated each rep: a run right after the Python reference's
    # (2-3 s through ~1 GB) is ~10 ms slower, so a fixed order penalised whichever command came next.
    for name, cmd in order[rep % len(order):] + order[:rep % len(order)]:
        t = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True, check=True)
        times[name].append(time.perf_counter() - t)
        out = p.stdout.strip()
        if name in ("kvcalc", "before"):
            r = json.loads(out)
            out = f"lookups {r['lookups']} hits {r['hits']}"
        outs.setdefault(name, set()).add(out)
        if name == "swift":
            split.append(p.stderr.strip())
assert outs["swift"] == outs["python"] and len(outs["swift"]) == 1, outs
fields = next(iter(outs["swift"])).split()
assert outs["kvcalc"] == {f"lookups {fields[1]} hits {fields[2]}"}, outs["kvcalc"]
assert not baseline or outs["before"] == outs["kvcalc"], outs["before"]
print("kvcalc (language):", next(iter(outs["kvcalc"])))
lookups = int(next(iter(outs["swift"])).split()[1])
med = {k: statistics.median(v) for k, v in times.items()}
print(f"trace {trace}: {lookups:,} lookups, capacity {capacity} blocks, policy {policy}, {reps} reps")
print(f"result (both): {next(iter(outs['swift']))}")
for k in cmds:
    print(f"{k:6s} median {med[k]:.3f} s  (runs: {', '.join(f'{x:.3f}' for x in times[k])})  "
          f"{lookups / med[k] / 1e6:.2f} M lookups/s whole process")
print(f"ratio python / swift: {med['python'] / med['swift']:.1f}x;  python / kvcalc: {med['python'] / med['kvcalc']:.1f}x")
if baseline:
    print(f"ratio python / before: {med['python'] / med['before']:.1f}x;  before / kvcalc: {med['before'] / med['kvcalc']:.2f}x")
print("kvbench-replay (last run):", split[-1])
PY
