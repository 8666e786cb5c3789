#!/usr/bin/env python3
"""Memory-engine benchmark (figures, not pass/fail). Run: python3 Benchmarks/memory/run.py [--baseline OTHER_KVCALC]

Times, whole process, median of N runs: kvcalc start-up alone (`1`), one memory() call, and sweeps of
memory() over 10^5 and 10^6 batch sizes through the language (map over a range). The cost of one call is
(sweep − start-up) / points; the ratio to start-up is printed so runs on other machines compare.
The 10^5 sweep is also timed against CPython evaluating the baseline calculator's memory formula (per-token KV
`2 × L × H_kv × D × B`, weights × 1.2, capacity left for the cache) 10^5 times, whole process each, interleaved.
Each time is printed as wall-clock and CPU (user + system) time: on a loaded machine the CPU time is the steadier.

`--baseline OTHER_KVCALC` adds the same calls run by another kvcalc binary (e.g. one built from an earlier commit),
interleaved with this one, with this / baseline ratios. KVCALC=path measures another build without building.
"""
import os, resource, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KVCALC = os.environ.get("KVCALC", os.path.join(ROOT, ".build", "release", "kvcalc"))
BASELINE = sys.argv[sys.argv.index("--baseline") + 1] if "--baseline" in sys.argv else None


def timed(cmd):
    """(wall seconds, CPU seconds of the child, last line of its output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit(f"{cmd} failed: {r.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = r.stdout.strip().splitlines()
    return wall, cpu, lines[-1] if lines else ""


def medians(cmds, runs):
    """Runs each command `runs` times, interleaved; per command (median wall, median CPU, output)."""
    walls, cpus, outs = [[] for _ in cmds], [[] for _ in cmds], [""] * len(cmds)
    for _ in range(runs):
        for i, cmd in enumerate(cmds):
            w, c, o = timed(cmd)
            walls[i].append(w)
            cpus[i].append(c)
            outs[i] = o
    return [(statistics.median(walls[i]), statistics.median(cpus[i]), outs[i]) for i in range(len(cmds))]


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

ONE_CALL = "memory(llama3_70b, H100, batch: 8, seq: 4096, tp: 4).total"


def sweep(n):
    return f"sum(map(1..{n}, fn(b) = memory(llama3_8b, H100, batch: b, seq: 2048).total)) -> PiB"


def main():
    if "KVCALC" not in os.environ:
        subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--product", "kvcalc",
                        "--package-path", ROOT], check=True, stdout=subprocess.DEVNULL)
    runs = int(os.environ.get("RUNS", "11"))
    (start, start_cpu, _), = medians([[KVCALC, "eval", "1"]], runs)
    (one, one_cpu, out), = medians([[KVCALC, "eval", ONE_CALL]], runs)
    print(f"start-up (stdlib loaded)          {start * 1e3:9.2f} ms  (CPU {start_cpu * 1e3:.1f} ms)")
    print(f"one memory() call, whole process  {one * 1e3:9.2f} ms  (CPU {one_cpu * 1e3:.1f} ms)   ({out})")
    for n, r in ((100_000, max(3, runs // 2)), (1_000_000, 3)):
        (t, c, out), = medians([[KVCALC, "eval", sweep(n)]], r)
        per = (t - start) / n
        print(f"sweep of {n:>9,} memory() calls   {t:9.3f} s  (CPU {c:.3f} s)   {per * 1e6:7.2f} µs per call "
              f"({per / start * 1e3:.3f}‰ of a start-up)   -> {out}")

    n = 100_000
    r = max(3, runs // 2)
    (tk, ck, _), (tp, cp, _) = medians([[KVCALC, "eval", sweep(n)], [sys.executable, "-c", PY_BASELINE % n]], r)
    print(f"sweep of {n:,} memory() calls, interleaved, median of {r}: kvcalc {tk:.3f} s (CPU {ck:.3f} s), "
          f"CPython baseline formula {tp:.3f} s (CPU {cp:.3f} s)")
    print(f"  CPython / kvcalc = {tp / tk:.2f}x wall, {cp / ck:.2f}x CPU  (target >= 1)")

    if BASELINE:
        print(f"\n== this kvcalc against {BASELINE}, interleaved")
        cases = (("start-up (`1`)", "1", runs), ("one memory() call", ONE_CALL, runs),
                 ("10^5-point sweep", sweep(100_000), max(3, runs // 2)), ("10^6-point sweep", sweep(1_000_000), 3))
        for label, expr, r in cases:
            (tk, ck, ok), (tb, cb, ob) = medians([[KVCALC, "eval", expr], [BASELINE, "eval", expr]], r)
            same = "" if ok == ob else f"   OUTPUTS DIFFER: {ok} / {ob}"
            print(f"  {label:20s} this {tk * 1e3:9.1f} ms (CPU {ck * 1e3:9.1f})   baseline {tb * 1e3:9.1f} ms "
                  f"(CPU {cb * 1e3:9.1f})   this / baseline = {tk / tb:.3f} wall, {ck / cb:.3f} CPU  "
                  f"(median of {r}){same}")


if __name__ == "__main__":
    main()
