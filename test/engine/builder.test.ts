import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildQwen2Onnx, randomWeights, testConfig } from '../../src/engine/builder';
import { maxAbsDiff, referenceLogits } from '../helpers/referenceForward';
import { tempModel } from '../helpers/tempModel';
import { loadTestModel } from '../helpers/testDevice';

const shapes = [
  { name: 'grouped-query attention, untied head', config: {}, qkvBias: false },
  { name: 'multi-head attention, tied head, qkv bias (Qwen2)', config: { num_key_value_heads: 4, tie_word_embeddings: true }, qkvBias: true },
  { name: 'head_dim unlike hidden/heads, one KV head', config: { head_dim: 8, num_key_value_heads: 1, num_hidden_layers: 3 }, qkvBias: false },
];

for (const shape of shapes) {
  test(`builder graph matches a plain-JS Qwen2 forward: ${shape.name}`, async () => {
    const { dir, config, weights } = tempModel({ config: shape.config, qkvBias: shape.qkvBias, seed: 7 });
    const ids = [256, 72, 101, 108, 108, 111, 33, 260, 10];
    const expected = referenceLogits(config, weights, ids);
    const model = await loadTestModel(dir);
    try {
      const gen = await model.generator();
      const got = (await gen.append(ids, { logits: 'all' }))!;
      assert.equal(got.length, ids.length * config.vocab_size);
      const flat = expected.flatMap((row) => Array.from(row));
      const diff = maxAbsDiff(got, flat);
      assert.ok(diff < 1e-4, `max |diff| ${diff}`);
      // the logits must actually discriminate between tokens, or the comparison proves little
      const spread = Math.max(...flat) - Math.min(...flat);
      assert.ok(spread > 1, `logit spread ${spread}`);
    } finally {
      await model.dispose();
    }
  });
}

test('builder rejects weights of the wrong shape, naming the tensor', () => {
  const config = testConfig();
  const w = randomWeights(config, 1);
  const q = w.get('model.layers.0.self_attn.q_proj.weight')!;
  w.set('model.layers.0.self_attn.q_proj.weight', { dims: [32, 64], data: q.data.subarray(0, 32 * 64) });
  assert.throws(() => buildQwen2Onnx(config, w), /model\.layers\.0\.self_attn\.q_proj\.weight has shape \[32,64\], expected \[64,64\]/);
  w.delete('model.norm.weight');
  w.set('model.layers.0.self_attn.q_proj.weight', q);
  assert.throws(() => buildQwen2Onnx(config, w), /missing tensor model\.norm\.weight/);
});
