import { describe, it, before } from 'mocha';
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SplitReasonApi } from '../../../src/vscode/api';
import type { SolveOutcome } from '../../../src/vscode/solveRunner';
import type { TraceEvent } from '../../../src/split/events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModelFolder } from '../../../src/engine/builder';
import { activateExtension, readLog, settingsPerTest, testModel, waitFor } from './helpers';
import { bigAlways, localPair, smallAlone } from '../scenarios';

const solve = (problem: string) => vscode.commands.executeCommand<SolveOutcome>('splitreason.solve', { problem, ifRunning: 'stop' });
/** The events of the panel a finished solve ran in. */
const traceOf = (api: SplitReasonApi, outcome: SolveOutcome) => api.panels().find((p) => outcome.status === 'done' && p.id === outcome.targetId)?.events;
/** Some panel is solving and shows text already. */
const textShowing = (api: SplitReasonApi) => api.panels().some((p) => p.running && p.events.some((e) => e.type === 'text'));
const of = <T extends TraceEvent['type']>(trace: readonly TraceEvent[] | undefined, type: T) =>
  (trace ?? []).filter((e): e is Extract<TraceEvent, { type: T }> => e.type === type);

describe('Solve with SplitReason (real engine worker, builder models)', () => {
  let api: SplitReasonApi;
  const settings = settingsPerTest();
  before(async () => {
    api = await activateExtension();
  });

  it('streams a solve into the panel with segments written by the local large model', async () => {
    await settings.set(localPair(testModel(1), testModel(2), 80));
    const outcome = await solve('What is 17 + 25?');
    assert.equal(outcome.status, 'done', JSON.stringify(outcome));
    const trace = traceOf(api, outcome);
    assert.equal(of(trace, 'start')[0]?.problem, 'What is 17 + 25?');
    const big = of(trace, 'segment').filter((s) => s.source === 'big');
    assert.ok(big.length > 0, `an offloaded segment: ${JSON.stringify(of(trace, 'segment'))}`);
    const bigText = of(trace, 'text')
      .filter((t) => big.some((s) => s.id === t.id))
      .map((t) => t.text)
      .join('');
    assert.ok(bigText.length > 0, 'the large model wrote text in its segment');
    assert.ok(
      of(trace, 'segment').some((s) => s.source === 'small'),
      'and the small model wrote some',
    );
    assert.equal(of(trace, 'done').length, 1);
    assert.equal(api.running(), false);
  });

  it('Stop ends a running solve with reason "cancelled"', async () => {
    await settings.set(smallAlone(testModel(1, true), 100_000));
    const running = solve('Count to a million.');
    await waitFor('text in the panel', () => textShowing(api));
    assert.equal(await vscode.commands.executeCommand('splitreason.stop'), true);
    const outcome = await running;
    assert.equal(outcome.status, 'done');
    assert.equal(outcome.status === 'done' && outcome.reason, 'cancelled');
    assert.equal(of(traceOf(api, outcome), 'done')[0]?.reason, 'cancelled');
    assert.equal(api.running(), false);
    assert.equal(await vscode.commands.executeCommand('splitreason.stop'), false, 'nothing left to stop');
  });

  it('a second solve either stops the running one in the same panel or opens another panel', async () => {
    await settings.set(smallAlone(testModel(1, true), 100_000));
    const startSolve = (ifRunning: 'stop' | 'newPanel') =>
      vscode.commands.executeCommand<SolveOutcome>('splitreason.solve', { problem: 'Count to a million.', ifRunning });
    const textShown = () => waitFor('text in the panel', () => textShowing(api));
    const first = startSolve('stop');
    await textShown();
    const second = startSolve('stop');
    const a = await first;
    assert.equal(a.status === 'done' && a.reason, 'cancelled', 'the first solve was stopped');
    await textShown();
    const third = startSolve('newPanel');
    await waitFor('two panels solving', () => api.panels().filter((p) => p.running && p.events.some((e) => e.type === 'text')).length === 2);
    assert.equal(await vscode.commands.executeCommand('splitreason.stop'), true);
    assert.equal(await vscode.commands.executeCommand('splitreason.stop'), true, 'two solves were running');
    const [b, c] = await Promise.all([second, third]);
    assert.ok(a.status === 'done' && b.status === 'done' && c.status === 'done');
    assert.equal(b.targetId, a.targetId, '"stop" reuses the panel');
    assert.notEqual(c.targetId, b.targetId, '"newPanel" opens another');
    assert.equal(api.running(), false);
  });

  it("temperature unset: a model folder's generation_config.json decides (do_sample false: greedy)", async () => {
    const folder = (generation: Record<string, unknown>): string => {
      const dir = buildModelFolder(mkdtempSync(join(tmpdir(), 'sr-vscode-gen-')), { seed: 3 }).dir;
      writeFileSync(join(dir, 'generation_config.json'), JSON.stringify({ bos_token_id: 1, eos_token_id: 2, ...generation }));
      return dir;
    };
    const twice = async (dir: string): Promise<string[]> => {
      await settings.set({ smallModel: dir, device: 'cpu', 'largeModel.provider': 'none', policy: 'never', 'budgets.maxTokens': 40 });
      const texts: string[] = [];
      for (let i = 0; i < 2; i++) {
        const outcome = await solve('What is 5 + 5?');
        assert.equal(outcome.status, 'done', JSON.stringify(outcome));
        texts.push(
          of(traceOf(api, outcome), 'text')
            .map((t) => t.text)
            .join(''),
        );
      }
      await settings.restore();
      return texts;
    };
    const greedyDir = folder({ do_sample: false, temperature: 0.9 });
    const [g1, g2] = await twice(greedyDir);
    assert.equal(g1, g2, 'greedy: the same text both times');
    await waitFor('the sampling line in the log', () =>
      readLog(api.logFolder).includes(`sampling: small temperature 0, top-p 0.95 (from ${join(greedyDir, 'generation_config.json')} (top-p: the default))`),
    );
    // The control: sampled at the folder's temperature (no seed set), two solves differ.
    const sampledDir = folder({ do_sample: true, temperature: 1.5, top_p: 1 });
    const [s1, s2] = await twice(sampledDir);
    assert.notEqual(s1, s2, 'sampled: different text');
    await waitFor('the sampling line in the log', () =>
      readLog(api.logFolder).includes(`sampling: small temperature 1.5, top-p 1 (from ${join(sampledDir, 'generation_config.json')})`),
    );
  });

  it('refuses to start with invalid settings and says which setting and what it must be', async () => {
    await settings.set({ temperature: 5, 'largeModel.provider': 'openai-chat' });
    const outcome = await solve('What is 1 + 1?');
    assert.equal(outcome.status, 'invalid-settings');
    const message = outcome.status === 'invalid-settings' ? outcome.message : '';
    assert.match(message, /splitreason\.temperature is 5; it must be null or a number from 0 to 2\./);
    assert.match(message, /splitreason\.largeModel\.baseUrl is "".*needs the API's base URL/);
  });

  it("vscode-lm: a chat model from VS Code's Language Model API writes the offloaded steps", async () => {
    await settings.set(bigAlways(testModel(1), { 'largeModel.provider': 'vscode-lm', 'largeModel.model': 'echo' }, 60));
    const outcome = await solve('What is 17 + 25?');
    assert.equal(outcome.status, 'done', JSON.stringify(outcome));
    const trace = traceOf(api, outcome);
    const bigIds = new Set(
      of(trace, 'segment')
        .filter((s) => s.source === 'big')
        .map((s) => s.id),
    );
    const bigText = of(trace, 'text')
      .filter((t) => bigIds.has(t.id))
      .map((t) => t.text)
      .join('');
    assert.match(bigText, /The echo model read: What is 17 \+ 25\?/);
    assert.match(of(trace, 'start')[0]?.bigModel ?? '', /vscode-lm/);
    assert.deepEqual(
      of(trace, 'segmentEnd').filter((e) => e.reason === 'failed'),
      [],
    );
  });

  it('with vscode-lm and no language model available, the segment fails and the small model carries on', async () => {
    await settings.set(bigAlways(testModel(1), { 'largeModel.provider': 'vscode-lm', 'largeModel.model': 'no-such-model' }, 30));
    const outcome = await solve('What is 2 + 2?');
    assert.equal(outcome.status, 'done', JSON.stringify(outcome));
    const failed = of(traceOf(api, outcome), 'segmentEnd').filter((e) => e.reason === 'failed');
    assert.ok(failed.length > 0, JSON.stringify(traceOf(api, outcome)));
    assert.match(failed[0].error ?? '', /no VS Code language model matches "no-such-model"/);
  });
  it('a native crash of the engine ends that process only: the solve ends with the clear error, the text stays, the host and the next solve work', async () => {
    await settings.set(smallAlone(testModel(1, true), 100_000));
    const running = solve('Count to a million.');
    await waitFor('text in the panel', () => textShowing(api));
    const pids = await api.enginePids();
    assert.equal(pids.length, 1, `engine processes: ${pids.join(', ')}`);
    assert.notEqual(pids[0], process.pid, 'the engine is not the extension host');
    process.kill(pids[0], 'SIGSEGV');
    const outcome = await running;
    assert.equal(outcome.status, 'done', JSON.stringify(outcome));
    const trace = traceOf(api, outcome);
    assert.equal(of(trace, 'done')[0]?.reason, 'error');
    assert.match(of(trace, 'error')[0]?.message ?? '', /the model engine crashed \(SIGSEGV\) while generating; it will restart on the next solve/);
    assert.ok(
      of(trace, 'text')
        .map((t) => t.text)
        .join('').length > 0,
      'what was streamed before the crash is kept',
    );
    // the extension host is alive: another command of the extension runs
    assert.equal(await vscode.commands.executeCommand('splitreason.stop'), false);
    await settings.set(smallAlone(testModel(1, true), 20));
    const again = await solve('Count to ten.');
    assert.equal(again.status === 'done' && again.reason, 'max-tokens', JSON.stringify(again));
    assert.ok(of(traceOf(api, again), 'text').length > 0);
    const now = await api.enginePids();
    assert.ok(now.length === 1 && now[0] !== pids[0], `a fresh engine process: ${now.join(', ')}`);
  });
});
