/** Bad requests get OpenAI-style JSON errors with the right status, and the server keeps serving. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { LocalModel } from '../../src/engine';
import { startServer, type RunningServer } from '../../src/server';
import { tempModel } from '../helpers/tempModel';

const KEY = 'sk-local-test';
let model: LocalModel;
let server: RunningServer;

before(async () => {
  model = await LocalModel.load(tempModel({ seed: 3, config: { max_position_embeddings: 64 } }).dir, { device: 'cpu', threads: 1 });
  server = await startServer({ model, modelName: 'm', apiKey: KEY, maxBodyBytes: 4096 });
});
after(async () => {
  await server.close();
  await model.dispose();
});

interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

async function post(path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; json: ErrorBody; headers: Headers }> {
  const r = await fetch(`${server.url}${path}`, {
    method: 'POST',
    body,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers },
  });
  const json = (await r.json()) as ErrorBody;
  return { status: r.status, json, headers: r.headers };
}

const ok = { model: 'm', prompt: 'hello', max_tokens: 2 };

test('invalid JSON is a 400 that says so', async () => {
  const r = await post('/v1/completions', '{"model": "m", ');
  assert.equal(r.status, 400);
  assert.equal(r.json.error.type, 'invalid_request_error');
  assert.match(r.json.error.message, /not valid JSON/);
  assert.deepEqual(Object.keys(r.json.error).sort(), ['code', 'message', 'param', 'type']);
});

test('field errors name the field', async () => {
  const cases: [object, string, RegExp][] = [
    [{ prompt: 'x' }, 'model', /'model' is required/],
    [{ model: 'm' }, 'prompt', /'prompt' is required/],
    [{ ...ok, max_tokens: 0 }, 'max_tokens', /at least 1/],
    [{ ...ok, temperature: 3 }, 'temperature', /from 0 to 2/],
    [{ ...ok, top_p: 0 }, 'top_p', /above 0 up to 1/],
    [{ ...ok, seed: 1.5 }, 'seed', /integer/],
    [{ ...ok, stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop', /at most 4/],
    [{ ...ok, n: 2 }, 'n', /must be 1/],
    [{ ...ok, prompt: ['a', 'b'] }, 'prompt', /one prompt/],
    [{ ...ok, prompt: [1, 99999] }, 'prompt', /outside the vocabulary/],
    [{ ...ok, prompt: 'x'.repeat(80) }, 'prompt', /the prompt is 80 tokens; this model's context holds 64/],
  ];
  for (const [body, param, message] of cases) {
    const r = await post('/v1/completions', JSON.stringify(body));
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.json.error.param, param);
    assert.match(r.json.error.message, message);
  }
  const chat = await post('/v1/chat/completions', JSON.stringify({ model: 'm', messages: [{ role: 'tool', content: 'x' }] }));
  assert.equal(chat.status, 400);
  assert.match(chat.json.error.message, /messages\[0\]\.role must be/);
  const cont = await post('/v1/chat/completions', JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }], continue_final_message: true }));
  assert.match(cont.json.error.message, /last message to be from the assistant/);
});

test('an unknown model is a 404 model_not_found', async () => {
  const r = await post('/v1/completions', JSON.stringify({ ...ok, model: 'gpt-9' }));
  assert.equal(r.status, 404);
  assert.equal(r.json.error.code, 'model_not_found');
  assert.match(r.json.error.message, /'gpt-9' does not exist: this server serves 'm'/);
});

test('a body over the limit is a 413, whether declared or streamed', async () => {
  const big = JSON.stringify({ ...ok, prompt: 'x'.repeat(10_000) });
  const r = await post('/v1/completions', big);
  assert.equal(r.status, 413);
  assert.match(r.json.error.message, /larger than 4096 bytes/);
  // Chunked, no Content-Length: the limit is found while reading.
  const body = new ReadableStream({
    start(c) {
      c.enqueue(new TextEncoder().encode(big));
      c.close();
    },
  });
  const s = await fetch(`${server.url}/v1/completions`, { method: 'POST', body, duplex: 'half', headers: { authorization: `Bearer ${KEY}` } } as RequestInit);
  assert.equal(s.status, 413);
});

test('the API key is enforced on /v1, with the openai client seeing AuthenticationError', async () => {
  const none = await fetch(`${server.url}/v1/models`);
  assert.equal(none.status, 401);
  assert.equal(((await none.json()) as ErrorBody).error.code, 'invalid_api_key');
  const wrong = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
  await assert.rejects(wrong.completions.create(ok), (e: unknown) => e instanceof OpenAI.AuthenticationError);
  const right = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: KEY, maxRetries: 0 });
  // greedy: a sampled first token could be the end of sequence and end the completion early
  assert.equal((await right.completions.create({ ...ok, temperature: 0 })).usage?.completion_tokens, 2);
});

test('unknown routes are 404 and wrong methods 405, as JSON', async () => {
  const r = await post('/v1/embeddings', '{}');
  assert.equal(r.status, 404);
  assert.equal(r.json.error.code, 'unknown_url');
  const g = await fetch(`${server.url}/v1/completions`, { headers: { authorization: `Bearer ${KEY}` } });
  assert.equal(g.status, 405);
  assert.equal(g.headers.get('allow'), 'POST');
});

test('after all that, the server still answers', async () => {
  const r = await fetch(`${server.url}/health`);
  assert.equal(r.status, 200);
  const c = await post('/v1/completions', JSON.stringify(ok));
  assert.equal(c.status, 200);
});
