/**
 * The local provider against the engine itself: the same greedy tokens, decoded, for the
 * same prompt; a KV cache reused across calls without changing the text; stop strings.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { LocalModel } from '../../src/engine';
import { LocalProvider } from '../../src/providers/local';
import { createProvider } from '../../src/providers';
import { tempModel } from '../helpers/tempModel';
import { collect } from './helpers';
import { engineGreedy as reference } from '../server/engineReference';

const PROMPT = '<｜User｜>What is 7*8?<｜Assistant｜><think>\n';
let model: LocalModel;
let dir: string;

before(async () => {
  dir = tempModel({ seed: 11 }).dir;
  model = await LocalModel.load(dir, { device: 'cpu', threads: 1 });
});
after(() => model.dispose());

async function engineGreedy(prompt: string, n: number): Promise<string> {
  return (await reference(model, prompt, n)).text;
}

test('continues the raw prompt with the engine greedy tokens, also on a reused cache', async () => {
  const provider = new LocalProvider({ model });
  try {
    const first = await collect(provider, { prompt: PROMPT, maxTokens: 20, temperature: 0 });
    assert.equal(first.error, undefined);
    assert.ok(first.text.length > 0, 'the random model must produce some text');
    assert.equal(first.text, await engineGreedy(PROMPT, 20));
    // The second prompt extends the first: the provider reuses its cache, the text must not change.
    const longer = PROMPT + first.text;
    const second = await collect(provider, { prompt: longer, maxTokens: 20, temperature: 0 });
    assert.equal(second.text, await engineGreedy(longer, 20));
    assert.deepEqual(provider.usage(), {
      promptTokens: model.tokenizer.encode(PROMPT).length + model.tokenizer.encode(longer).length,
      completionTokens: 40,
    });
  } finally {
    await provider.dispose();
  }
});

test('a reader that stops early (a hand-back) stops the engine too: nothing left listening, the next call is exact', async () => {
  const provider = new LocalProvider({ model });
  try {
    const ac = new AbortController();
    let read = '';
    for await (const c of provider.continue({ prompt: PROMPT, maxTokens: 200, temperature: 0, signal: ac.signal })) {
      read += c.text;
      if (read.length >= 3) break;
    }
    // The engine's stream registers on the signal while it runs; still there means it was
    // never closed and the worker would go on to 200 tokens in the background.
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0, 'a listener of the abandoned stream is still registered');
    const longer = PROMPT + read;
    const next = await collect(provider, { prompt: longer, maxTokens: 12, temperature: 0 });
    assert.equal(next.text, await engineGreedy(longer, 12));
  } finally {
    await provider.dispose();
  }
});

test('stops before a stop string taken from the greedy text', async () => {
  const provider = new LocalProvider({ model });
  try {
    const text = await engineGreedy(PROMPT, 30);
    const stop = text.slice(10, 13);
    const r = await collect(provider, { prompt: PROMPT, maxTokens: 30, stop: [stop], temperature: 0 });
    assert.equal(r.text, text.slice(0, text.indexOf(stop)));
  } finally {
    await provider.dispose();
  }
});

test('a folder that is not a model gives a config error naming the folder', async () => {
  const provider = createProvider({ kind: 'local', modelDir: '/nonexistent/model', device: 'cpu' });
  assert.ok(provider);
  const r = await collect(provider, { prompt: 'x', maxTokens: 2 });
  assert.ok(r.error);
  assert.equal(r.error.kind, 'config');
  assert.match(r.error.message, /cannot load the local large model from \/nonexistent\/model/);
});

test('the cached generator prefills only what a longer prompt adds, and rewinds where prompts part', async () => {
  const { CachedGenerator } = await import('../../src/providers/cachedGenerator');
  const cached = new CachedGenerator(await model.generator());
  try {
    const a = model.tokenizer.encode(PROMPT);
    assert.equal(await cached.prepare(a), 0);
    const made: number[] = [];
    for await (const id of cached.generate({ sampler: {}, maxTokens: 5 })) made.push(id);
    assert.equal(made.length, 5);
    assert.deepEqual(cached.tokens, [...a, ...made]);
    // Every cached token is reused except the last, which is re-appended for fresh logits.
    assert.equal(await cached.prepare([...a, ...made]), a.length + 4);
    const parted = [...a.slice(0, 3), 65, 66];
    assert.equal(await cached.prepare(parted), 3);
    assert.equal(cached.gen.length, parted.length);
    const next: number[] = [];
    for await (const id of cached.generate({ sampler: {}, maxTokens: 3 })) next.push(id);
    const fresh = await model.generator();
    await fresh.append(parted, { logits: 'last' });
    const want: number[] = [];
    for await (const id of fresh.generate({ sampler: {}, maxTokens: 3 })) want.push(id);
    fresh.dispose();
    assert.deepEqual(next, want);
  } finally {
    cached.dispose();
  }
});
