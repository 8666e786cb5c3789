#!/usr/bin/env bash
# Runs one libFuzzer target against kvcalc: scripts/fuzz.sh TARGET SECONDS [extra libFuzzer flags…]
# TARGET: program | notebook | hfconfig | trace. Builds the Fuzz package once (release, -sanitize=fuzzer,address;
# later calls rebuild only what changed), then fuzzes for SECONDS from the seed corpus Fuzz/corpus/TARGET with the
# dictionary Fuzz/dict/TARGET.dict. An input running over 1 s is a hang; RSS over 2 GB, a leak, a trap or an ASan
# report is a crash. Findings go to Fuzz/findings/ (git-ignored); minimise one with
#   Fuzz/.build/release/fuzz-TARGET -minimize_crash=1 -runs=10000 Fuzz/findings/crash-…
# The inputs it discovers are kept in Fuzz/findings/work/TARGET and reused by the next run (the repo's corpus is
# only read). Each run appends "target seconds executions exec/s crashes timeouts ooms" to Fuzz/findings/runs.log.
# By default it runs in libFuzzer's fork mode (one job at a time) and keeps going past a finding, so one known bug
# does not end a campaign; FUZZ_FORK=0 stops at the first finding instead.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:-}
seconds=${2:-}
case "$target" in program|notebook|hfconfig|trace) ;; *)
    echo "usage: scripts/fuzz.sh program|notebook|hfconfig|trace SECONDS [libFuzzer flags…]" >&2; exit 2 ;;
esac
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "fuzz.sh: SECONDS must be a whole number, got '$seconds'" >&2; exit 2; }
shift 2

# Every module gets coverage and ASan. lld, because gold fails on the Swift DWARF (-g keeps file:line in reports).
nice -n 10 swift build -c release --package-path Fuzz --product "fuzz-$target" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -g -Xswiftc -use-ld=lld 2>&1 | grep -vE "Cannot export local symbol|^\[" || true
binary="Fuzz/.build/release/fuzz-$target"
[[ -x "$binary" ]] || { echo "fuzz.sh: the build did not produce $binary" >&2; exit 1; }

work="Fuzz/findings/work/$target"
mkdir -p "$work"
log="Fuzz/findings/$target-$(date -u +%Y%m%dT%H%M%SZ).log"
dict=()
[[ -f "Fuzz/dict/$target.dict" ]] && dict=("-dict=Fuzz/dict/$target.dict")

fork=()
[[ "${FUZZ_FORK:-1}" == 0 ]] || fork=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)

set +e
SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} nice -n 10 "$binary" \
    "$work" "Fuzz/corpus/$target" "${dict[@]}" "${fork[@]}" \
    -max_total_time="$seconds" -timeout=1 -rss_limit_mb=2048 -detect_leaks=1 -print_final_stats=1 \
    -artifact_prefix="Fuzz/findings/$target-" "$@" >"$log" 2>&1
status=$?
set -e

# Fork mode's status lines: "#EXECS: cov: … exec/s: R oom/timeout/crash: O/T/C time: Ss …"; without fork,
# the final stats.
last=$(grep -E "^#[0-9]+: cov:" "$log" | tail -n 1 || true)
if [[ -n "$last" ]]; then
    execs=$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$last")
    rate=$(grep -oE "exec/s: [0-9]+" <<<"$last" | grep -oE "[0-9]+")
    IFS=/ read -r ooms timeouts crashes <<<"$(grep -oE "oom/timeout/crash: [0-9/]+" <<<"$last" | awk '{print $2}')"
else
    execs=$(grep -oE "stat::number_of_executed_units: *[0-9]+" "$log" | grep -oE "[0-9]+$" | tail -n 1 || true)
    [[ -n "$execs" ]] || execs=$(grep -oE "^#[0-9]+" "$log" | tail -n 1 | tr -d '#' || true)
    rate=$(grep -oE "stat::average_exec_per_sec: *[0-9]+" "$log" | grep -oE "[0-9]+$" | tail -n 1 || true)
    crashes=$(grep -cE "ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer: deadly signal)|^Fatal error" "$log" || true)
    timeouts=$(grep -c "ERROR: libFuzzer: timeout" "$log" || true)
    ooms=$(grep -c "ERROR: libFuzzer: out-of-memory" "$log" || true)
fi
leaks=$(grep -c "ERROR: LeakSanitizer" "$log" || true)
echo "$target ${seconds}s: ${execs:-0} executions, ${rate:-?} exec/s; crashes ${crashes:-0} (leaks ${leaks:-0}), \
timeouts ${timeouts:-0}, out-of-memory ${ooms:-0}; exit $status; log $log"
ls -1 Fuzz/findings/"$target"-crash-* Fuzz/findings/"$target"-timeout-* Fuzz/findings/"$target"-oom-* \
    Fuzz/findings/"$target"-leak-* 2>/dev/null | sed 's/^/finding: /' || true
echo "$target $seconds ${execs:-0} ${rate:-?} ${crashes:-0} ${timeouts:-0} ${ooms:-0} ${leaks:-0}" >> Fuzz/findings/runs.log
exit "$status"
