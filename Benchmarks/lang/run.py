#!/usr/bin/env python3
"""Language benchmarks (figures, not pass/fail). Run: python3 Benchmarks/lang/run.py

1. One-shot process time: `kvcalc eval` against qalc and GNU units doing the same conversion (80 GB to GiB).
2. Throughput: a user function evaluated 10^6 times in kvcalc against the same arithmetic in a CPython loop,
   whole process each (`2*x+1`, a product with a unit, and the hit-rate shape: unit literals and a `min`), with kvcalc's start-up measured on its own so it can be taken out.
3. Hardening (`run.py hardening`, no baselines needed): inputs that were quadratic or exponential before issue 9
   (printing a 46- and a 1000-deep list, 40,000 `let` statements, a record of 60,000 fields), whole process each.
Prints medians of N runs and ratios against the baselines, all measured in this one run.

`--baseline OTHER_KVCALC` adds a third comparison: the same programs run by another kvcalc binary (e.g. one built
from an earlier commit), interleaved with this one, to show a change made nothing slower.
KVCALC=path/to/kvcalc measures another build (e.g. .build/debug/kvcalc) without building.
"""
import os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KVCALC = os.environ.get("KVCALC", os.path.join(ROOT, ".build", "release", "kvcalc"))
RUNS = int(os.environ.get("RUNS", "21"))
BASELINE = sys.argv[sys.argv.index("--baseline") + 1] if "--baseline" in sys.argv else None


def ensure_tools():
    missing = [pkg for tool, pkg in (("qalc", "qalc"), ("units", "units")) if shutil.which(tool) is None]
    if missing:
        print(f"installing {' '.join(missing)} (Debian packages) ...", file=sys.stderr)
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True)
        subprocess.run(sudo + ["apt-get", "install", "-y", "-qq"] + missing, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--product", "kvcalc", "--package-path", ROOT], check=True,
                   stdout=subprocess.DEVNULL)


def median_time(cmd, runs=RUNS, stdin=None):
    times = []
    out = None
    for _ in range(runs):
        t = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, input=stdin, text=True)
        times.append(time.perf_counter() - t)
        if r.returncode != 0:
            sys.exit(f"{cmd} failed: {r.stderr}")
        out = r.stdout.strip()
    return statistics.median(times), out


