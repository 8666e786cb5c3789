#!/usr/bin/env python3
"""Memory-engine benchmark (figures, not pass/fail). Run: python3 Benchmarks/memory/run.py

Times, whole process, median of N runs: kvcalc start-up alone (`1`), one memory() call, and sweeps of
memory() over 10^5 and 10^6 batch sizes through the language (map over a range). The cost of one call is
(sweep − start-up) / points; the ratio to start-up is printed so runs on other machines compare.
The 10^5 sweep is also timed against CPython evaluating the baseline calculator's memory formula (per-token KV
`2 × L × H_kv × D × B`, weights × 1.2, capacity left for the cache) 10^5 times, whole process each, interleaved.
"""
import os, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KVCALC = os.path.join(ROOT, ".build", "release", "kvcalc")


def median_time(args, runs):
    times, out = [], ""
    for _ in range(runs):
        t = time.perf_counter()
        r = subprocess.run([KVCALC, "eval"] + args, capture_output=True, text=True)
        times.append(time.perf_counter() - t)
        if r.returncode != 0:
            sys.exit(r.stderr)
        out = r.stdout.strip().splitlines()[-1]
    return statistics.median(times), out


# The baseline's formula for llama3_8b on an H100, one batch size per point.
PY_BASELINE = """
def memory(batch, seq=2048, layers=32, kv_heads=8, head_dim=128, bytes_=2, params=8.03e9, gpu=80e9):
    per_token = 2 * layers * kv_heads * head_dim * bytes_
    weights = params * bytes_
    kv = per_token * batch * seq
    total = 1.2 * weights + kv
    free = gpu - total
    return {"total": total, "kv_cache": kv, "weights": weights, "free": free, "fits": free >= 0}
print(sum(memory(b)["total"] for b in range(1, %d + 1)) / 2**50)
"""


def interleaved(kv_expr, py_src, runs):
    tks, tps = [], []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([KVCALC, "eval", kv_expr], capture_output=True, check=True)
        tks.append(time.perf_counter() - t)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", py_src], capture_output=True, check=True)
        tps.append(time.perf_counter() - t)
    return statistics.median(tks), statistics.median(tps)


def main():
    subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--product", "kvcalc", "--package-path", ROOT], check=True,
                   stdout=subprocess.DEVNULL)
    runs = int(os.environ.get("RUNS", "11"))
    start, _ = median_time(["1"], runs)
    one, out = median_time(["memory(llama3_70b, H100, batch: 8, seq: 4096, tp: 4).total"], runs)
    print(f"start-up (stdlib loaded)          {start * 1e3:9.2f} ms")
    print(f"one memory() call, whole process  {one * 1e3:9.2f} ms   ({out})")
    for n, r in ((100_000, max(3, runs // 2)), (1_000_000, 3)):
        expr = f"sum(map(1..{n}, fn(b) = memory(llama3_8b, H100, batch: b, seq: 2048).total)) -> PiB"
        t, out = median_time([expr], r)
        per = (t - start) / n
        print(f"sweep of {n:>9,} memory() calls   {t:9.3f} s    {per * 1e6:7.2f} µs per call "
              f"({per / start * 1e3:.3f}‰ of a start-up)   -> {out}")

    n = 100_000
    expr = f"sum(map(1..{n}, fn(b) = memory(llama3_8b, H100, batch: b, seq: 2048).total)) -> PiB"
    tk, tp = interleaved(expr, PY_BASELINE % n, max(3, runs // 2))
    print(f"sweep of {n:,} memory() calls, interleaved: kvcalc {tk:.3f} s, CPython baseline formula {tp:.3f} s, "
          f"CPython / kvcalc = {tp / tk:.2f}x  (target >= 1)")


if __name__ == "__main__":
    main()
