#!/usr/bin/env bash
# Times whole processes, interleaved: the serving simulation of a trace for Llama-3-8B on one H100 (kvbench-serve,
# the engine alone; kvcalc eval 'serve(…)', through the language, with kv_capacity's pool) against the Python
# reference that only replays the trace's cache (reference_replay.py --capacity 100000 --policy lru), on the
# conversation trace and on it repeated ten times with fresh ids. Prints medians and the ratios to the reference;
# the target is under 3×. Usage: Benchmarks/serve/run.sh [REPS=5]   (TRACE=… picks another trace)
set -euo pipefail
cd "$(dirname "$0")/../.."
reps=${1:-5}
src=${TRACE:-../shared/traces/conversation_trace.jsonl}
work=${TMPDIR:-/tmp}/kvbench-serve; mkdir -p "$work"
large=$work/conversation_x10.jsonl
[[ -s $large ]] || python3 Benchmarks/replay/make_large_trace.py "$src" "$large" 10
swift build -c release --static-swift-stdlib --product kvbench-serve >/dev/null
swift build -c release --static-swift-stdlib --product kvcalc >/dev/null
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)
python3 - "$reps" "$bin" "$src" "$large" <<'PY'
import json, statistics, subprocess, sys, time
reps, bin, traces = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
# kvbench-serve gets the pool kvcalc derives (kv_capacity for Llama-3-8B on an H100), so both simulate one run.
pool = json.loads(subprocess.run([f"{bin}/kvcalc", "eval", "--json", "kv_capacity(llama3_8b, H100).tokens"],
                                 capture_output=True, text=True, check=True).stdout)
pool = int(pool["value"] if isinstance(pool, dict) else pool)
for trace in traces:
    expr = f'serve("{trace}", llama3_8b, H100)'
    cmds = {"reference": [sys.executable, "Benchmarks/replay/reference_replay.py", trace, "--capacity", "100000",
                          "--policy", "lru"],
            "kvbench-serve": [f"{bin}/kvbench-serve", trace, "--capacity", str(pool)],
            "kvcalc serve": [f"{bin}/kvcalc", "eval", "--json", expr]}
    times = {k: [] for k in cmds}
    outs = {}
    for _ in range(reps):
        for name, cmd in cmds.items():  # interleaved, so load changes hit all alike
            t = time.perf_counter()
            p = subprocess.run(cmd, capture_output=True, text=True, check=True)
            times[name].append(time.perf_counter() - t)
            outs[name] = (p.stdout.strip(), p.stderr.strip())
    r = json.loads(outs["kvcalc serve"][0])
    def v(x):  # a JSON quantity {value, unit}, or a plain number
        return f"{x['value']:.6g} {x['unit']}" if isinstance(x, dict) else f"{x:.6g}"
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"trace {trace}: {v(r['requests'])}, {reps} reps")
    print(f"  kvcalc serve: hit_rate {v(r['hit_rate'])}, ttft p50 {v(r['ttft']['p50'])}, p99 {v(r['ttft']['p99'])}, "
          f"preemptions {v(r['preemptions'])}, steps {v(r['steps'])}, pool {v(r['capacity'])}")
    print(f"  kvbench-serve: {outs['kvbench-serve'][0]} ({outs['kvbench-serve'][1]})")
    print(f"  reference: {outs['reference'][0]}")
    for k in cmds:
        print(f"  {k:14s} median {med[k]:.3f} s  (runs: {', '.join(f'{x:.3f}' for x in times[k])})")
    for k in ("kvbench-serve", "kvcalc serve"):
        print(f"  ratio {k} / reference: {med[k] / med['reference']:.2f}x (target < 3x)")
PY
