#!/usr/bin/env bash
# Time from starting `kvcalc` on a terminal to its first prompt: stdlib loaded, history read, libedit ready.
# Runs the release binary under a pseudo-terminal RUNS times (default 30) and prints the median, with an empty
# history and with a full one (1000 entries). Goal: under 20 ms.
#   bash Benchmarks/repl/startup.sh            (builds .build/release/kvcalc when it is missing)
#   KVCALC=path/to/kvcalc RUNS=50 bash Benchmarks/repl/startup.sh
#   BASELINE=OTHER_KVCALC bash Benchmarks/repl/startup.sh   (adds another build, interleaved, and the ratio)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${KVCALC:-$root/.build/release/kvcalc}"
if [[ ! -x "$bin" ]]; then
  swift build -c release --static-swift-stdlib --package-path "$root" --product kvcalc >&2
fi
python3 - "$bin" "${RUNS:-30}" "${BASELINE:-}" <<'PY'
import os, pty, select, statistics, sys, tempfile, time

binary, runs, baseline = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def time_to_prompt(state, binary=binary):
    env = dict(os.environ, XDG_STATE_HOME=state, TERM="xterm", NO_COLOR="1")
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(binary, [binary], env)
    seen = b""
    while b"kv> " not in seen:
        if not select.select([fd], [], [], 5)[0]:
            sys.exit(f"no prompt after 5 s; the terminal showed {seen[-300:]!r}")
        seen += os.read(fd, 4096)
    elapsed = time.perf_counter() - start
    # Ctrl-D, then read until the terminal closes. One sent before libedit has put the terminal in raw mode is
    # lost, so wait a moment first and send another if it is still there after a second.
    time.sleep(0.01)
    os.write(fd, b"\x04")
    deadline = time.time() + 5
    while time.time() < deadline:
        ready = select.select([fd], [], [], 1)[0]
        if not ready:
            os.write(fd, b"\x04")
            continue
        try:
            if not os.read(fd, 4096):
                break
        except OSError:  # EIO: the child has closed the terminal
            break
    else:
        os.kill(pid, 9)
        sys.exit("kvcalc did not leave on Ctrl-D")
    os.waitpid(pid, 0)
    os.close(fd)
    return elapsed * 1000

for label, entries in (("empty history", 0), ("1000-entry history", 1000)):
    with tempfile.TemporaryDirectory() as state:
        os.makedirs(os.path.join(state, "kvcalc"))
        with open(os.path.join(state, "kvcalc", "history"), "w") as f:
            f.writelines(f"let x{i} = {i} GiB / (160 KiB/token)\n" for i in range(entries))
        time_to_prompt(state)  # warm the page cache
        if baseline:
            time_to_prompt(state, baseline)
        times, before = [], []
        for _ in range(runs):  # interleaved with the baseline, so load changes hit both alike
            times.append(time_to_prompt(state))
            if baseline:
                before.append(time_to_prompt(state, baseline))
        times.sort()
    print(f"time to first prompt, {label}: median {statistics.median(times):.1f} ms "
          f"(min {times[0]:.1f}, max {times[-1]:.1f}, {runs} runs)")
    if baseline:
        before.sort()
        print(f"  baseline {baseline}: median {statistics.median(before):.1f} ms (min {before[0]:.1f}, "
              f"max {before[-1]:.1f}); baseline / this: {statistics.median(before) / statistics.median(times):.2f}x")
PY
