/**
 * The paper's effect in miniature, through the real controller and the committed ONNX pair:
 * with `learned` the big model writes exactly the partial products the small model tags and
 * the answers come out right; alone (`never`) the small model gets them wrong. Then the same
 * solves with toy-big behind `splitreason serve` on a real socket, through the OpenAI client.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { createProvider, type BigModelProvider } from '../../src/providers';
import { startServer } from '../../src/server';
import { solve, type PolicyKind, type TraceEvent } from '../../src/split';
import { partials, toyProblems, type ToyProblem } from './problems';
import { loadTestModel } from '../helpers/testDevice';
import { MODELS, useToyPair } from './pair';

const PROBLEMS = toyProblems(10, 4242);
const pair = useToyPair();

interface Run {
  answer: string | null;
  /** everything the reader sees, with the source of each segment */
  segments: [string, string][];
  bigTexts: string[];
  smallTokens: number;
  bigTokens: number;
}

async function run(p: ToyProblem, kind: PolicyKind, provider: BigModelProvider = pair.big()): Promise<Run> {
  const source = new Map<number, string>();
  const texts = new Map<number, string>();
  const r: Run = { answer: null, segments: [], bigTexts: [], smallTokens: 0, bigTokens: 0 };
  for await (const e of solve({ problem: p.text, small: pair.small(), big: provider, policy: { kind }, bigTemperature: 0 }) as AsyncGenerator<TraceEvent>) {
    if (e.type === 'segment') source.set(e.id, e.source);
    else if (e.type === 'text') texts.set(e.id, (texts.get(e.id) ?? '') + e.text);
    else if (e.type === 'stats') Object.assign(r, { smallTokens: e.smallTokens, bigTokens: e.bigTokens });
    else if (e.type === 'done') r.answer = e.answer;
  }
  for (const [id, src] of source) {
    r.segments.push([src, texts.get(id) ?? '']);
    if (src === 'big') r.bigTexts.push(texts.get(id) ?? '');
  }
  return r;
}

/** In-process `learned` solves, each made once by whichever test asks for it first. */
const learnedRuns = new Map<ToyProblem, Promise<Run>>();
function learned(p: ToyProblem): Promise<Run> {
  if (!learnedRuns.has(p)) learnedRuns.set(p, run(p, 'learned'));
  return learnedRuns.get(p)!;
}

test('learned: the big model writes exactly the tagged partial products, and the answers are right', async (t) => {
  let correct = 0;
  let small = 0;
  let big = 0;
  for (const p of PROBLEMS) {
    const r = await learned(p);
    assert.deepEqual(r.bigTexts, partials(p), `offloaded segments for ${p.text}`);
    if (Number(r.answer) === p.answer) correct++;
    small += r.smallTokens;
    big += r.bigTokens;
  }
  // The paper's effect: offloading the tagged steps turns a small model that gets nothing right
  // (see `never`) into one that gets nearly everything right (TRAINING.md measures it on 500).
  t.diagnostic(`learned: ${correct}/${PROBLEMS.length} right, offload fraction ${(big / (small + big)).toFixed(3)}`);
  assert.ok(correct >= 9, `learned: ${correct}/${PROBLEMS.length} right`);
  assert.ok(big > 0 && big / (small + big) <= 0.2, `offload fraction ${big / (small + big)}`);
});

test('never: the small model alone cannot do the products', async (t) => {
  let correct = 0;
  for (const p of PROBLEMS) {
    const r = await run(p, 'never');
    assert.equal(r.bigTokens, 0);
    if (Number(r.answer) === p.answer) correct++;
  }
  t.diagnostic(`never: ${correct}/${PROBLEMS.length} right`);
  assert.ok(correct <= 2, `never: ${correct}/${PROBLEMS.length} right`);
});

test('learned with toy-big behind serve (openai-completions over a socket): the same solves as in-process', async () => {
  const model = await loadTestModel(join(MODELS, 'toy-big'), { threads: 1 });
  const server = await startServer({ model, modelName: 'toy-big' });
  try {
    const provider = createProvider({ kind: 'openai-completions', baseUrl: `${server.url}/v1`, model: 'toy-big' })!;
    for (const p of PROBLEMS.slice(0, 4)) {
      const r = await run(p, 'learned', provider);
      const inProcess = await learned(p);
      assert.ok(r.bigTexts.length > 0, `nothing offloaded through serve for ${p.text}`);
      assert.deepEqual(r.segments, inProcess.segments, `segments through serve for ${p.text}`);
      assert.equal(r.answer, inProcess.answer);
    }
  } finally {
    await server.close();
    await model.dispose();
  }
});
