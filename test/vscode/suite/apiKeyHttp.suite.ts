import { describe, it, before, after } from 'mocha';
import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { SolveOutcome } from '../../../src/vscode/solveRunner';
import { activateExtension, configure, readLog, testModel, waitFor } from './helpers';
import { bigAlways } from '../scenarios';

/**
 * A minimal OpenAI-compatible /v1/completions server on 127.0.0.1 that records the
 * Authorization header of every request and streams a fixed continuation.
 */
function startCompletionsServer(seen: string[]): Promise<Server> {
  const server = createServer((req, res) => {
    seen.push(String(req.headers.authorization ?? ''));
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (text: string, finish: string | null) =>
        `data: ${JSON.stringify({ id: 'c1', object: 'text_completion', created: 0, model: 'm', choices: [{ index: 0, text, finish_reason: finish }] })}\n\n`;
      res.end(chunk('so 17 + 25 = 42', null) + chunk('', 'stop') + 'data: [DONE]\n\n');
    });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

describe('API key reaches the large-model API', () => {
  let server: Server;
  const seen: string[] = [];
  before(async () => {
    server = await startCompletionsServer(seen);
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('a key set with "Set API Key" is sent as a Bearer token and kept out of the trace', async () => {
    const api = await activateExtension();
    const key = `sk-splitreason-${Math.random().toString(36).slice(2)}`;
    await vscode.commands.executeCommand('splitreason.setApiKey', key);
    const { port } = server.address() as AddressInfo;
    const restore = await configure(
      bigAlways(
        testModel(1),
        { 'largeModel.provider': 'openai-completions', 'largeModel.baseUrl': `http://127.0.0.1:${port}/v1`, 'largeModel.model': 'test-big' },
        40,
      ),
    );
    try {
      const outcome = await vscode.commands.executeCommand<SolveOutcome>('splitreason.solve', { problem: 'What is 17 + 25?', ifRunning: 'stop' });
      assert.equal(outcome.status, 'done', JSON.stringify(outcome));
      assert.ok(seen.length > 0, 'the API was called');
      assert.ok(
        seen.every((h) => h === `Bearer ${key}`),
        `Authorization headers: ${JSON.stringify(seen)}`,
      );
      const trace = api.panels().find((p) => outcome.status === 'done' && p.id === outcome.targetId)?.events ?? [];
      const bigText = trace
        .filter((e) => e.type === 'text')
        .map((e) => (e.type === 'text' ? e.text : ''))
        .join('');
      assert.match(bigText, /17 \+ 25 = 42/, 'the API text is in the panel');
      assert.ok(!JSON.stringify(trace).includes(key), 'the key is not in the trace');
      const log = await waitFor('the provider call in the log', () => {
        const text = readLog(api.logFolder);
        return text.includes('openai-completions test-big') && text;
      });
      assert.match(log, /API key set/, 'the log says a key was used');
      assert.ok(!log.includes(key), 'the key is not in the log');
    } finally {
      await restore();
      await vscode.commands.executeCommand('splitreason.setApiKey', '');
    }
  });
});
