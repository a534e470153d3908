import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkExtensionFiles, ignoreFileFor, ORT_BIN, TARGETS } from '../../scripts/vsixTargets';
import { BUNDLED_MODELS } from '../../scripts/package';

const VSCODEIGNORE = readFileSync(join(__dirname, '../../.vscodeignore'), 'utf8');

/** A plausible linux-x64 extension folder, built from the models and media on disk. */
function linuxX64(): string[] {
  return [
    'package.json',
    'readme.md',
    'changelog.md',
    'LICENSE.txt',
    'media/icon.png',
    'media/walkthrough/solve.md',
    'dist/webview/panel.css',
    'dist/extension.js',
    'dist/engineProcess.js',
    'dist/webview/panel.js',
    'dist/webview/notebookRenderer.js',
    'dist/webview/katex/katex.min.css',
    'dist/webview/katex/fonts/KaTeX_Main-Regular.woff2',
    'models/catalog.json',
    ...BUNDLED_MODELS.flatMap((m) => ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'].map((f) => `models/${m}/${f}`)),
    'node_modules/onnxruntime-node/package.json',
    'node_modules/onnxruntime-node/dist/index.js',
    `${ORT_BIN}/linux/x64/onnxruntime_binding.node`,
    `${ORT_BIN}/linux/x64/libonnxruntime.so.1`,
  ];
}

test('a linux-x64 listing with its own binaries passes; whatever bundles dist/ holds are allowed', () => {
  assert.deepEqual(checkExtensionFiles('linux-x64', linuxX64(), BUNDLED_MODELS), { unexpected: [], missing: [] });
});

test("another platform's binaries, the CUDA provider, onnxruntime-web, source maps, tests and tools are each reported", () => {
  const intruders = [
    `${ORT_BIN}/win32/x64/onnxruntime.dll`,
    `${ORT_BIN}/linux/arm64/libonnxruntime.so.1`,
    `${ORT_BIN}/linux/x64/libonnxruntime_providers_cuda.so`,
    'node_modules/onnxruntime-web/dist/ort.wasm',
    'dist/extension.js.map',
    'test/vscode/run.ts',
    'tools/toy/train.py',
    'models/toy-small/TRAINING.md',
  ];
  const { unexpected } = checkExtensionFiles('linux-x64', [...linuxX64(), ...intruders], BUNDLED_MODELS);
  assert.deepEqual(unexpected, intruders);
});

test('a listing without its platform binding or a bundled model reports them missing', () => {
  const files = linuxX64().filter((f) => !f.endsWith('onnxruntime_binding.node') && f !== 'models/toy-big/onnx/model.onnx');
  assert.deepEqual(checkExtensionFiles('linux-x64', files, BUNDLED_MODELS).missing, [
    `${ORT_BIN}/linux/x64/onnxruntime_binding.node`,
    'models/toy-big/onnx/model.onnx',
  ]);
});

test("each target's ignore file re-includes exactly its own binaries, and each of them exists in onnxruntime-node", () => {
  for (const [target, t] of Object.entries(TARGETS)) {
    const reincluded = ignoreFileFor(target, VSCODEIGNORE)
      .split('\n')
      .filter((l) => l.startsWith(`!${ORT_BIN.replace('/napi-v6', '')}`));
    assert.deepEqual(
      reincluded,
      t.files.map((f) => `!${ORT_BIN}/${t.bin}/${f}`),
      target,
    );
    for (const f of t.files) assert.ok(statSync(join(__dirname, '../..', ORT_BIN, t.bin, f)).size > 0, `${target}: ${f}`);
  }
});

test('an unknown target is one clear error naming the known ones', () => {
  assert.throws(
    () => ignoreFileFor('darwin-x64', VSCODEIGNORE),
    /unknown target darwin-x64: use one of linux-x64, linux-arm64, win32-x64, win32-arm64, darwin-arm64/,
  );
});
