/**
 * Hostile traces in the real panel under its production CSP: nothing executes, nothing loads,
 * the payloads show as text, and the panel still renders the next message afterwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebviewPage, sharedBrowser } from './harness';
import { hostileCases, type HostileCase } from './hostile';
import { DARK } from './themes';

const env = sharedBrowser();
const requests: string[] = [];

/**
 * What the CSP may block in these traces: KaTeX sets a few style attributes with setAttribute
 * (the colour of a parse error, SVG widths); the CSP blocks them and panel.css makes up for it.
 * Anything else blocked would mean something tried to run or load.
 */
const HARMLESS_VIOLATIONS = new Set(['style-src-attr']);

/** Everything a hostile trace must not achieve, checked after it has been rendered. */
async function assertInert(p: WebviewPage, c: HostileCase, requestsBefore: number): Promise<void> {
  assert.equal(await p.pwned(), undefined, 'no payload ran');
  assert.deepEqual(p.dialogs, [], 'no alert/confirm dialogs');
  assert.deepEqual(p.pageErrors, [], 'no uncaught errors');
  assert.deepEqual(await p.probe('dangerous', '#sr-trace'), [], 'no element or attribute that runs or loads');
  const blocked = (await p.cspViolations()).filter((v) => !HARMLESS_VIOLATIONS.has(v.directive));
  assert.deepEqual(blocked, [], 'nothing tried to run or load');
  const fetched = requests.slice(requestsBefore).filter((u) => !u.startsWith(`${env.server.origin}/dist/webview/katex/fonts/`));
  assert.deepEqual(fetched, [], 'no requests but KaTeX fonts');
  assert.equal(await p.page.evaluate('({}).polluted'), undefined, 'no prototype pollution');
  const shown = await p.probe<string>('visibleText', '#sr-trace');
  for (const lit of c.literal) assert.ok(shown.includes(lit), `"${lit.slice(0, 60)}" is shown as text`);

  // Responsive: one more message is rendered (the time is printed, never asserted).
  const ms = await p.probe<number>('roundTrip', {
    type: 'events',
    events: [
      { type: 'segment', id: 99, source: 'small', trigger: 'handback' },
      { type: 'text', id: 99, text: '\nRecovered: $1+1=2$\n' },
    ],
  });
  assert.ok((await p.probe<string[]>('tex', '#sr-trace')).includes('1+1=2'), 'the next message renders');
  console.log(`# ${c.name}: next message rendered ${ms.toFixed(1)} ms after the hostile batch`);
}

async function openPanel(): Promise<{ p: WebviewPage; requestsBefore: number }> {
  const p = await WebviewPage.open(env.browser, `${env.server.origin}/panel`, DARK);
  p.page.on('request', (r) => requests.push(r.url()));
  return { p, requestsBefore: requests.length };
}

const cases = hostileCases();
const megabyte = cases.find((c) => c.name === 'megabyte-line');

for (const c of cases) {
  if (c === megabyte) continue; // its own test below, which also watches the panel while it renders
  test(`hostile trace "${c.name}" executes nothing and leaves the panel responsive`, async () => {
    const { p, requestsBefore } = await openPanel();
    await p.send({ type: 'events', events: c.events as never[] });
    await assertInert(p, c, requestsBefore);
    if (['script-and-img', 'katex-commands', 'html-in-every-field'].includes(c.name)) await p.screenshot(`hostile-${c.name}.png`);
    await p.close();
  });
}

test('hostile trace "megabyte-line" (one 1 MB line) is rendered over many frames; Stop is handled meanwhile', async () => {
  assert.ok(megabyte);
  const { p, requestsBefore } = await openPanel();
  await p.send({ type: 'state', running: true });
  const busy = await p.page.evaluate(
    `(async () => {
      window.postMessage(${JSON.stringify({ type: 'events', events: megabyte.events })}, '*');
      for (let i = 0; i < 4; i++) await __probe.frame();
      return document.getElementById('sr-trace').getAttribute('aria-busy');
    })()`,
  );
  assert.equal(busy, 'true', 'the renderer yielded to the browser with work left');
  await p.page.click('vscode-button[data-action="stop"]');
  const during = await p.page.evaluate(`({ busy: document.getElementById('sr-trace').getAttribute('aria-busy'), posted: __posted.map((m) => m.type) })`);
  assert.deepEqual(during, { busy: 'true', posted: ['ready', 'stop'] }, 'the click was handled before the rendering finished');
  await p.page.evaluate(`(async () => { while (document.querySelector('[aria-busy="true"]')) await __probe.frame(); })()`);
  await assertInert(p, megabyte, requestsBefore);
  await p.close();
});

test('a payload still runs when it is real markup: the checks above can fail', async () => {
  // Guards the guard: the same page, with the payload inserted as HTML by the test itself,
  // must trip the probes, or the assertions above would prove nothing.
  const p = await WebviewPage.open(env.browser, `${env.server.origin}/panel`, DARK);
  await p.page.evaluate(`(() => {
    const t = document.createElement('template');
    t.innerHTML = '<img src="x" onerror="window.__pwned = 1"><a href="javascript:void 0">x</a>';
    document.getElementById('sr-trace').append(t.content);
  })()`);
  const found = await p.probe<string[]>('dangerous', '#sr-trace');
  assert.ok(found.includes('<IMG>') && found.some((f) => f.includes('onerror')) && found.some((f) => f.includes('javascript:')), found.join(', '));
  await p.close();
});
