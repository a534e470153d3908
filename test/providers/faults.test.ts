/**
 * Faults injected at the socket of a real HTTP server: each one must end in the full
 * continuation (resumed from what was already streamed) or, when it keeps failing, in a
 * ProviderError that says what went wrong, with every piece streamed before it kept.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenAICompletionsProvider } from '../../src/providers/openaiCompletions';
import { withRetry, type RetryInfo } from '../../src/providers/retry';
import { startFaultServer, withFaultServer, words, type Fault, type FaultServer } from './faultServer';
import { collect, recordingSleep } from './helpers';

const BASE = 'Problem: 12*13. Reasoning so far: 12*13 =';
const DOC = ' 12*10 + 12*3 = 120 + 36 = 156, so the product is 156 and we are done.';
const N = words(DOC).length;
let server: FaultServer;

before(async () => {
  server = await startFaultServer({ base: BASE, doc: DOC });
});
after(() => server.close());

function setup(faults: Fault[], retry: { attempts?: number; timeoutMs?: number; maxDelayMs?: number } = {}) {
  server.requests.length = 0;
  server.faults = faults;
  const { delays, sleep } = recordingSleep();
  const retries: RetryInfo[] = [];
  const raw = new OpenAICompletionsProvider({ baseUrl: server.url, model: 'big', timeoutMs: 5000 });
  const provider = withRetry(raw, { attempts: 3, timeoutMs: 5000, ...retry, sleep, onRetry: (r) => retries.push(r) });
  return { provider, delays, retries };
}

const prompts = () => server.requests.map((r) => r.body.prompt);

test('a clean stream arrives whole, in one request that carries the request fields', async () => {
  const { provider } = setup([]);
  const r = await collect(provider, { prompt: BASE, maxTokens: 100, stop: ['\n\n'], temperature: 0.6, topP: 0.9, seed: 7 });
  assert.equal(r.error, undefined);
  assert.equal(r.text, DOC);
  assert.equal(r.pieces.length, N);
  assert.equal(server.requests.length, 1);
  const body = server.requests[0].body;
  assert.deepEqual(
    {
      model: body.model,
      prompt: body.prompt,
      max_tokens: body.max_tokens,
      stop: body.stop,
      temperature: body.temperature,
      top_p: body.top_p,
      seed: body.seed,
      stream: body.stream,
    },
    { model: 'big', prompt: BASE, max_tokens: 100, stop: ['\n\n'], temperature: 0.6, top_p: 0.9, seed: 7, stream: true },
  );
  assert.equal(server.requests[0].headers.authorization, undefined, 'no key configured: no Authorization header');
  assert.deepEqual(provider.usage?.(), { promptTokens: words(BASE).length, completionTokens: N });
});

test('max_tokens is honoured and the stream ends with finish_reason length', async () => {
  const { provider } = setup([]);
  const r = await collect(provider, { prompt: BASE, maxTokens: 4 });
  assert.equal(r.error, undefined);
  assert.equal(r.text, words(DOC).slice(0, 4).join(''));
  assert.equal(server.requests.length, 1);
});

test('connection reset mid-stream: resumes from the text already streamed', async () => {
  const { provider, retries } = setup([{ kind: 'reset', afterChunks: 5 }]);
  const r = await collect(provider, { prompt: BASE, maxTokens: 100 });
  assert.equal(r.error, undefined);
  assert.equal(r.text, DOC, 'nothing repeated, nothing lost');
  assert.equal(server.requests.length, 2);
  const sent = words(DOC).slice(0, 5).join('');
  assert.deepEqual(prompts(), [BASE, BASE + sent]);
  assert.equal(server.requests[1].body.max_tokens, 95, 'the budget shrinks by what was streamed');
  assert.equal(retries.length, 1);
  assert.equal(retries[0].error.kind, 'connection');
  assert.equal(retries[0].resumedChars, sent.length);
});

test('HTTP 500 is retried with backoff', async () => {
  const { provider, delays, retries } = setup([
    { kind: 'status', status: 500, message: 'boom' },
    { kind: 'status', status: 503 },
  ]);
  const r = await collect(provider, { prompt: BASE, maxTokens: 100 });
  assert.equal(r.error, undefined);
  assert.equal(r.text, DOC);
  assert.deepEqual(prompts(), [BASE, BASE, BASE]);
  assert.deepEqual(
    retries.map((x) => x.error.status),
    [500, 503],
  );
  assert.match(retries[0].error.message, /HTTP 500: boom/);
  // Backoff doubles: attempt k waits within [base*2^(k-1)/2, base*2^(k-1)] for base 500 ms.
  assert.equal(delays.length, 2);
  assert.ok(delays[0] >= 250 && delays[0] <= 500, `first delay ${delays[0]}`);
  assert.ok(delays[1] >= 500 && delays[1] <= 1000, `second delay ${delays[1]}`);
});

test('429 with Retry-After: waits what the server asked, in seconds or as an HTTP-date', async () => {
  const date = new Date(Date.now() + 4000).toUTCString();
  const { provider, delays, retries } = setup([
    { kind: 'status', status: 429, headers: { 'retry-after': '2' }, message: 'slow down' },
    { kind: 'status', status: 429, headers: { 'retry-after': date } },
  ]);
  const r = await collect(provider, { prompt: BASE, maxTokens: 100 });
  assert.equal(r.error, undefined);
  assert.equal(r.text, DOC);
  assert.equal(server.requests.length, 3);
  assert.equal(delays[0], 2000);
  // An HTTP-date has whole seconds: 4 s ahead, less the time since it was made.
  assert.ok(delays[1] > 2000 && delays[1] <= 4000, `date delay ${delays[1]}`);
  assert.match(retries[0].error.message, /rate limited/);
});

test('a Retry-After longer than the longest allowed wait fails at once, saying so', async () => {
  const { provider } = setup([{ kind: 'status', status: 429, headers: { 'retry-after': '120' } }], { maxDelayMs: 10_000 });
  const r = await collect(provider, { prompt: BASE, maxTokens: 100 });
  assert.equal(server.requests.length, 1);
  assert.ok(r.error);
  assert.equal(r.error.status, 429);
  assert.match(r.error.message, /asks to wait 120 s, more than the 10 s allowed/);
});

test('a server that stalls mid-stream hits the idle limit, is abandoned, and the retry resumes', async () => {
  const { provider, retries } = setup([{ kind: 'stall', afterChunks: 3 }], { timeoutMs: 400 });
  const r = await collect(provider, { prompt: BASE, maxTokens: 100 });
  assert.equal(r.error, undefined);
  assert.equal(r.text, DOC);
  assert.deepEqual(prompts(), [BASE, BASE + words(DOC).slice(0, 3).join('')]);
  assert.equal(retries[0].error.kind, 'timeout');
  assert.equal(server.requests[0].aborted, true, 'the stalled request was closed');
});

test('a malformed SSE line is retried from the text before it', async () => {
  const { provider, retries } = setup([{ kind: 'malformed', afterChunks: 2 }]);
  const r = await collect(provider, { prompt: BASE, maxTokens: 100 });
  assert.equal(r.error, undefined);
  assert.equal(r.text, DOC);
  assert.deepEqual(prompts(), [BASE, BASE + words(DOC).slice(0, 2).join('')]);
  assert.equal(retries[0].error.kind, 'malformed');
  assert.match(retries[0].error.message, /not OpenAI JSON/);
});

test('a stream that ends without [DONE] or finish_reason is resumed', async () => {
  const { provider, retries } = setup([{ kind: 'noDone', afterChunks: 6 }]);
  const r = await collect(provider, { prompt: BASE, maxTokens: 100 });
  assert.equal(r.error, undefined);
  assert.equal(r.text, DOC);
  assert.deepEqual(prompts(), [BASE, BASE + words(DOC).slice(0, 6).join('')]);
  assert.equal(retries[0].error.kind, 'truncated');
});

test('a fault that persists ends in a clear ProviderError and keeps everything streamed', async () => {
  const { provider } = setup([
    { kind: 'reset', afterChunks: 2 },
    { kind: 'status', status: 502, message: 'bad gateway' },
    { kind: 'status', status: 502, message: 'bad gateway' },
  ]);
  const r = await collect(provider, { prompt: BASE, maxTokens: 100 });
  assert.ok(r.error);
  assert.equal(r.error.retryable, false);
  assert.match(r.error.message, /failed with HTTP 502: bad gateway \(gave up after 3 attempts\)/);
  assert.equal(r.text, words(DOC).slice(0, 2).join(''), 'the pieces streamed before the failures are kept');
  assert.equal(server.requests.length, 3);
});

for (const [status, pattern] of [
  [401, /API key rejected by http:\/\/127\.0\.0\.1:\d+\/v1 \(HTTP 401: nope\): set it with 'SplitReason: Set API Key'/],
  [404, /answered 404 for model 'big' \(nope\): check the model name/],
  [400, /rejected the request \(HTTP 400: nope\)/],
] as const) {
  test(`HTTP ${status} is not retried and says what to fix`, async () => {
    const { provider } = setup([{ kind: 'status', status, message: 'nope' }]);
    const r = await collect(provider, { prompt: BASE, maxTokens: 100 });
    assert.equal(server.requests.length, 1);
    assert.ok(r.error);
    assert.equal(r.error.status, status);
    assert.match(r.error.message, pattern);
  });
}

test('a server that is not there: not retried (only fixing the URL helps), "cannot connect", and it needs a fix', async () => {
  const gone = await startFaultServer({ base: BASE, doc: DOC });
  const url = gone.url;
  await gone.close();
  const { sleep, delays } = recordingSleep();
  const provider = withRetry(new OpenAICompletionsProvider({ baseUrl: url, model: 'big' }), { attempts: 2, sleep });
  const r = await collect(provider, { prompt: BASE, maxTokens: 10 });
  assert.ok(r.error);
  assert.equal(r.error.kind, 'connection');
  assert.equal(delays.length, 0);
  assert.equal(r.error.fixNeeded, true);
  assert.match(r.error.message, /cannot connect to http:\/\/127\.0\.0\.1:\d+\/v1 \(.*ECONNREFUSED.*\).*is the server running/);
});

test('stopping the iteration closes the HTTP request at once', { timeout: 30_000 }, async () => {
  const { provider } = setup([{ kind: 'stall', afterChunks: 2 }]);
  const got: string[] = [];
  for await (const c of provider.continue({ prompt: BASE, maxTokens: 100 })) {
    got.push(c.text);
    if (got.length === 1) break;
  }
  await waitFor(() => server.requests[0].aborted);
  assert.equal(server.requests.length, 1, 'no retry after the caller stopped');
});

test('aborting the signal ends the stream with an aborted ProviderError and no retry', { timeout: 30_000 }, async () => {
  const { provider } = setup([{ kind: 'stall', afterChunks: 2 }]);
  const ac = new AbortController();
  const got: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const c of provider.continue({ prompt: BASE, maxTokens: 100, signal: ac.signal })) {
        got.push(c.text);
        ac.abort();
      }
    })(),
    (e: Error & { kind?: string }) => e.name === 'ProviderError' && e.kind === 'aborted',
  );
  assert.equal(got.length, 1);
  await waitFor(() => server.requests[0].aborted);
  assert.equal(server.requests.length, 1);
});

test('the API key and extra headers are sent', async () => {
  server.requests.length = 0;
  server.faults = [];
  const p = new OpenAICompletionsProvider({ baseUrl: server.url, model: 'big', apiKey: 'sk-test', headers: { 'X-Team': 'math' } });
  const r = await collect(p, { prompt: BASE, maxTokens: 3 });
  assert.equal(r.text, words(DOC).slice(0, 3).join(''));
  assert.equal(server.requests[0].headers.authorization, 'Bearer sk-test');
  assert.equal(server.requests[0].headers['x-team'], 'math');
});

test('a server that answers JSON to a streaming request still works', async () => {
  const { provider } = setup([{ kind: 'json' }]);
  const r = await collect(provider, { prompt: BASE, maxTokens: 100 });
  assert.equal(r.error, undefined);
  assert.equal(r.text, DOC);
});

test('a server that refuses stream_options is asked again without it, once', async () => {
  await withFaultServer({ base: BASE, doc: DOC, rejectStreamOptions: true }, async (old) => {
    const p = new OpenAICompletionsProvider({ baseUrl: old.url, model: 'big' });
    assert.equal((await collect(p, { prompt: BASE, maxTokens: 100 })).text, DOC);
    assert.equal((await collect(p, { prompt: BASE, maxTokens: 2 })).text, words(DOC).slice(0, 2).join(''));
    assert.deepEqual(
      old.requests.map((r) => r.body.stream_options !== undefined),
      [true, false, false],
    );
    assert.deepEqual(p.usage(), { promptTokens: 0, completionTokens: N + 2 }, 'usage counted from the stream when unreported');
  });
});

async function waitFor(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 10));
}
