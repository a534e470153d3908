import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LocalModel } from '../../src/engine';
import { addHeadBias } from '../helpers/headBias';
import { maxAbsDiff } from '../helpers/referenceForward';
import { tempModel } from '../helpers/tempModel';
import { loadTestModel } from '../helpers/testDevice';

const ids = [256, 258, 80, 117, 116, 32, 51, 32, 43, 32, 52, 259, 260, 10, 36, 51, 43, 52, 61, 55, 36];

/** logits of every position computed from scratch in one pass */
async function fullPass(model: LocalModel, seq: number[]): Promise<Float32Array> {
  const g = await model.generator();
  const out = (await g.append(seq, { logits: 'all' }))!;
  g.dispose();
  return out;
}

const variants = [
  { name: 'float32 KV cache', opts: {} },
  { name: 'float16 KV cache', opts: { kvDtype: 'float16' as const } },
  { name: 'graph without position_ids', opts: { positionIds: false } },
  { name: 'external data file', opts: { externalData: 'model.onnx_data' } },
];

for (const v of variants) {
  describe(`KV cache: ${v.name}`, () => {
    let model: LocalModel;
    let vocab: number;
    before(async () => {
      const built = tempModel({ seed: 11, ...v.opts });
      vocab = built.config.vocab_size;
      model = await loadTestModel(built.dir);
    });
    after(() => model.dispose());
    // fp16 caches round K/V to half precision, so incremental decoding differs slightly from a full pass
    const tol = v.opts.kvDtype === 'float16' ? 2e-2 : 1e-4;

    test('incremental decode gives the logits of a full recompute', async () => {
      const full = await fullPass(model, ids);
      const g = await model.generator();
      await g.append(ids.slice(0, 5), { logits: 'none' });
      for (let i = 5; i < ids.length; i++) {
        const last = (await g.append([ids[i]], { logits: 'last' }))!;
        const diff = maxAbsDiff(last, full.subarray(i * vocab, (i + 1) * vocab));
        assert.ok(diff < tol, `position ${i}: max |diff| ${diff}`);
      }
      assert.equal(g.length, ids.length);
      g.dispose();
    });

    test('append, rewind, append gives the logits of a full recompute', async () => {
      const full = await fullPass(model, ids);
      const g = await model.generator();
      await g.append(ids.slice(0, 12), { logits: 'none' });
      await g.append([5, 6, 7, 8], { logits: 'none' }); // tokens that will be thrown away
      g.rewind(12);
      assert.equal(g.length, 12);
      const rest = (await g.append(ids.slice(12), { logits: 'all' }))!;
      const diff = maxAbsDiff(rest, full.subarray(12 * vocab));
      assert.ok(diff < tol, `max |diff| ${diff}`);
      g.rewind(0);
      const again = (await g.append(ids.slice(0, 3), { logits: 'all' }))!;
      assert.ok(maxAbsDiff(again, full.subarray(0, 3 * vocab)) < tol);
      g.dispose();
    });
  });
}

