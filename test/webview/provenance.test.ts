/**
 * Exact provenance: the panel tints exactly the characters the large model wrote, inside typeset
 * math too, for a trace the bundled toy pair wrote (fixtures/toy-pair.jsonl: `splitreason solve
 * "Compute $47 \times 86 - 129$." --json`, in which the large model wrote only `3760` and ` 282`
 * inside a formula the small model began). Whatever a model writes cannot borrow the tint.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceEvent } from '../../src/split/events';
import { WebviewPage, sharedBrowser } from './harness';
import { loadTrace } from '../helpers/traces';
import { LIGHT } from './themes';

const env = sharedBrowser();

interface Tinted {
  seg: number;
  text: string;
  background: string;
}

/** The text each big segment wrote, from the events themselves. */
function bigText(events: TraceEvent[]): string {
  const big = new Set(events.filter((e) => e.type === 'segment' && e.source === 'big').map((e) => (e as { id: number }).id));
  return events
    .filter((e) => e.type === 'text' && big.has(e.id))
    .map((e) => (e as { text: string }).text)
    .join('');
}
const noSpace = (s: string): string => s.replace(/\s+/g, '');

async function panel(events: unknown[]): Promise<WebviewPage> {
  const p = await WebviewPage.open(env.browser, `${env.server.origin}/panel`, LIGHT);
  await p.send({ type: 'events', events });
  return p;
}

test("toy pair's trace: the tinted text is exactly the large model's text, inside the formula", async () => {
  const events = loadTrace('toy-pair.jsonl');
  const expected = bigText(events);
  assert.equal(noSpace(expected), '3760282', 'the fixture is the toy trace the issue describes');
  const p = await panel(events);
  const tinted = await p.probe<Tinted[]>('tinted', '#sr-trace');
  assert.equal(noSpace(tinted.map((t) => t.text).join('')), noSpace(expected));
  for (const t of tinted) assert.notEqual(t.background, 'rgba(0, 0, 0, 0)', `tinted piece "${t.text}" has a background`);
  // The formula is typeset once, with the small model's part untinted around the pieces.
  const formula = await p.probe<string>('visibleText', '#sr-trace .sr-think-body .sr-line .sr-math');
  assert.match(formula.replace(/\s+/g, ''), /47×86=47×80\+47×6=3760\+282=4042/);
  assert.deepEqual(
    await p.probe('tex', '#sr-trace .sr-think-body .sr-line:first-child'),
    ['47 \\times 86 = 47 \\times 80 + 47 \\times 6 = 3760 +  282 = 4042'],
    'the MathML keeps the TeX as written',
  );
  assert.deepEqual(await p.cspViolations(), []);
  assert.deepEqual(p.pageErrors, []);
  await p.screenshot('provenance-toy-pair.png');
  await p.close();
});

