/**
 * A large model that is down, on the toy pair (which offloads every partial product): connection
 * refused, 401 and 404 are not retried, the first failure ends the large model's part for the rest
 * of the solve (later steps are marked failed with that error and written by the small model), and
 * the CLI prints the failure once.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { LocalModel } from '../../src/engine';
import { OpenAICompletionsProvider, withRetry, type RetryInfo } from '../../src/providers';
import { solve, type TraceEvent } from '../../src/split';
import { loadTestModel } from '../helpers/testDevice';
import { toyProblems } from './problems';

const ROOT = join(__dirname, '..', '..');
// two products: the toy model offloads at least twice
const PROBLEM = toyProblems(40, 77).find((p) => p.products.length >= 2)!;
let small: LocalModel;

before(async () => {
  small = await loadTestModel(join(ROOT, 'models', 'toy-small'), { threads: 1 });
});
after(() => small?.dispose());

/** A server that answers every request with `status` and counts them. */
async function statusServer(status: number): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server: Server = createServer((req, res) => {
    n++;
    req.resume();
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: status === 401 ? 'Invalid API key' : 'The model `x` does not exist' } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, count: () => n, close: () => new Promise((r) => server.close(() => r())) };
}

/** A port nothing listens on. */
async function closedPort(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}/v1`;
}

async function solveWith(url: string) {
  const retries: RetryInfo[] = [];
  const big = withRetry(new OpenAICompletionsProvider({ baseUrl: url, model: 'x', timeoutMs: 10_000 }), { onRetry: (r) => retries.push(r) });
  const events: TraceEvent[] = [];
  for await (const e of solve({ problem: PROBLEM.text, small, big, policy: { kind: 'learned' }, budgets: { maxTokens: 400 } })) events.push(e);
  const failed = events.filter((e) => e.type === 'segmentEnd' && e.reason === 'failed') as Extract<TraceEvent, { type: 'segmentEnd' }>[];
  const done = events.find((e) => e.type === 'done') as Extract<TraceEvent, { type: 'done' }>;
  return { retries, failed, done, events };
}

for (const [name, make, pattern] of [
  [
    'connection refused',
    async () => ({ url: await closedPort(), count: () => undefined as number | undefined, close: async () => {} }),
    /cannot connect to .*ECONNREFUSED/,
  ],
  ['HTTP 401', () => statusServer(401), /API key rejected/],
  ['HTTP 404', () => statusServer(404), /answered 404 for model 'x'/],
] as const) {
  test(`${name}: no retry, one request, every later offload skipped with the first error, the small model finishes`, async () => {
    const server = await make();
    try {
      const { retries, failed, done } = await solveWith(server.url);
      assert.equal(retries.length, 0, `retried: ${retries.map((r) => r.error.message).join('; ')}`);
      if (server.count() !== undefined) assert.equal(server.count(), 1, 'the down server was asked once in the whole solve');
      assert.ok(failed.length >= 2, `only ${failed.length} offloads were attempted`);
      assert.match(failed[0].error ?? '', pattern);
      for (const f of failed) assert.equal(f.error, failed[0].error);
      assert.ok(failed.slice(1).every((f) => f.tokens === 0));
      assert.equal(done.reason, 'eos', 'the small model wrote the steps itself and finished');
    } finally {
      await server.close();
    }
  });
}

test('the CLI prints a down large model once, however many steps it could not write', async () => {
  const url = await closedPort();
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'solve', PROBLEM.text, '--big', url, '--big-model', 'x'], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 120_000,
  });
  const all = r.stdout + r.stderr;
  assert.equal((all.match(/large model failed/g) ?? []).length, 1, all);
  assert.match(all, /ECONNREFUSED/);
  assert.match(r.stdout, /answer: /);
});
