#!/usr/bin/env python3
"""Notebook rendering benchmark (a figure, not pass/fail). Run: python3 Benchmarks/notebooks/run.py

Times `kvcalc run notebooks/tour.kvnb` (Markdown to stdout), the same with --html, and `kvcalc eval 1` (process
start-up and the standard library, which every run pays), whole process each, release build. Prints the median of
RUNS runs (default 21). Goal: the tour renders in under 50 ms.
"""
import os, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KVCALC = os.path.join(ROOT, ".build", "release", "kvcalc")
RUNS = int(os.environ.get("RUNS", "21"))
GOAL_MS = 50


def median_ms(cmd):
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True, cwd=ROOT)  # warm the file cache
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
        times.append(time.perf_counter() - t)
        if r.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed: {r.stderr.decode()}")
    return statistics.median(times) * 1000, min(times) * 1000


def main():
    subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--product", "kvcalc", "--package-path", ROOT], check=True,
                   stdout=subprocess.DEVNULL)
    print(f"== whole process, release build, median (min) of {RUNS} runs")
    cases = [
        ("kvcalc run notebooks/tour.kvnb", [KVCALC, "run", "notebooks/tour.kvnb"]),
        ("kvcalc run --html notebooks/tour.kvnb", [KVCALC, "run", "--html", "notebooks/tour.kvnb"]),
        ("kvcalc eval 1 (start-up)", [KVCALC, "eval", "1"]),
    ]
    medians = {}
    for name, cmd in cases:
        median, best = median_ms(cmd)
        medians[name] = median
        print(f"{name:40s} {median:7.1f} ms  ({best:.1f} ms)")
    tour = medians[cases[0][0]]
    verdict = "meets" if tour < GOAL_MS else "misses"
    print(f"tour rendering: {tour:.1f} ms, {verdict} the {GOAL_MS} ms goal")


if __name__ == "__main__":
    main()