describe('generator', () => {
  let model: LocalModel;
  before(async () => {
    model = await loadTestModel(tempModel({ seed: 5 }).dir);
  });
  after(() => model.dispose());

  test('kv type of a float16 export is reported', async () => {
    const m = await loadTestModel(tempModel({ seed: 5, kvDtype: 'float16' }).dir);
    assert.equal(m.kvType, 'float16');
    await m.dispose();
    assert.equal(model.kvType, 'float32');
  });

  test('next() and generate() agree with argmax of the appended logits (greedy)', async () => {
    const g = await model.generator();
    let logits = (await g.append(ids, { logits: 'last' }))!;
    const expected: number[] = [];
    const probe = await model.generator();
    await probe.append(ids, { logits: 'none' });
    for (let i = 0; i < 8; i++) {
      let best = 0;
      for (let j = 1; j < logits.length; j++) if (logits[j] > logits[best]) best = j;
      expected.push(best);
      logits = (await g.append([best], { logits: 'last' }))!;
    }
    const viaNext: number[] = [];
    for (let i = 0; i < 4; i++) viaNext.push((await probe.next({})).token);
    const viaGenerate: number[] = [];
    for await (const t of probe.generate({ maxTokens: 4 })) viaGenerate.push(t);
    assert.deepEqual([...viaNext, ...viaGenerate], expected);
    assert.equal(probe.length, ids.length + 8);
    g.dispose();
    probe.dispose();
  });

  test('the same seed reproduces a sampled run exactly; another seed differs', async () => {
    const run = async (seed: number) => {
      const g = await model.generator();
      await g.append(ids, { logits: 'none' });
      const out: number[] = [];
      for await (const t of g.generate({ maxTokens: 24, sampler: { temperature: 1.5, topP: 0.95, seed } })) out.push(t);
      g.dispose();
      return out;
    };
    const a = await run(42);
    assert.deepEqual(await run(42), a);
    assert.notDeepEqual(await run(43), a);
  });

  test('generate stops after a stop token, which stays in the cache', async () => {
    const g = await model.generator();
    await g.append(ids, { logits: 'none' });
    const free: number[] = [];
    for await (const t of g.generate({ maxTokens: 10 })) free.push(t);
    const g2 = await model.generator();
    await g2.append(ids, { logits: 'none' });
    const stopped: number[] = [];
    for await (const t of g2.generate({ maxTokens: 10, stopTokenIds: [free[3]] })) stopped.push(t);
    const firstStop = free.indexOf(free[3]);
    assert.deepEqual(stopped, free.slice(0, firstStop + 1));
    assert.equal(g2.length, ids.length + stopped.length);
    g.dispose();
    g2.dispose();
  });

  test('an AbortSignal stops generation within a step, and the generator stays usable', async () => {
    const g = await model.generator();
    await g.append(ids, { logits: 'none' });
    const ac = new AbortController();
    const got: number[] = [];
    for await (const t of g.generate({ maxTokens: 500, signal: ac.signal })) {
      got.push(t);
      if (got.length === 5) ac.abort();
    }
    assert.ok(got.length < 500, `generated ${got.length} tokens after abort`);
    assert.equal(g.length, ids.length + got.length);
    // the cache is consistent: the next token equals a fresh greedy continuation of the same text
    const { token: next } = await g.next({});
    const fresh = await model.generator();
    await fresh.append([...ids, ...got], { logits: 'none' });
    assert.equal((await fresh.next({})).token, next);
    g.dispose();
    fresh.dispose();
  });

  test('breaking out of generate() early leaves length exact', async () => {
    const g = await model.generator();
    await g.append(ids, { logits: 'none' });
    let n = 0;
    for await (const _ of g.generate({ maxTokens: 100 })) if (++n === 3) break;
    const len = g.length;
    assert.ok(len >= ids.length + 3);
    g.rewind(ids.length + 3);
    await g.append([65], { logits: 'none' });
    assert.equal(g.length, ids.length + 4);
    g.dispose();
  });

  test('misuse gets clear errors', async () => {
    const g = await model.generator();
    await assert.rejects(g.next({}), /append at least one token/);
    await assert.rejects(g.append([]), /at least one token/);
    await g.append([1, 2, 3]);
    assert.throws(() => g.rewind(4), /the cache holds 3 tokens/);
    g.rewind(1);
    await assert.rejects(g.next({}), /append at least one token/);
    g.dispose();
    await assert.rejects(g.append([1]), /disposed/);
  });

  test('sequences longer than max_position_embeddings are refused', async () => {
    const m = await loadTestModel(tempModel({ seed: 2, config: { max_position_embeddings: 16 } }).dir);
    const g = await m.generator();
    await assert.rejects(g.append(Array(17).fill(65)), /17 tokens exceeds the model's max_position_embeddings \(16\)/);
    await m.dispose();
  });
});

test('each generate() call starts its seed afresh; next() continues one sequence', async () => {
  const model = await loadTestModel(tempModel({ seed: 8 }).dir);
  const g = await model.generator();
  const sampler = { temperature: 3, seed: 5 };
  const restart = async () => {
    g.rewind(ids.length - 1);
    await g.append(ids.slice(-1), { logits: 'none' });
  };
  await g.append(ids, { logits: 'none' });
  const run = async () => {
    const out: number[] = [];
    for await (const t of g.generate({ maxTokens: 6, sampler })) out.push(t);
    return out;
  };
  const first = await run();
  await restart();
  assert.deepEqual(await run(), first);
  await restart();
  const viaNext = [(await g.next(sampler)).token, (await g.next(sampler)).token, (await g.next(sampler)).token];
  assert.deepEqual(viaNext, first.slice(0, 3));
  await model.dispose();
});

// The engine slices the head to the rows a run returns (src/engine/onnx/logitsFrom.ts); where it
// cannot, a prefill of 40 tokens × a 32k vocabulary is past the size at which it runs in two parts.
for (const [head, biased] of [
  ['a sliced head', false],
  ['a head the engine cannot slice (a bias added after it)', true],
] as const) {
  test(`a long prefill wanting the last logits gives the same last logits and cache as one wanting all (${head})`, async () => {
    const folder = tempModel({ seed: 12, config: { vocab_size: 32768 } });
    if (biased) addHeadBias(folder.dir);
    const lines: string[] = [];
    const model = await loadTestModel(folder.dir, { log: (l) => lines.push(l) });
    assert.equal(
      lines.some((l) => l.startsWith('the head runs on every position')),
      biased,
      lines.join('\n'),
    );
    const long = Array.from({ length: 40 }, (_, i) => 32 + ((i * 13) % 90));
    const full = await model.generator();
    const all = (await full.append(long, { logits: 'all' }))!;
    const V = model.config.vocab_size;
    const split = await model.generator();
    const last = (await split.append(long, { logits: 'last' }))!;
    assert.ok(maxAbsDiff(last, all.subarray(39 * V)) < 1e-4);
    assert.equal(split.length, 40);
    // the caches agree too: the same next-token logits after one more token
    const a = (await full.append([65], { logits: 'last' }))!;
    const b = (await split.append([65], { logits: 'last' }))!;
    assert.ok(maxAbsDiff(a, b) < 1e-4);
    const none = await model.generator();
    await none.append(long, { logits: 'none' });
    assert.equal(
      (await none.next({})).token,
      (() => {
        let best = 0;
        for (let i = 1; i < V; i++) if (last[i] > last[best]) best = i;
        return best;
      })(),
    );
    await model.dispose();
  });
}