test('the hover card of a tinted piece inside math names its segment and its token count', async () => {
  const events = loadTrace('toy-pair.jsonl');
  const p = await panel(events);
  const tinted = await p.probe<Tinted[]>('tinted', '#sr-trace .sr-think-body');
  for (const seg of new Set(tinted.map((t) => t.seg))) {
    const end = events.find((e) => e.type === 'segmentEnd' && e.id === seg) as { tokens: number } | undefined;
    assert.ok(end, `segment ${seg} ended`);
    await p.page.locator(`#sr-trace .sr-think-body .katex-html [data-seg="${seg}"]`).first().hover();
    // the card follows the pointer on its next event: wait for it to show this segment (or time out and fail below)
    let card: string | undefined;
    for (let tries = 0; tries < 50; tries++) {
      card = await p.probe<string>('text', '.sr-tooltip');
      if (card?.startsWith('Offloaded') && card.includes(`${end.tokens} tokens in`)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(card ?? '', new RegExp(`^Offloaded to toy-big`), card ?? '');
    assert.match(card ?? '', new RegExp(`${end.tokens} tokens in`), card ?? '');
  }
  await p.close();
});

test('a model cannot borrow the tint or reach HTML: its own \\htmlClass, \\href and \\htmlStyle are text', async () => {
  const events = [
    { type: 'start', problem: 'p', smallModel: 's', bigModel: 'b', device: 'cpu', policy: 'learned', time: 0 },
    { type: 'segment', id: 1, source: 'small', trigger: 'start' },
    { type: 'text', id: 1, text: '$\\htmlClass{sr-texseg-2}{11} + \\href{javascript:alert(1)}{x} + \\htmlStyle{color:red}{y} + ' },
    { type: 'segmentEnd', id: 1, tokens: 9, ms: 1, reason: 'offload' },
    { type: 'segment', id: 2, source: 'big', trigger: 'learned' },
    { type: 'text', id: 2, text: '42' },
    { type: 'segmentEnd', id: 2, tokens: 1, ms: 1, reason: 'handback' },
    { type: 'segment', id: 3, source: 'small', trigger: 'handback' },
    { type: 'text', id: 3, text: ' = z$\n' },
    { type: 'segmentEnd', id: 3, tokens: 2, ms: 1, reason: 'eos' },
    { type: 'done', answer: null, reason: 'eos' },
  ];
  const p = await panel(events);
  const tinted = await p.probe<Tinted[]>('tinted', '#sr-trace');
  assert.deepEqual(
    tinted.map((t) => noSpace(t.text)),
    ['42'],
  );
  assert.deepEqual(await p.probe('dangerous', '#sr-trace'), []);
  assert.equal(await p.probe('count', '#sr-trace [style*="color:red"], #sr-trace [style*="color: red"]'), 0);
  assert.deepEqual(await p.cspViolations(), []);
  await p.close();
});

test('a KaTeX parse error shows the TeX with the error as its title, and the CSP blocks nothing', async () => {
  const events = [
    { type: 'segment', id: 1, source: 'small', trigger: 'start' },
    { type: 'text', id: 1, text: 'Bad: $x^^2 + \\frac{1}{$ and \\(\\unknowncommand{3}\\)\n' },
    { type: 'done', answer: null, reason: 'eos' },
  ];
  const p = await panel(events);
  assert.ok((await p.probe<number>('count', '#sr-trace .katex-error')) >= 1);
  assert.match((await p.probe<string>('text', '#sr-trace .katex-error')) ?? '', /x\^\^2/);
  assert.deepEqual(await p.cspViolations(), []);
  assert.deepEqual(p.pageErrors, []);
  await p.close();
});

test('the legend names the toy models by folder name, the full path in its tooltip, one line high', async () => {
  const p = await panel(loadTrace('toy-pair.jsonl'));
  assert.equal(await p.probe<string>('text', '#sr-trace .sr-legend'), 'abcLocal model (toy-small)abcOffloaded (toy-big)');
  const titles = await p.page.locator('#sr-trace .sr-legend .sr-legend-item').evaluateAll((els) => els.map((e) => e.getAttribute('title')));
  assert.deepEqual(titles, [
    'Local model: /home/student/.vscode/extensions/splitreason.splitreason-0.1.0/models/toy-small',
    'Offloaded: local /home/student/.vscode/extensions/splitreason.splitreason-0.1.0/models/toy-big',
  ]);
  const rows = await p.page.locator('#sr-trace .sr-legend .sr-legend-item').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
  for (const h of rows) assert.ok(h < 30, `a legend entry wraps (${h}px high)`);
  await p.close();
});

test("every formula of the toy pair's trace is typeset, the padded `$  4042 - 129 = 3913$` too", async () => {
  const p = await panel(loadTrace('toy-pair.jsonl'));
  assert.deepEqual(
    (await p.probe<string[]>('tex', '#sr-trace .sr-think-body')).map((t) => t.replace(/\s+/g, ' ').trim()),
    ['47 \\times 86 = 47 \\times 80 + 47 \\times 6 = 3760 + 282 = 4042', '4042 - 129 = 3913'],
  );
  assert.ok(!(await p.probe<string>('visibleText', '#sr-trace .sr-think-body')).includes('$'), 'no dollar shows');
  await p.close();
});
