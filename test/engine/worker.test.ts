import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tempModel } from '../helpers/tempModel';
import { loadTestModel } from '../helpers/testDevice';

test("the caller's thread keeps running while the worker loads and generates", async () => {
  const { dir } = tempModel({ seed: 1, config: { hidden_size: 256, intermediate_size: 1024, num_hidden_layers: 4, num_attention_heads: 8, num_key_value_heads: 4, head_dim: 32 } });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  try {
    const model = await loadTestModel(dir, { threads: 1 });
    const g = await model.generator();
    // one long prefill: a single onnxruntime run that would freeze this thread if it ran here
    const before = ticks;
    const pending = g.append(Array.from({ length: 1500 }, (_, i) => 32 + (i % 90)), { logits: 'none' });
    let settled = false;
    void pending.then(() => (settled = true));
    while (!settled && ticks - before < 5) await new Promise((r) => setTimeout(r, 1));
    assert.equal(settled, false, 'the prefill finished before this thread ran five timer callbacks');
    await pending;
    // and during token-by-token generation
    const during = ticks;
    const tokens: number[] = [];
    for await (const t of g.generate({ maxTokens: 30 })) tokens.push(t);
    assert.equal(tokens.length, 30);
    assert.ok(ticks > during, 'timers ran during generation');
    await model.dispose();
  } finally {
    clearInterval(timer);
  }
});

test('a disposed model rejects calls instead of hanging', async () => {
  const model = await loadTestModel(tempModel().dir);
  const g = await model.generator();
  await model.dispose();
  await assert.rejects(g.append([1]), /disposed/);
  await assert.rejects(model.generator(), /disposed/);
});

test('dispose during a running generation waits for the worker instead of crashing the process', async () => {
  const model = await loadTestModel(tempModel({ seed: 2 }).dir);
  const g = await model.generator();
  await g.append([1, 2, 3], { logits: 'none' });
  const got: number[] = [];
  const consumer = (async () => {
    for await (const t of g.generate({ maxTokens: 100000 })) got.push(t);
  })();
  while (got.length < 3) await new Promise((r) => setTimeout(r, 1));
  await model.dispose();
  await consumer; // generation ended (cancelled) rather than the process aborting
  assert.ok(got.length >= 3 && got.length < 100000);
});
