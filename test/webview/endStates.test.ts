/**
 * How a solve ended, as the panel shows it: the green answer card only when the model ended the
 * solve itself with a boxed answer; a card of its own for every other end, saying why in words
 * a student understands (the real limit when tokens ran out), never in the answer's green.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebviewPage, sharedBrowser } from './harness';
import { hexRgb, LIGHT } from './themes';

const env = sharedBrowser();

const reasoning = (text: string) => [
  { type: 'start', problem: 'Compute $47 \\times 86 - 129$.', smallModel: 's', bigModel: 'b', device: 'cpu', policy: 'learned', time: 0 },
  { type: 'segment', id: 1, source: 'small', trigger: 'start' },
  { type: 'text', id: 1, text },
  { type: 'segmentEnd', id: 1, tokens: 20, ms: 5, reason: 'eos' },
];

interface Case {
  name: string;
  text: string;
  done: Record<string, unknown>;
  kind: string;
  title: string;
  detail: RegExp;
  border: string | null;
}

const cases: Case[] = [
  {
    name: 'the model ended with a boxed answer',
    text: '$47 \\times 86 = 4042$\n</think>\nThe answer is $\\boxed{3913}$.',
    done: { answer: '3913', reason: 'eos' },
    kind: 'answer',
    title: 'Answer',
    detail: /^$/,
    border: '--vscode-charts-green',
  },
  {
    name: 'the model ended without a boxed answer',
    text: 'I think it is about 4000.',
    done: { answer: null, reason: 'eos' },
    kind: 'no-answer',
    title: 'No final answer',
    detail: /finished without writing a final answer in \\boxed\{…\}/,
    border: null,
  },
  {
    name: 'the model context filled up',
    text: '$47 \\times 86 = \\boxed{4042}$ and then',
    done: { answer: '4042', reason: 'max-tokens', limit: 'context', limitTokens: 512 },
    kind: 'limit',
    title: 'Stopped before the end',
    detail: /ran out of room: it can hold 512 tokens.*The last boxed value in the reasoning, 4042, is not a final answer/,
    border: '--vscode-editorWarning-foreground',
  },
  {
    name: 'the token budget ran out',
    text: 'Let me think step by step',
    done: { answer: null, reason: 'max-tokens', limit: 'budget', limitTokens: 4096 },
    kind: 'limit',
    title: 'Stopped before the end',
    detail: /whole token budget of 4,096 tokens \(setting splitreason\.budgets\.maxTokens\)/,
    border: '--vscode-editorWarning-foreground',
  },
  {
    name: 'the time limit passed',
    text: 'Let me think',
    done: { answer: null, reason: 'timeout' },
    kind: 'limit',
    title: 'Out of time',
    detail: /time limit \(setting splitreason\.budgets\.timeoutSeconds\)/,
    border: '--vscode-editorWarning-foreground',
  },
  {
    name: 'the student stopped it',
    text: 'Let me think',
    done: { answer: null, reason: 'cancelled' },
    kind: 'stopped',
    title: 'Stopped',
    detail: /You stopped this solve before the model finished\./,
    border: null,
  },
  {
    name: 'it failed',
    text: 'Let me',
    done: { answer: null, reason: 'error' },
    kind: 'failed',
    title: 'The solve failed',
    detail: /the message above says what/,
    border: '--vscode-errorForeground',
  },
];

for (const c of cases) {
  test(`end card when ${c.name}: "${c.title}"`, async () => {
    const p = await WebviewPage.open(env.browser, `${env.server.origin}/panel`, LIGHT);
    const events = [
      ...reasoning(c.text),
      ...(c.done.reason === 'error' ? [{ type: 'error', message: 'the model file is damaged', recoverable: false }] : []),
      { type: 'done', ...c.done },
    ];
    await p.send({ type: 'events', events });
    assert.equal(await p.probe('visible', '.sr-final'), true);
    assert.equal(await p.probe('text', '.sr-final-label'), c.title);
    assert.equal(await p.page.getAttribute('.sr-final', 'data-end'), c.kind);
    assert.match((await p.probe<string | null>('text', '.sr-final-detail')) ?? '', c.detail);
    const border = await p.probe<number[]>('color', '.sr-final', 'border-top-color');
    const green = hexRgb(LIGHT.vars['--vscode-charts-green']);
    const isGreen = [0, 1, 2].every((i) => Math.abs(border[i] - green[i]) <= 2);
    assert.equal(isGreen, c.kind === 'answer', `the card is green only for an answer (border rgb(${border.slice(0, 3).map(Math.round)}))`);
    if (c.border) {
      const want = hexRgb(LIGHT.vars[c.border]);
      for (let i = 0; i < 3; i++) assert.ok(Math.abs(border[i] - want[i]) <= 2, `border ${c.border}`);
    }
    assert.equal(await p.probe('count', '.sr-final .sr-final-math'), c.kind === 'answer' ? 1 : 0);
    assert.equal(await p.probe('count', '.sr-note.sr-warning:not([hidden])'), 0, 'the card says it; no "Stopped: reason" note beside it');
    assert.deepEqual(await p.cspViolations(), []);
    if (c.kind === 'limit' && c.done.limit === 'context') await p.screenshot('end-context-full.png');
    await p.close();
  });
}
