#!/usr/bin/env bash
# Placeholder until the serve helper's timing script lands (it replaces this file): builds and runs kvbench-serve.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product kvbench-serve >/dev/null
"$(swift build -c release --show-bin-path)/kvbench-serve" "${1:-../shared/traces/conversation_trace.jsonl}"
