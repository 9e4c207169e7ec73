#!/usr/bin/env bash
# Brings a fresh machine to a working checkout: system packages, Node >= 22, pnpm, dependencies
# and native builds. Safe to run again; it only does what is missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$CORELANE_ROOT"

# Usage: setup.sh [--bench]   (--bench: also the packages of scripts/bench-packages.txt)
lists=(scripts/system-packages.txt)
[ "${1:-}" = --bench ] && lists+=(scripts/bench-packages.txt)

missing=()
while read -r pkg; do
  case "$pkg" in '' | '#'*) continue ;; esac
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done < <(cat "${lists[@]}")
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v dpkg-query >/dev/null; then
    echo "setup: not a Debian system; make sure these are installed: ${missing[*]}" >&2
  elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing ${missing[*]} with apt-get" >&2
    # Packages of another architecture (liburing-dev:arm64 for the arm64 prebuilds) need it enabled.
    for foreign in $(printf '%s\n' "${missing[@]}" | sed -n 's/.*:\([a-z0-9]*\)$/\1/p' | sort -u); do
      dpkg --print-foreign-architectures | grep -qx "$foreign" || dpkg --add-architecture "$foreign"
    done
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  else
    echo "setup: missing system packages. Run: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

ensure_node
ensure_pnpm
echo "setup: node $(node --version), pnpm $(pnpm --version)" >&2

if [ -n "${CI:-}" ]; then
  pnpm install --frozen-lockfile --reporter=append-only >&2
else
  pnpm install --reporter=append-only >&2
fi
