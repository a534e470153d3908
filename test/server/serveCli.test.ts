/** `splitreason serve` as a command: arguments, a real listening server, and Ctrl+C. */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import OpenAI from 'openai';
import { UsageError } from '../../src/cli/args';
import { serveCommand, SERVE_HELP } from '../../src/cli/serve';
import { tempModel } from '../helpers/tempModel';

let dir: string;
before(() => {
  dir = tempModel({ seed: 4 }).dir;
});

test('serves the folder until told to stop, then returns 0', { timeout: 60_000 }, async () => {
  const ac = new AbortController();
  let url = '';
  const done = serveCommand(['--model', dir, '--port', '0', '--name', 'cli-model', '--device', 'cpu', '--threads', '1', '--api-key', 'k', '--quiet'], {
    signal: ac.signal,
    onListening: (u) => (url = u),
  });
  while (!url) await new Promise((r) => setTimeout(r, 10));
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'k', maxRetries: 0 });
  assert.deepEqual(
    (await client.models.list()).data.map((m) => m.id),
    ['cli-model'],
  );
  const r = await client.completions.create({ model: 'cli-model', prompt: 'Hi', max_tokens: 3, temperature: 0 });
  assert.equal(r.usage?.completion_tokens, 3);
  ac.abort();
  assert.equal(await done, 0);
  await assert.rejects(fetch(`${url}/health`), 'the port is closed after stopping');
});

test('bad arguments are usage errors that say what to pass', async () => {
  await assert.rejects(serveCommand([]), (e: unknown) => e instanceof UsageError && /serve needs --model DIR/.test(e.message));
  await assert.rejects(serveCommand(['--model', dir, '--port', '70000']), /--port must be at most 65535/);
  await assert.rejects(serveCommand(['--model', dir, '--host', 'my box']), /--host must be an IP address or localhost/);
  await assert.rejects(serveCommand(['--model', dir, '--concurrency', '0']), /--concurrency must be an integer ≥ 1/);
  await assert.rejects(serveCommand(['--model', dir, '--device', 'tpu']), /--device must be one of/);
  const log = console.log;
  let printed = '';
  console.log = (s: string) => (printed += s);
  try {
    assert.equal(await serveCommand(['--help']), 0);
  } finally {
    console.log = log;
  }
  assert.equal(printed, SERVE_HELP);
});

test('as a process: prints where it listens, and Ctrl+C (SIGINT) stops it cleanly', { timeout: 60_000 }, async () => {
  const serve = join(__dirname, '../../src/cli/serve.ts');
  const script = `require(${JSON.stringify(serve)}).serveCommand(process.argv.slice(1)).then((c) => (process.exitCode = c));`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script, '--', '--model', dir, '--port', '0', '--device', 'cpu', '--threads', '1'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /serving '[^']+' at (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(err);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`serve exited early (${code}): ${err}`)));
  });
  const r = await fetch(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ model: dir.split('/').pop(), prompt: 'Hi', max_tokens: 2 }) });
  assert.equal(r.status, 200);
  // The request's log line is written just after its response.
  while (!/POST \/v1\/completions length prompt=2 completion=2/.test(err)) await new Promise((r) => setTimeout(r, 10));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  assert.equal(await exit, 0);
  assert.match(err, /stopping/);
});
