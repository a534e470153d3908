/**
 * Converted folders in both runtimes: the engine (LocalModel) and transformers.js load the q4
 * folders (float or int4 embedding table) and produce the same greedy tokens; a Llama-family
 * checkpoint (no q/k/v biases) converts to the logits of the builder's own graph.
 */
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { convertCheckpoint } from '../../src/convert';
import { argmax, type LocalModel } from '../../src/engine';
import { maxAbsDiff } from '../helpers/referenceForward';
import { writeHfCheckpoint } from '../helpers/hfCheckpoint';
import { tempDir, tempModel } from '../helpers/tempModel';
import { loadTestModel } from '../helpers/testDevice';
import { peerGreedy } from '../helpers/transformersPeer';
import { allLogits, convertedToy, fixture } from './toyConversions';

const open: { dispose(): Promise<unknown> }[] = [];
after(async () => {
  for (const m of open) await m.dispose();
});

async function engineGreedy(model: LocalModel, prompt: number[], n: number): Promise<number[]> {
  const gen = await model.generator();
  let logits = (await gen.append(prompt, { logits: 'last' }))!;
  const out: number[] = [];
  while (out.length < n) {
    const id = argmax(logits);
    out.push(id);
    logits = (await gen.append([id], { logits: 'last' }))!;
  }
  gen.dispose();
  return out;
}

// toy-small ties its head: with an int4 table, GatherBlockQuantized and the head's MatMulNBits share it
for (const [variant, opts] of [
  ['a q4 conversion', {}],
  ['a q4 conversion with an int4 embedding table and head', { quantizeEmbedding: true, quantizeHead: true }],
] as const) {
  test(`${variant} loads in the engine and in transformers.js, and both decode the same greedy tokens`, async () => {
    const dir = await convertedToy('toy-small', 'q4', 'F32', opts);
    const model = await loadTestModel(dir, { dtype: 'q4' });
    open.push(model);
    const prompt = fixture('toy-small').greedy[0].promptIds;
    const peerTokens = await peerGreedy(dir, 'q4', prompt, 40);
    assert.equal(peerTokens.length, 40);
    assert.deepEqual(await engineGreedy(model, prompt, 40), peerTokens);
  });
}

test("a Llama checkpoint (model_type llama, no biases, untied head) converts to the builder graph's logits", async () => {
  const built = tempModel({ seed: 5, config: { model_type: 'llama', num_hidden_layers: 2 }, qkvBias: false });
  const hf = writeHfCheckpoint(built.dir, built.weights, join(tempDir('sr-llama-'), 'hf'), { dtype: 'F32', shards: 2 });
  const out = join(dirname(hf), 'fp32');
  await convertCheckpoint(hf, out, { dtype: 'fp32' });
  const ours = await loadTestModel(out);
  const ref = await loadTestModel(built.dir);
  open.push(ours, ref);
  assert.equal(ours.config.model_type, 'llama');
  const ids = [256, 258, 67, 111, 109, 112, 117, 116, 101, 32, 36, 52, 55, 259, 260, 10];
  const d = maxAbsDiff(await allLogits(ours, ids), await allLogits(ref, ids));
  assert.ok(d < 1e-4, `max |diff| ${d}`);
});
