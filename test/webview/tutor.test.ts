/**
 * Tutor mode in the real panel bundle under its production CSP: steps revealed one at a time in
 * trace order, steps still being written waiting behind the reveal, Hint without the result,
 * the student's attempt posted to the host and the CAS verdict shown, all by keyboard.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAttempt } from '../../src/math';
import type { WebviewToHost } from '../../webview/protocol';
import { WebviewPage, sharedBrowser } from './harness';
import { loadTrace } from '../helpers/traces';
import { DARK } from './themes';

const env = sharedBrowser();
const toy = loadTrace('toy.jsonl');
// The first batch ends inside "The product is $4042$…": three complete lines, a fourth being written.
const FIRST = toy.slice(0, 14);
const REST = toy.slice(14);

const revealed = (p: WebviewPage) =>
  p.page.evaluate(`[...document.querySelectorAll('.sr-tutor-step')].map((li) => li.innerText.replace(/\\s+/g, ' ').trim())`) as Promise<string[]>;
const text = (p: WebviewPage, sel: string) => p.page.evaluate(`document.querySelector(${JSON.stringify(sel)}).textContent`) as Promise<string>;
const press = async (p: WebviewPage, action: string, key = 'Enter') => {
  await p.page.focus(`[data-tutor="${action}"]`);
  await p.page.keyboard.press(key);
  await p.frame();
};

/** What the host does with a tutorCheck (src/vscode/panel.ts): the CAS checker, then the verdict back. */
async function answerAttempts(p: WebviewPage, seen: number): Promise<number> {
  const posted = (await p.posted()).filter((m): m is Extract<WebviewToHost, { type: 'tutorCheck' }> => m.type === 'tutorCheck');
  for (const m of posted.slice(seen)) {
    const c = checkAttempt(m.problem, m.steps, m.attempt);
    await p.send({ type: 'tutorVerdict', id: m.id, verdict: c.verdict, message: c.message });
  }
  return posted.length;
}

test('tutor mode reveals the trace one step at a time, by keyboard, with hints and judged attempts', async () => {
  const p = await WebviewPage.open(env.browser, `${env.server.origin}/panel`, DARK);
  await p.send({ type: 'tutor', on: true });
  await p.send({ type: 'events', events: FIRST });
  assert.equal(await p.page.evaluate(`getComputedStyle(document.querySelector('#sr-trace .sr-think')).display`), 'none', 'the full trace is hidden');
  assert.deepEqual(await revealed(p), []);
  assert.match(await text(p, '.sr-tutor-status'), /Step 0 of 3 so far \(3 waiting\)/);

  await press(p, 'next');
  await press(p, 'next', 'Space');
  const two = await revealed(p);
  assert.equal(two.length, 2);
  assert.match(two[0], /^I need to compute/);
  assert.match(two[1], /^First the product\. Split 86 as 80 \+ 6:/);

  // Hint: the shape of step 3 without its result; nothing more revealed
  await press(p, 'hint');
  const hint = await text(p, '.sr-tutor-hint');
  assert.match(hint, /47 \\times 86 = 3760 \+ 282 = \?/);
  assert.doesNotMatch(hint, /4042/);
  assert.equal((await revealed(p)).length, 2);

  // the student's attempt: typed, submitted with Enter, posted with the steps shown so far, judged
  await p.page.focus('.sr-tutor-input');
  await p.page.keyboard.type('$47 \\times 86 = 4032$');
  await p.page.keyboard.press('Enter');
  const [check] = (await p.posted()).filter((m) => m.type === 'tutorCheck') as Extract<WebviewToHost, { type: 'tutorCheck' }>[];
  assert.deepEqual(
    { ...check, steps: check.steps.length },
    { type: 'tutorCheck', id: 1, problem: 'Compute $47 \\times 86 - 129$.', steps: 2, attempt: '$47 \\times 86 = 4032$' },
  );
  const seen = await answerAttempts(p, 0);
  assert.match(await text(p, '.sr-tutor-verdict'), /^✗ Not quite/);
  assert.doesNotMatch(await text(p, '.sr-tutor-verdict'), /4042/, 'the verdict does not give the answer away');
  await p.page.fill('.sr-tutor-input', '$47 \\times 86 = 3760 + 282 = 4042$');
  await p.page.keyboard.press('Enter');
  await answerAttempts(p, seen);
  assert.match(await text(p, '.sr-tutor-verdict'), /^✓ Correct/);

  // step 3, then a Next before step 4 exists: it is revealed when the model finishes the line
  await press(p, 'next');
  await press(p, 'next');
  assert.equal((await revealed(p)).length, 3);
  assert.match(await text(p, '.sr-tutor-status'), /still being written/);
  await p.send({ type: 'events', events: REST });
  const four = await revealed(p);
  assert.equal(four.length, 4);
  assert.match(four[3], /^The product is 4042/);

  await press(p, 'all');
  const all = await revealed(p);
  assert.equal(all.length, 7);
  assert.match(all[6], /^The answer is/);
  assert.equal(await p.page.evaluate(`document.querySelector('[data-tutor="next"]').disabled`), true);
  await p.screenshot('tutor.png');

  // off: the full trace again
  await press(p, 'toggle');
  assert.notEqual(await p.page.evaluate(`getComputedStyle(document.querySelector('#sr-trace .sr-think')).display`), 'none');
  assert.equal(await p.page.evaluate(`document.querySelector('.sr-tutor').hidden`), true);
  assert.deepEqual(p.pageErrors, []);
  assert.deepEqual(await p.cspViolations(), []);
  await p.close();
});

test('tutor steps are text: hostile lines render inert', async () => {
  const p = await WebviewPage.open(env.browser, `${env.server.origin}/panel`, DARK);
  await p.send({ type: 'tutor', on: true });
  const img = '<img src=x onerror="window.__pwned=1">';
  await p.send({
    type: 'events',
    events: [
      { type: 'start', problem: `P ${img}`, smallModel: 's', bigModel: 'b', device: 'cpu', policy: 'learned', time: 0 },
      { type: 'segment', id: 0, source: 'small', trigger: 'start' },
      { type: 'text', id: 0, text: `Step ${img}\n$x = 1 ${img}$\n` },
      { type: 'done', answer: null, reason: 'eos' },
    ],
  });
  await press(p, 'all');
  await press(p, 'hint');
  assert.equal(await p.pwned(), undefined);
  // the tutor's own form and buttons are ours; what came from the trace is inside the steps and the hint
  assert.deepEqual(await p.probe('dangerous', '.sr-tutor-steps'), []);
  assert.deepEqual(await p.probe('dangerous', '.sr-tutor-hint'), []);
  assert.match((await revealed(p)).join('\n'), /<img src=x onerror/);
  await p.close();
});
