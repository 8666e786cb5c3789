#!/usr/bin/env bash
# Renders a notebook (default notebooks/tour.kvnb) to HTML and screenshots it with headless Chromium, so the page
# can be checked by eye: scripts/screenshot-html.sh [NOTEBOOK] [OUT.png]
# Installs Debian's chromium when missing; skips with a message where it cannot be had.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
notebook="${1:-$root/notebooks/tour.kvnb}"
png="${2:-$root/out/$(basename "${notebook%.kvnb}").png}"
browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || true
    browser="$(command -v chromium || true)"
fi
if [ -z "$browser" ]; then
    echo "screenshot-html: skipped: Chromium is not installed and cannot be (apt-get install chromium)" >&2
    exit 0
fi
swift build --package-path "$root" --product kvcalc >&2
mkdir -p "$(dirname "$png")"
html="$(dirname "$png")/$(basename "${png%.png}").html"
"$root/.build/debug/kvcalc" run "$notebook" --html -o "$html"
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,"${HEIGHT:-4000}" \
    --screenshot="$png" "file://$html" >/dev/null 2>&1
echo "$png"
