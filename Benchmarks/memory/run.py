#!/usr/bin/env python3
"""Memory-engine benchmark (figures, not pass/fail). Run: python3 Benchmarks/memory/run.py

Times, whole process, median of N runs: kvcalc start-up alone (`1`), one memory() call, and sweeps of
memory() over 10^5 and 10^6 batch sizes through the language (map over a range). The cost of one call is
(sweep − start-up) / points; the ratio to start-up is printed so runs on other machines compare.
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


if __name__ == "__main__":
    main()
