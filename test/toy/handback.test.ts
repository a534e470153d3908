/**
 * Hand-back on the committed toy pair: the one-pass probe (append the large model's chunk, read
 * the small model's per-position logits) finds the same hand-back position as the reference
 * method (a greedy rollout after every large-model token) on real offloads, where toy-small
 * opened <bigmodel> before a partial product and toy-big wrote on past it.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { LocalModel } from '../../src/engine';
import { CLOSE_TAG, appendAndProbe, referenceHandback } from '../../src/split';
import { toyTraces } from '../../bench/handbackTraces';
import type { HandbackTrace } from '../../bench/handback';
import { toyProblems } from './problems';
import { loadTestModel } from '../helpers/testDevice';

const MODELS = join(__dirname, '..', '..', 'models');
let small: LocalModel;
let big: LocalModel;
let traces: HandbackTrace[];

before(async () => {
  small = await loadTestModel(join(MODELS, 'toy-small'), { threads: 1 });
  big = await loadTestModel(join(MODELS, 'toy-big'), { threads: 1 });
  traces = await toyTraces(
    small,
    big,
    toyProblems(56, 77).map((p) => p.text),
    24,
  );
});
after(async () => {
  await big?.dispose();
  await small?.dispose();
});

test('one pass and per-position rollouts hand back at the same place on >= 50 toy traces', async (t) => {
  assert.ok(traces.length >= 50, `only ${traces.length} of 56 solves offloaded`);
  const close = small.tokenizer.encode(CLOSE_TAG);
  assert.equal(close.length, 1, 'the toy tokenizer has </bigmodel> as one special token');
  const positions = new Map<number | null, number>();
  for (const [i, t] of traces.entries()) {
    const a = await small.generator();
    const b = await small.generator();
    await a.append(t.prefix, { logits: 'none' });
    await b.append(t.prefix, { logits: 'none' });
    const one = await appendAndProbe(a, t.tokens, close);
    const ref = await referenceHandback(b, t.tokens, close, 6);
    assert.equal(one.after, ref.after, `trace ${i}: one pass hands back after token ${one.after}, the reference after token ${ref.after}`);
    assert.equal(a.length, b.length, `trace ${i}: cache lengths differ`);
    const [la, lb] = [await a.lastLogits(), await b.lastLogits()];
    assert.ok(Math.max(...la.map((v, k) => Math.abs(v - lb[k]))) < 1e-4, `trace ${i}: logits after the hand-back differ`);
    positions.set(one.after, (positions.get(one.after) ?? 0) + 1);
    a.dispose();
    b.dispose();
  }
  // The comparison means something only if the small model really takes back over: a partial
  // product is a 4-character field (4 tokens: digits are never merged), so it should close the
  // tag after the chunk's token at index 3.
  const atField = positions.get(3) ?? 0;
  t.diagnostic(`${traces.length} traces; hand-back after chunk token: ${JSON.stringify([...positions])}`);
  assert.ok(atField >= 0.9 * traces.length, `hand-back positions: ${JSON.stringify([...positions])}`);
});
