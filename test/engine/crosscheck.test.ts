/**
 * The peer check: @huggingface/transformers (transformers.js) loads the same model folder
 * and must agree with the engine on greedy tokens and on logits, with and without the cache.
 */
import assert from 'node:assert/strict';
import { basename, dirname } from 'node:path';
import { after, before, test } from 'node:test';
import { LocalModel } from '../../src/engine';
import { maxAbsDiff } from '../helpers/referenceForward';
import { tempModel } from '../helpers/tempModel';
import { loadTestModel } from '../helpers/testDevice';

// transformers.js is ESM; load it once.
type Transformers = typeof import('@huggingface/transformers');
let tf: Transformers;
let model: LocalModel;
let peer: Awaited<ReturnType<Transformers['AutoModelForCausalLM']['from_pretrained']>>;
const built = tempModel({ seed: 21, config: { num_hidden_layers: 3 } });
const prompt = [256, 258, 67, 111, 109, 112, 117, 116, 101, 32, 36, 52, 55, 32, 92, 116, 105, 109, 101, 115, 32, 56, 54, 36, 46, 259, 260, 10];

before(async () => {
  tf = await import('@huggingface/transformers');
  tf.env.allowRemoteModels = false;
  tf.env.localModelPath = dirname(built.dir);
  peer = await tf.AutoModelForCausalLM.from_pretrained(basename(built.dir), { dtype: 'fp32', device: 'cpu' });
  model = await loadTestModel(built.dir);
});
after(async () => {
  await model?.dispose();
  await peer?.dispose();
});

test('greedy tokens agree with transformers.js generate()', async () => {
  const input_ids = new tf.Tensor('int64', BigInt64Array.from(prompt, BigInt), [1, prompt.length]);
  const out = (await peer.generate({ input_ids, max_new_tokens: 24, do_sample: false, eos_token_id: -1 } as never)) as InstanceType<Transformers['Tensor']>;
  const peerTokens = Array.from(out.data as BigInt64Array, Number).slice(prompt.length);
  const g = await model.generator();
  await g.append(prompt, { logits: 'none' });
  const ours: number[] = [];
  for await (const t of g.generate({ maxTokens: 24 })) ours.push(t);
  assert.equal(peerTokens.length, 24);
  assert.deepEqual(ours, peerTokens);
});

test('logits agree within 1e-4 on a full pass and step by step with the cache', async () => {
  const input_ids = new tf.Tensor('int64', BigInt64Array.from(prompt, BigInt), [1, prompt.length]);
  const attention_mask = new tf.Tensor('int64', new BigInt64Array(prompt.length).fill(1n), [1, prompt.length]);
  const peerOut = await peer({ input_ids, attention_mask });
  const peerLogits = peerOut.logits.data as Float32Array;
  const g = await model.generator();
  const ours = (await g.append(prompt, { logits: 'all' }))!;
  const full = maxAbsDiff(ours, peerLogits);
  assert.ok(full < 1e-4, `full pass: max |diff| ${full}`);

  // incremental: our cache, one token at a time, against the peer's full-pass logits per position
  const step = await model.generator();
  await step.append(prompt.slice(0, 4), { logits: 'none' });
  const vocab = model.config.vocab_size;
  for (let i = 4; i < prompt.length; i++) {
    const last = (await step.append([prompt[i]], { logits: 'last' }))!;
    const d = maxAbsDiff(last, peerLogits.subarray(i * vocab, (i + 1) * vocab));
    assert.ok(d < 1e-4, `position ${i}: max |diff| ${d}`);
  }
});
