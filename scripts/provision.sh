#!/usr/bin/env bash
# What `npm test` needs besides node_modules, provisioned on first use and cached after:
# Chromium for the webview and workbench tests, and code-server's build of VS Code for the
# extension's integration tests. Each step is idempotent and returns at once when done.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
bash scripts/install-code-server.sh
