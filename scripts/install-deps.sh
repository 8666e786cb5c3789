#!/usr/bin/env bash
# Installs what kvcalc needs on a fresh Debian machine, only where it is missing: the Swift toolchain is expected
# (swift 6.x on PATH); libedit-dev is the REPL's line editor.
set -euo pipefail

if ! command -v swift >/dev/null 2>&1; then
  echo "swift 6 is required (https://swift.org/install) and was not found on PATH" >&2
  exit 1
fi

missing=()
if ! { pkg-config --exists libedit 2>/dev/null || [[ -f /usr/include/histedit.h ]]; }; then
  missing+=(libedit-dev)
fi
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)

if ((${#missing[@]})); then
  echo "installing: ${missing[*]}" >&2
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
