/**
 * The CAS check badges in the real panel bundle under its production CSP: ✓ and ✗ per checked
 * equation line, coloured by the segment that wrote the line's false part, the expected value
 * shown, unknown verdicts without a badge, and cleared by a new solve.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebviewPage, sharedBrowser } from './harness';
import { DARK, hexRgb } from './themes';
import { TRACE_MIME } from '../../webview/protocol';
import { loadTrace } from '../helpers/traces';

const env = sharedBrowser();

const EVENTS = loadTrace('checks.jsonl');

interface BadgeProbe {
  classes: string;
  seg: string | undefined;
  mark: string;
  markColor: string;
  label: string | null;
  lineClasses: string;
  line: string;
  /** the TeX of the line's typeset math, in order */
  tex: string[];
  /** the text of the expected value, and the TeX of its typeset parts */
  expected: string | null;
  expectedTex: string[];
  title: string;
}

// Evaluated in the page (a string: this file is compiled without the DOM library).
const READ_BADGES = `[...document.querySelectorAll('.sr-checks .sr-check')].map((li) => {
  const mark = li.querySelector('.sr-check-badge');
  return {
    classes: li.className,
    seg: li.dataset.seg,
    mark: mark.textContent,
    markColor: getComputedStyle(mark).color,
    label: mark.getAttribute('aria-label'),
    lineClasses: li.querySelector('.sr-check-line').className,
    line: li.querySelector('.sr-check-line').textContent,
    tex: [...li.querySelectorAll('.sr-check-line .katex annotation[encoding="application/x-tex"]')].map((a) => a.textContent),
    expected: (() => {
      const e = li.querySelector('.sr-check-expected');
      return e ? [...e.childNodes].map((n) => (n.nodeType === Node.TEXT_NODE ? n.textContent : '<math>')).join('') : null;
    })(),
    expectedTex: [...li.querySelectorAll('.sr-check-expected .katex annotation[encoding="application/x-tex"]')].map((a) => a.textContent),
    title: li.title,
  };
})`;
const readBadges = (p: WebviewPage) => p.page.evaluate(READ_BADGES) as Promise<BadgeProbe[]>;

const rgb = (css: string) => (/rgb\((\d+), (\d+), (\d+)\)/.exec(css) ?? []).slice(1).map(Number);

test('check events become ✓ / ✗ badges coloured by segment, with the expected value; unknown gets none', async () => {
  const p = await WebviewPage.open(env.browser, `${env.server.origin}/panel`, DARK);
  await p.send({ type: 'events', events: EVENTS as never[] });
  const badges = await readBadges(p);
  assert.equal(badges.length, 2, JSON.stringify(badges));
  const [wrong, right] = badges;
  assert.equal(wrong.mark, '✗');
  assert.equal(wrong.classes, 'sr-check sr-check-incorrect');
  assert.equal(wrong.seg, '1');
  assert.match(wrong.lineClasses, /\bsr-small\b/, 'the ✗ sits in a small-model segment');
  assert.deepEqual(wrong.tex, ['47 \\times 86 = 4032'], "the line's math is typeset");
  assert.ok(!wrong.line.includes('$'), `no TeX delimiters shown: ${wrong.line}`);
  assert.equal(wrong.expected, 'expected <math>');
  assert.deepEqual(wrong.expectedTex, ['4042'], 'the expected value is typeset');
  assert.equal(wrong.title, '47 × 86 = 4042, not 4032.');
  assert.deepEqual(rgb(wrong.markColor), hexRgb('#f85149'), 'the ✗ in the theme error colour');
  assert.equal(right.mark, '✓');
  assert.match(right.lineClasses, /\bsr-big\b/);
  assert.deepEqual(right.tex, ['4042 - 129 = 3913']);
  assert.equal(right.expected, null);
  assert.deepEqual(rgb(right.markColor), hexRgb('#89d185'), 'the ✓ in the theme green');
  assert.ok(right.label && wrong.label && right.label !== wrong.label, 'each badge is named for screen readers');
  assert.deepEqual(p.pageErrors, []);
  assert.deepEqual(await p.cspViolations(), []);
  await p.screenshot('check-badges.png');

  // a new solve clears them
  await p.send({ type: 'reset', problem: 'Next' });
  await p.send({ type: 'events', events: EVENTS.slice(0, 3) as never[] });
  assert.equal((await readBadges(p)).length, 0);
  assert.equal(await p.page.evaluate(`document.querySelector('.sr-checks').hidden`), true);
  await p.close();
});

test("the expected value: the checker's TeX typeset, its words kept as text", async () => {
  const p = await WebviewPage.open(env.browser, `${env.server.origin}/panel`, DARK);
  const wrong = (line: string, expected: string) => ({ type: 'check', segment: 1, line, verdict: 'incorrect', expected, message: 'wrong' });
  await p.send({
    type: 'events',
    events: [
      ...EVENTS.slice(0, 3),
      wrong('$x^2 - 2x = 8$', 'x = -2 or x = 4'),
      wrong('$x + 1 = x$', 'no solution'),
      wrong('$= x^2 - 15$', 'x^{2}-2x-15'),
    ] as never[],
  });
  const badges = await readBadges(p);
  assert.deepEqual(
    badges.map((b) => [b.expected, b.expectedTex]),
    [
      ['expected <math> or <math>', ['x = -2', 'x = 4']],
      ['expected no solution', []],
      ['expected <math>', ['x^{2}-2x-15']],
    ],
  );
  assert.deepEqual(p.pageErrors, []);
  assert.deepEqual(await p.cspViolations(), []);
  await p.close();
});

test('the notebook renderer shows the same badges as the panel', async () => {
  const nb = await WebviewPage.open(env.browser, `${env.server.origin}/notebook`, DARK);
  await nb.page.evaluate(`(async () => { while (!window.__rendererReady) await new Promise((r) => setTimeout(r, 10)); })()`);
  await nb.probe('renderNotebook', EVENTS, TRACE_MIME);
  const panel = await WebviewPage.open(env.browser, `${env.server.origin}/panel`, DARK);
  await panel.send({ type: 'events', events: EVENTS as never[] });
  const html = await nb.probe<string>('normalizedHtml', '#output .sr-checks');
  assert.equal(html, await panel.probe('normalizedHtml', '#sr-trace .sr-checks'));
  assert.match(html, /✗/);
  assert.deepEqual(nb.pageErrors, []);
  await nb.close();
  await panel.close();
});
