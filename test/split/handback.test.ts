/**
 * One-pass hand-back detection against the reference method (a greedy rollout after every
 * large-model token) on random-weight models, where the decision depends on the whole context.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { argmax, LocalModel } from '../../src/engine';
import { seededRandom } from '../../src/engine/random';
import { appendAndProbe, referenceHandback } from '../../src/split';
import { tempModel } from '../helpers/tempModel';
import { mostPredicted } from '../../bench/handbackTraces';

let model: LocalModel;
before(async () => {
  model = await LocalModel.load(tempModel({ seed: 31, config: { num_hidden_layers: 2 } }).dir, { device: 'cpu' });
});
after(() => model.dispose());

async function greedyAfter(seq: number[]): Promise<number> {
  const g = await model.generator();
  const next = argmax((await g.append(seq, { logits: 'last' }))!);
  g.dispose();
  return next;
}

test('one pass finds the same hand-back positions as per-position rollouts on 60 traces', async () => {
  const rand = seededRandom(99);
  const prefix = [256, 258, 67, 111, 109, 112, 117, 116, 101, 259, 260, 10, 262];
  // tokens the model often predicts, so "close tags" made of them occur at varied positions
  const frequent = await mostPredicted(model, [...prefix, ...Array.from({ length: 200 }, () => 32 + Math.floor(rand() * 90))]);
  let handbacks = 0;
  let confirmedMulti = 0;
  for (let trace = 0; trace < 60; trace++) {
    // single-token close tags for half the traces, two-token tags (rollout-confirmed) for the rest
    const first = frequent[trace % 3];
    const tokens = Array.from({ length: 40 }, () => 32 + Math.floor(rand() * 90));
    // a second tag token the model really predicts after `first` somewhere in this trace, so some
    // candidates confirm and others are false starts
    const close = trace % 2 === 0 ? [first] : [first, await greedyAfter([...prefix, ...tokens.slice(0, 5 + (trace % 30)), first])];
    const a = await model.generator();
    const b = await model.generator();
    await a.append(prefix, { logits: 'none' });
    await b.append(prefix, { logits: 'none' });
    const one = await appendAndProbe(a, tokens, close);
    const ref = await referenceHandback(b, tokens, close, 6);
    assert.equal(one.after, ref.after, `trace ${trace}: one pass ${one.after}, reference ${ref.after}`);
    assert.equal(a.length, b.length, `trace ${trace}: cache lengths`);
    const [la, lb] = [await a.lastLogits(), await b.lastLogits()];
    assert.ok(Math.max(...la.map((v, i) => Math.abs(v - lb[i]))) < 1e-4, `trace ${trace}: logits after the probe differ`);
    if (one.after !== null) {
      handbacks++;
      if (close.length > 1) confirmedMulti++;
    }
    a.dispose();
    b.dispose();
  }
  // the comparison is only meaningful if hand-backs happened, of both kinds
  assert.ok(handbacks >= 15, `only ${handbacks} of 60 traces handed back`);
  assert.ok(confirmedMulti >= 5, `only ${confirmedMulti} multi-token hand-backs`);
});
