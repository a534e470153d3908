#!/usr/bin/env bash
# The system package the test suite needs: a real browser (Debian's `chromium`, which the tests
# start as /usr/bin/chromium). Installs it through apt when running as root; otherwise names it.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "setup-system: the browser tests need Chromium at /usr/bin/chromium:" \
    "install the Debian package 'chromium' (sudo apt-get install chromium), then run npm test again." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
