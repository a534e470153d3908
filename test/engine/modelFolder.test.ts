import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LocalModel } from '../../src/engine';
import { testConfig, writeOnnx, randomWeights } from '../../src/engine/builder';
import { tempModel } from '../helpers/tempModel';

test('a missing folder, config or tokenizer each gets an error naming what is missing', async () => {
  await assert.rejects(LocalModel.load('/nonexistent/model'), /model folder \/nonexistent\/model does not exist/);
  const a = tempModel().dir;
  rmSync(join(a, 'tokenizer.json'));
  await assert.rejects(LocalModel.load(a), /no tokenizer\.json/);
  const b = tempModel().dir;
  rmSync(join(b, 'config.json'));
  await assert.rejects(LocalModel.load(b), /no config\.json/);
  const c = tempModel().dir;
  writeFileSync(join(c, 'config.json'), '{"hidden_size": 64,');
  await assert.rejects(LocalModel.load(c), /config\.json: not valid JSON/);
  const d = tempModel().dir;
  writeFileSync(join(d, 'config.json'), JSON.stringify({ ...testConfig(), num_hidden_layers: 'two' }));
  await assert.rejects(LocalModel.load(d), /"num_hidden_layers" must be a positive number, got "two"/);
});

test('a truncated .onnx file is a clear error, and the process lives on', async () => {
  const { dir } = tempModel();
  const file = join(dir, 'onnx', 'model.onnx');
  const bytes = readFileSync(file);
  writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
  await assert.rejects(LocalModel.load(dir, { device: 'cpu' }), (e: Error) => {
    assert.match(e.message, /model\.onnx: onnxruntime could not load it/);
    assert.match(e.message, /truncated or not an ONNX model/);
    return true;
  });
  // still able to load a good model afterwards
  const ok = await LocalModel.load(tempModel().dir, { device: 'cpu' });
  await ok.dispose();
});

test('a config that does not match the graph names the input and the expectation', async () => {
  const cases: [object, RegExp][] = [
    [{ num_key_value_heads: 4 }, /input 'past_key_values\.0\.key' has shape \[batch_size, 2, past_sequence_length, 16\], expected \[batch, 4, past, 16\]/],
    [{ num_hidden_layers: 3 }, /missing input 'past_key_values\.2\.key' \(config\.json says 3 layers\)/],
    [{ vocab_size: 300 }, /output 'logits' has vocabulary size 265, config\.json says vocab_size 300/],
    [{ head_dim: 8 }, /expected \[batch, 2, past, 8\]/],
  ];
  for (const [patch, pattern] of cases) {
    const { dir, config } = tempModel();
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, ...patch }));
    await assert.rejects(LocalModel.load(dir, { device: 'cpu' }), (e: Error) => {
      assert.match(e.message, pattern);
      assert.match(e.message, /onnx\/model\.onnx/);
      return true;
    });
  }
});

test('dtype picks the variant file; a missing variant lists what the folder has', async () => {
  const { dir, config } = tempModel({ seed: 4 });
  writeOnnx(join(dir, 'onnx', 'model_fp16.onnx'), config, randomWeights(config, 4), { kvDtype: 'float16' });
  const m = await LocalModel.load(dir, { device: 'cpu', dtype: 'fp16' });
  assert.match(m.onnxFile, /model_fp16\.onnx$/);
  assert.equal(m.kvType, 'float16');
  await m.dispose();
  await assert.rejects(LocalModel.load(dir, { dtype: 'q4' }), /no onnx\/model_q4\.onnx for dtype 'q4'; this folder has model\.onnx, model_fp16\.onnx/);
});

test('external data beside the model is loaded; missing external data is a clear error', async () => {
  const { dir } = tempModel({ seed: 3, externalData: 'model.onnx_data' });
  const m = await LocalModel.load(dir, { device: 'cpu' });
  const g = await m.generator();
  assert.equal((await g.append([1, 2, 3], { logits: 'last' }))!.length, m.config.vocab_size);
  await m.dispose();
  const moved = tempModel({ seed: 3, externalData: 'model.onnx_data' }).dir;
  mkdirSync(join(moved, 'elsewhere'));
  copyFileSync(join(moved, 'onnx', 'model.onnx_data'), join(moved, 'elsewhere', 'x'));
  rmSync(join(moved, 'onnx', 'model.onnx_data'));
  await assert.rejects(LocalModel.load(moved, { device: 'cpu' }), /onnxruntime could not load it/);
});