def main():
    ensure_tools()
    print(f"== one-shot conversion, whole process, median of {RUNS} runs")
    cases = [
        ("kvcalc", [KVCALC, "eval", "80 GB -> GiB"]),
        ("qalc", ["qalc", "-t", "80 GB to GiB"]),
        ("units", ["units", "-t", "80 GB", "GiB"]),
    ]
    results = {}
    for name, cmd in cases:
        t, out = median_time(cmd)
        results[name] = t
        print(f"  {name:8s} {t * 1000:8.2f} ms   -> {out}")
    print(f"  kvcalc / qalc  = {results['kvcalc'] / results['qalc']:.3f}  (target <= 0.167)")
    print(f"  kvcalc / units = {results['kvcalc'] / results['units']:.3f}")

    n = 1_000_000
    runs = max(5, RUNS // 4)
    print(f"\n== a user function evaluated {n:,} times, whole process, median of {runs} runs")
    with tempfile.TemporaryDirectory() as d:
        kv_plain = os.path.join(d, "plain.kv")
        kv_units = os.path.join(d, "units.kv")
        kv_empty = os.path.join(d, "empty.kv")
        py_plain = os.path.join(d, "plain.py")
        py_units = os.path.join(d, "units.py")
        open(kv_plain, "w").write(f"fn f(x) = 2 * x + 1\nsum(map(1..{n}, f))\n")
        open(kv_units, "w").write(f"fn kv(n) = 2 * 80 * 8 * 128 * 2 B * n\nsum(map(1..{n}, kv)) -> TiB\n")
        # The baseline's hit-rate shape: ~7 operations, unit literals (GiB, KiB/token, token/conv, conv/s, s)
        # and a `min`, through `map`; CPython does the same arithmetic on plain floats (bytes, seconds).
        kv_hr = os.path.join(d, "hr.kv")
        py_hr = os.path.join(d, "hr.py")
        open(kv_hr, "w").write(
            "fn hr(mem) = min(1, (mem - 16 GiB) / (128 KiB/token) / (2000 token/conv) / (2 conv/s * 30 s))\n"
            f"sum(map(1..{n}, fn(x) = hr(x * 64 KiB)))\n")
        open(py_hr, "w").write(
            "def hr(mem):\n    return min(1, (mem - 16 * 2**30) / (128 * 2**10) / 2000 / (2 * 30))\n"
            f"print(sum(map(lambda x: hr(x * 64 * 2**10), range(1, {n} + 1))))\n")
        open(kv_empty, "w").write("1\n")
        open(py_plain, "w").write(f"def f(x):\n    return 2 * x + 1\nprint(sum(f(x) for x in range(1, {n} + 1)))\n")
        open(py_units, "w").write(
            f"def kv(n):\n    return 2 * 80 * 8 * 128 * 2.0 * n\nprint(sum(kv(x) for x in range(1, {n} + 1)) / 2**40)\n")
        start, _ = median_time([KVCALC, kv_empty], runs)
        print(f"  kvcalc start-up (stdlib loaded)  {start * 1000:8.2f} ms")
        shapes = (("2*x+1", kv_plain, py_plain), ("kv bytes with units", kv_units, py_units),
                  ("hit-rate shape, units+min", kv_hr, py_hr))
        for label, kv, py in shapes:
            # Interleaved, so a change in the machine's load hits both alike.
            tks, tps = [], []
            for _ in range(runs):
                t, ok = median_time([KVCALC, kv], 1)
                tks.append(t)
                t, op = median_time([sys.executable, py], 1)
                tps.append(t)
            tk, tp = statistics.median(tks), statistics.median(tps)
            print(f"  {label:26s} kvcalc {tk * 1000:8.1f} ms ({ok})   CPython {tp * 1000:8.1f} ms ({op})")
            print(f"  {'':26s} CPython / kvcalc = {tp / tk:.2f}x  (target >= 1)")
        if BASELINE:
            print(f"\n== the same programs, this kvcalc against {BASELINE}, interleaved, median of {runs} runs")
            for label, kv, _ in shapes:
                tks, tbs = [], []
                for _ in range(runs):
                    tks.append(median_time([KVCALC, kv], 1)[0])
                    tbs.append(median_time([BASELINE, kv], 1)[0])
                tk, tb = statistics.median(tks), statistics.median(tbs)
                print(f"  {label:26s} this {tk * 1000:8.1f} ms   baseline {tb * 1000:8.1f} ms   "
                      f"this / baseline = {tk / tb:.3f}")


def hardening():
    if "KVCALC" not in os.environ:
        subprocess.run(["swift", "build", "-c", "release", "--product", "kvcalc", "--package-path", ROOT], check=True,
                       stdout=subprocess.DEVNULL)
    runs = max(3, RUNS // 4)
    print(f"== hardening: inputs that were super-linear before issue 9, whole process, median of {runs} runs")
    with tempfile.TemporaryDirectory() as d:
        cases = {
            "[[[…]]] 46 deep, printed": "[" * 46 + "1" + "]" * 46 + "\n",
            "1000-deep list, printed": "let a0 = 1\n" + "".join(f"let a{i} = [a{i - 1}]\n" for i in range(1, 1001))
                                       + "a1000\n",
            "40,000 let statements": "".join(f"let v{i} = {i}\n" for i in range(40_000)) + "v39999\n",
            "record of 60,000 fields": "{" + ", ".join(f"f{i}: {i}" for i in range(60_000)) + "}.f59999\n",
        }
        for label, text in cases.items():
            path = os.path.join(d, "case.kv")
            open(path, "w").write(text)
            t, out = median_time([KVCALC, path], runs)
            print(f"  {label:28s} {t * 1000:9.1f} ms   ({len(out)} chars out)")


if __name__ == "__main__":
    hardening() if "hardening" in sys.argv[1:] else main()
