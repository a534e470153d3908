/**
 * `serve` over a real socket, driven by the official openai client: every text must be
 * what the engine itself generates greedily for the same prompt.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { LocalModel } from '../../src/engine';
import { startServer, type RunningServer } from '../../src/server';
import type { JobSummary } from '../../src/server/respond';
import { tempModel } from '../helpers/tempModel';
import { engineGreedy } from './engineReference';

const PROMPT = '<｜User｜>What is 7*8?<｜Assistant｜><think>\n';
const NAME = 'tiny-big';
let model: LocalModel;
let server: RunningServer;
let client: OpenAI;
const summaries: (JobSummary & { ms: number })[] = [];

before(async () => {
  model = await LocalModel.load(tempModel({ seed: 5 }).dir, { device: 'cpu', threads: 1 });
  server = await startServer({ model, modelName: NAME, onGeneration: (s) => summaries.push(s) });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
after(async () => {
  await server.close();
  await model.dispose();
});

describe('completions', () => {
  test('non-streaming: text, finish_reason and usage match the engine', async () => {
    const ref = await engineGreedy(model, PROMPT, 24);
    assert.ok(ref.text.length > 0);
    const r = await client.completions.create({ model: NAME, prompt: PROMPT, max_tokens: 24, temperature: 0 });
    assert.equal(r.object, 'text_completion');
    assert.equal(r.model, NAME);
    assert.equal(r.choices[0].text, ref.text);
    assert.equal(r.choices[0].finish_reason, ref.finish);
    assert.deepEqual(r.usage, {
      prompt_tokens: model.tokenizer.encode(PROMPT).length,
      completion_tokens: ref.completionTokens,
      total_tokens: model.tokenizer.encode(PROMPT).length + ref.completionTokens,
    });
  });

  test('streaming: the chunks join to the engine text; usage arrives last when asked', async () => {
    const ref = await engineGreedy(model, PROMPT, 30);
    const stream = await client.completions.create({
      model: NAME,
      prompt: PROMPT,
      max_tokens: 30,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    const texts: string[] = [];
    const finishes: (string | null)[] = [];
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const c of stream) {
      if (c.choices.length) {
        texts.push(c.choices[0].text);
        finishes.push(c.choices[0].finish_reason);
      } else usage = c.usage;
    }
    assert.equal(texts.join(''), ref.text);
    assert.ok(texts.length > 2, 'streamed in pieces');
    assert.deepEqual(
      finishes.slice(0, -1).filter((f) => f !== null),
      [],
    );
    assert.equal(finishes.at(-1), ref.finish);
    assert.equal(usage?.completion_tokens, ref.completionTokens);
  });

  test('end of sequence ends the text with finish_reason stop; ignore_eos generates through it', async () => {
    // With this model and seed, greedy decoding of 'Q' ends within a few tokens.
    const ref = await engineGreedy(model, 'Q', 40);
    assert.equal(ref.finish, 'stop');
    const r = await client.completions.create({ model: NAME, prompt: 'Q', max_tokens: 40, temperature: 0 });
    assert.equal(r.choices[0].text, ref.text);
    assert.equal(r.choices[0].finish_reason, 'stop');
    assert.equal(r.usage?.completion_tokens, ref.completionTokens);
    const through = await client.completions.create({ model: NAME, prompt: 'Q', max_tokens: 40, temperature: 0, ...({ ignore_eos: true } as object) });
    assert.equal(through.choices[0].finish_reason, 'length');
    assert.equal(through.usage?.completion_tokens, 40);
    assert.ok(through.choices[0].text.startsWith(ref.text) && through.choices[0].text.length > ref.text.length);
  });

  test('a prompt of token ids is the same as its text', async () => {
    const ids = model.tokenizer.encode(PROMPT);
    const ref = await engineGreedy(model, ids, 12);
    const r = await client.completions.create({ model: NAME, prompt: ids, max_tokens: 12, temperature: 0 });
    assert.equal(r.choices[0].text, ref.text);
  });

  test('stop strings end the text before them, with finish_reason stop', async () => {
    const ref = await engineGreedy(model, PROMPT, 30);
    const stop = ref.text.slice(12, 14);
    const r = await client.completions.create({ model: NAME, prompt: PROMPT, max_tokens: 30, temperature: 0, stop: [stop, 'never-there'] });
    assert.equal(r.choices[0].text, ref.text.slice(0, ref.text.indexOf(stop)));
    assert.equal(r.choices[0].finish_reason, 'stop');
  });

  test('seed makes sampling repeatable; another seed samples differently', async () => {
    const ask = async (seed: number) =>
      (await client.completions.create({ model: NAME, prompt: PROMPT, max_tokens: 20, temperature: 1, top_p: 0.95, seed })).choices[0].text;
    const a = await ask(5);
    assert.equal(await ask(5), a);
    assert.notEqual(await ask(6), a);
  });
});

describe('chat', () => {
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is 7*8?' }];

  test('non-streaming and streaming both give the engine text for the chat-templated prompt', async () => {
    const ref = await engineGreedy(model, model.tokenizer.applyChatTemplate([{ role: 'user', content: 'What is 7*8?' }], { addGenerationPrompt: true }), 20);
    const r = await client.chat.completions.create({ model: NAME, messages, max_tokens: 20, temperature: 0 });
    assert.equal(r.object, 'chat.completion');
    assert.equal(r.choices[0].message.role, 'assistant');
    assert.equal(r.choices[0].message.content, ref.text);
    assert.equal(r.choices[0].finish_reason, ref.finish);

    const stream = await client.chat.completions.create({ model: NAME, messages, max_tokens: 20, temperature: 0, stream: true });
    let text = '';
    let role: string | undefined;
    let finish: string | null = null;
    for await (const c of stream) {
      role ??= c.choices[0]?.delta.role;
      text += c.choices[0]?.delta.content ?? '';
      finish = c.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(role, 'assistant');
    assert.equal(text, ref.text);
    assert.equal(finish, ref.finish);
  });

  test('continue_final_message and prefix continue the assistant text in place', async () => {
    const partial = 'Seven eights are';
    // The builder's template: bos, <｜User｜>content, then <｜Assistant｜>content for the assistant.
    const prompt = `<｜begin▁of▁sentence｜><｜User｜>What is 7*8?<｜Assistant｜>${partial}`;
    const ref = await engineGreedy(model, prompt, 16);
    const vllm = await client.chat.completions.create({
      model: NAME,
      messages: [...messages, { role: 'assistant', content: partial }],
      max_tokens: 16,
      temperature: 0,
      // vLLM's extra body fields
      ...({ continue_final_message: true, add_generation_prompt: false } as object),
    });
    assert.equal(vllm.choices[0].message.content, ref.text);
    const deepseek = await client.chat.completions.create({
      model: NAME,
      messages: [...messages, { role: 'assistant', content: partial, prefix: true } as OpenAI.ChatCompletionAssistantMessageParam],
      max_tokens: 16,
      temperature: 0,
    });
    assert.equal(deepseek.choices[0].message.content, ref.text);
  });
});

test('models list and lookup', async () => {
  const list = await client.models.list();
  assert.deepEqual(
    list.data.map((m) => m.id),
    [NAME],
  );
  assert.equal((await client.models.retrieve(NAME)).id, NAME);
  await assert.rejects(client.models.retrieve('other'), (e: unknown) => e instanceof OpenAI.NotFoundError);
});

test('two concurrent requests both complete with their own texts', async () => {
  const other = '<｜User｜>And 9*9?<｜Assistant｜><think>\n';
  const [ra, rb] = [await engineGreedy(model, PROMPT, 25), await engineGreedy(model, other, 25)];
  const read = async (prompt: string) => {
    let t = '';
    for await (const c of await client.completions.create({ model: NAME, prompt, max_tokens: 25, temperature: 0, stream: true })) t += c.choices[0]?.text ?? '';
    return t;
  };
  const [a, b] = await Promise.all([read(PROMPT), read(other)]);
  assert.equal(a, ra.text);
  assert.equal(b, rb.text);
});

test('a client that disconnects mid-stream stops its generation; the next request is served', { timeout: 60_000 }, async () => {
  summaries.length = 0;
  const ac = new AbortController();
  const body = { model: NAME, prompt: PROMPT, max_tokens: 3000, temperature: 0, stream: true as const, ignore_eos: true };
  const stream = await client.completions.create(body, { signal: ac.signal });
  let pieces = 0;
  for await (const c of stream) {
    if (c.choices[0]?.text) pieces++;
    if (pieces === 2) ac.abort();
  }
  while (summaries.length === 0) await new Promise((r) => setTimeout(r, 10));
  assert.equal(summaries[0].finishReason, 'aborted');
  assert.ok(summaries[0].completionTokens < 3000, `stopped after ${summaries[0].completionTokens} tokens`);
  const ref = await engineGreedy(model, PROMPT, 10);
  const r = await client.completions.create({ model: NAME, prompt: PROMPT, max_tokens: 10, temperature: 0 });
  assert.equal(r.choices[0].text, ref.text);
});

test('a full queue answers 429 with Retry-After instead of waiting without bound', { timeout: 60_000 }, async () => {
  const busy = await startServer({ model, modelName: 'm', maxQueue: 0 });
  // 3000 tokens (ignore_eos: no early end) keep the only generator busy far longer than the second request takes to arrive.
  try {
    const ac = new AbortController();
    const first = await fetch(`${busy.url}/v1/completions`, {
      method: 'POST',
      signal: ac.signal,
      body: JSON.stringify({ model: 'm', prompt: 'a', max_tokens: 3000, ignore_eos: true, stream: true }),
    });
    const reader = first.body!.getReader();
    await reader.read(); // the first generation is running
    const second = await fetch(`${busy.url}/v1/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', prompt: 'b', max_tokens: 2 }) });
    assert.equal(second.status, 429);
    assert.equal(second.headers.get('retry-after'), '1');
    assert.equal(((await second.json()) as { error: { code: string } }).error.code, 'queue_full');
    ac.abort();
    await reader.cancel().catch(() => undefined);
  } finally {
    await busy.close();
  }
});
