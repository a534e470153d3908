#!/usr/bin/env bash
# Debian packages the test suite needs (a real browser for the webview tests).
# Idempotent: skips apt when everything is already there.
set -euo pipefail
need=()
for p in chromium; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "setup-system: run as root or install: ${need[*]}" >&2; exit 1; fi
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
