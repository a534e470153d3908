/**
 * The solve panel bundle (dist/webview/panel.js) in headless Chromium, under the production
 * CSP from panelHtml(), fed hand-written traces through window messages as VS Code delivers
 * them. Screenshots go to .test-artifacts/webview/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebviewPage, sharedBrowser } from './harness';
import { loadTrace } from '../helpers/traces';
import { DARK, hexRgb, LIGHT, THEMES, type Theme } from './themes';

interface SegmentProbe {
  seg: number;
  classes: string[];
  text: string;
  tex: string[];
  underlineStyle: string;
  underlineColor: number[];
  background: number[];
}

const env = sharedBrowser();
const toy = loadTrace('toy.jsonl');
const failed = loadTrace('failed.jsonl');

const open = (theme: Theme, viewport?: { width: number; height: number }) => WebviewPage.open(env.browser, `${env.server.origin}/panel`, theme, viewport);

function near(actual: number[], expected: number[], what: string): void {
  for (let i = 0; i < 3; i++)
    assert.ok(Math.abs(actual[i] - expected[i]) <= 2, `${what}: got rgb(${actual.slice(0, 3).map(Math.round)}) expected rgb(${expected})`);
}

async function noErrors(p: WebviewPage): Promise<void> {
  assert.deepEqual(p.pageErrors, [], 'no uncaught errors in the page');
  assert.deepEqual(await p.cspViolations(), [], 'nothing the CSP had to block');
}

for (const theme of THEMES) {
  test(`toy trace, ${theme.name} theme: offloaded segment coloured from the theme, all text readable`, async () => {
    const p = await open(theme);
    await p.send({ type: 'events', events: toy });
    const segs = await p.probe<SegmentProbe[]>('segments');
    const big = segs.filter((s) => s.seg === 1);
    const small = segs.filter((s) => s.seg !== 1);
    assert.ok(big.length >= 4, 'the offloaded segment spans text and math over three lines');
    assert.ok(small.length > big.length);
    assert.equal(
      big
        .map((s) => s.text)
        .join('')
        .includes('Split 86 as 80 + 6: '),
      true,
    );
    assert.deepEqual(
      big.flatMap((s) => s.tex),
      ['47 \\times 80 = 3760', '47 \\times 6 = 282', '47 \\times 86 = 3760 + 282 = 4042', '4042'],
    );

    const purple = hexRgb(theme.vars['--vscode-charts-purple']);
    for (const s of big) {
      assert.ok(s.classes.includes('sr-big'));
      if (s.classes.includes('sr-display')) continue; // marked at the left edge instead
      assert.equal(s.underlineStyle, 'solid');
      near(s.underlineColor, purple, `underline of "${s.text}"`);
      if (theme.name === 'high-contrast') assert.equal(s.background[3], 0, 'no tint in high contrast');
      else near(s.background, purple, 'tint hue');
    }
    for (const s of small) {
      assert.equal(s.underlineStyle, 'none', `"${s.text}" is local text`);
      if (!s.classes.includes('sr-boxed')) assert.equal(s.background[3], 0, `"${s.text}" has no tint`); // a boxed answer has its own
    }
    // WCAG AA for body text: 4.5:1 against what is actually behind the text.
    for (const sel of ['.sr-think-body .sr-small', '.sr-think-body .sr-big', '.sr-answer .sr-small', '.sr-stats .sr-stat-value', '.sr-final-label']) {
      const ratio = await p.probe<number>('contrast', sel);
      assert.ok(ratio >= 4.5, `${sel}: contrast ${ratio.toFixed(2)} < 4.5 in ${theme.name}`);
    }
    await p.screenshot(`panel-${theme.name}.png`);
    await noErrors(p);
    await p.close();
  });
}

test('KaTeX typesets every formula; no delimiters, tags or markers leak into the text', async () => {
  const p = await open(DARK);
  await p.send({ type: 'events', events: toy });
  assert.deepEqual(await p.probe('tex', '.sr-problem'), ['47 \\times 86 - 129']);
  assert.deepEqual(await p.probe('tex', '.sr-think-body'), [
    '47 \\times 86 - 129',
    '47 \\times 80 = 3760',
    '47 \\times 6 = 282',
    '47 \\times 86 = 3760 + 282 = 4042',
    '4042',
    '4042 - 129 = 3913',
    '3913 + 129 = 4042',
  ]);
  assert.deepEqual(await p.probe('tex', '.sr-answer'), ['47 \\times 86 = 4042', '4042 - 129 = 3913', '\\boxed{3913}']);
  assert.equal(await p.probe('count', '.sr-think-body .sr-display .katex-display'), 1, 'the $$…$$ line is display math');
  assert.equal(await p.probe('text', '.sr-think-body strong'), 'Check:');
  for (const sel of ['.sr-problem', '.sr-think-body', '.sr-answer']) {
    const shown = await p.probe<string>('visibleText', sel);
    for (const leak of ['$', '\\', '<think>', '</think>', '**', 'bigmodel']) assert.ok(!shown.includes(leak), `${sel} shows "${leak}": ${shown}`);
  }
  await noErrors(p);
  await p.close();
});

test('the reasoning collapses and expands; the answer stays visible', async () => {
  const p = await open(DARK);
  await p.send({ type: 'events', events: toy });
  assert.equal(await p.probe('visible', '.sr-think-body'), true);
  await p.page.click('.sr-think-summary');
  assert.equal(await p.probe('visible', '.sr-think-body'), false, 'collapsed');
  assert.equal(await p.probe('visible', '.sr-answer'), true);
  assert.equal(await p.probe('visible', '.sr-final'), true);
  await p.screenshot('think-collapsed-dark.png');
  await p.page.click('.sr-think-summary');
  assert.equal(await p.probe('visible', '.sr-think-body'), true, 'expanded again');
  await p.close();
});

test('the final answer is typeset in a highlighted card in the theme colour', async () => {
  for (const theme of [LIGHT, DARK]) {
    const p = await open(theme);
    await p.send({ type: 'events', events: toy });
    assert.equal(await p.probe('visible', '.sr-final'), true);
    assert.equal(await p.probe('text', '.sr-final-label'), 'Answer');
    assert.deepEqual(await p.probe('tex', '.sr-final'), ['\\boxed{3913}']);
    near(await p.probe('color', '.sr-final', 'border-top-color'), hexRgb(theme.vars['--vscode-charts-green']), 'answer border');
    await p.close();
  }
});

test('stats bar, legend, and the hover card of each segment', async () => {
  const p = await open(DARK);
  await p.send({ type: 'events', events: toy });
  const stat = (k: string) => p.probe<string>('text', `[data-stat="${k}"] .sr-stat-value`);
  assert.equal(await stat('local'), '81 tok');
  assert.equal(await stat('offloaded'), '41 tok');
  assert.equal(await stat('fraction'), '33.6 %');
  assert.equal(await stat('speed'), '43.6 tok/s');
  assert.equal(await stat('device'), 'cpu');

  const legend = await p.probe<SegmentProbe[]>('segments', '.sr-legend .sr-seg');
  near(legend[1].underlineColor, hexRgb(DARK.vars['--vscode-charts-purple']), 'legend swatch for offloaded text');
  assert.equal(legend.length, 2, 'no "Failed offload" entry when nothing failed');
  assert.match((await p.probe<string>('text', '.sr-legend')) ?? '', /Offloaded \(Qwen2\.5-32B-Instruct\)/);
  await p.send({ type: 'reset' });
  await p.send({ type: 'events', events: failed });
  const failedLegend = await p.probe<SegmentProbe[]>('segments', '.sr-legend .sr-seg');
  assert.equal(failedLegend.length, 3);
  assert.equal(failedLegend[2].underlineStyle, 'dashed');
  await p.send({ type: 'reset' });
  await p.send({ type: 'events', events: toy });

  await p.page.hover('.sr-think-body [data-seg="1"]');
  assert.equal(await p.probe('visible', '.sr-tooltip'), true);
  const card = (await p.probe<string>('text', '.sr-tooltip')) ?? '';
  for (const part of ['Offloaded to Qwen2.5-32B-Instruct', 'Trigger: learned', '41 tokens in 1.38 s', 'Ended: handback'])
    assert.ok(card.includes(part), `hover card has "${part}": ${card}`);
  await p.page.hover('.sr-think-body [data-seg="0"]');
  const local = (await p.probe<string>('text', '.sr-tooltip')) ?? '';
  assert.ok(local.includes('Local model DeepSeek-R1-Distill-Qwen-1.5B') && local.includes('24 tokens in 412 ms'), local);
  await p.screenshot('hover-dark.png');
  await p.page.mouse.move(5, 890);
  assert.equal(await p.probe('visible', '.sr-tooltip'), false, 'the card goes away');
  await p.close();
});

test('KaTeX lays out under the CSP: fractions stack, fonts come from the extension', async () => {
  const p = await open(LIGHT);
  await p.send({ type: 'events', events: failed });
  // Positions inside a fraction come from inline styles set through the CSSOM; were they
  // blocked, numerator and denominator would sit on one line.
  const num = await p.probe<number>('leafTop', '.sr-problem', '3');
  const den = await p.probe<number>('leafTop', '.sr-problem', '4');
  assert.ok(den - num > 4, `numerator (${num}) above denominator (${den})`);
  assert.ok((await p.probe<string[]>('fontsLoaded')).includes('KaTeX_Main'), 'KaTeX_Main loaded from dist/webview/katex/fonts');
  await noErrors(p);
  await p.close();
});

for (const theme of [DARK, LIGHT]) {
  test(`failed offloads look different (${theme.name}): a dashed red underline, a marker, the error`, async () => {
    const p = await open(theme);
    await p.send({ type: 'events', events: failed });
    const red = hexRgb(theme.vars['--vscode-errorForeground']);
    // Segment 1 failed before writing anything: a marker stands where it would have been.
    assert.equal(await p.probe('count', '.sr-marker.sr-failed[data-seg="1"]'), 1);
    assert.match((await p.probe<Record<string, string>>('style', '.sr-marker.sr-failed', ['content'], '::after')).content, /offload failed/);
    // Segment 3 wrote a line, then failed.
    const seg3 = (await p.probe<SegmentProbe[]>('segments')).filter((s) => s.seg === 3);
    assert.ok(seg3.length >= 2);
    for (const s of seg3) {
      assert.ok(s.classes.includes('sr-failed'));
      assert.equal(s.underlineStyle, 'dashed');
      near(s.underlineColor, red, 'failed underline');
    }
    assert.ok(((await p.probe<string>('text', '.sr-notes')) ?? '').includes('Large model unavailable (HTTP 503 after 3 attempts)'));
    await p.screenshot(`failed-${theme.name}.png`);
    await p.page.hover('.sr-think-body [data-seg="3"]');
    const card = (await p.probe<string>('text', '.sr-tooltip')) ?? '';
    assert.ok(card.includes('Offload to Qwen2.5-32B-Instruct failed') && card.includes('Error: connection reset by peer'), card);
    await p.close();
  });
}

test('streaming one event per frame ends in exactly the DOM of a one-shot replay; closed blocks are never re-rendered', async () => {
  for (const events of [toy, failed]) {
    const streamed = await open(DARK);
    const oneShot = await open(DARK);
    await oneShot.send({ type: 'events', events });
    let tagged = false;
    for (let i = 0; i < events.length; i++) {
      await streamed.send({ type: 'events', events: [events[i]] });
      if (events === failed && i === 4) {
        // Segment 1 (large model) has begun and written nothing yet.
        assert.equal(await streamed.probe('count', '.sr-marker.sr-pending[data-seg="1"]'), 1, 'offload in flight is shown');
      }
      if (!tagged && (await streamed.probe<number>('count', '.sr-think-body .sr-chunk > .sr-line')) > 0) {
        await streamed.probe('tag', '.sr-think-body .sr-chunk > .sr-line');
        tagged = true;
      }
    }
    assert.ok(tagged);
    assert.deepEqual(await streamed.probe('taggedUntouched'), { connected: true, sameNodes: true, sameText: true }, 'the first closed block was rendered once');
    assert.equal(await streamed.probe('normalizedHtml', '#sr-trace'), await oneShot.probe('normalizedHtml', '#sr-trace'));
    await noErrors(streamed);
    await streamed.close();
    await oneShot.close();
  }
});

test('Stop / Solve again follow the running state; every action posts its message', async () => {
  const p = await open(DARK);
  await p.send({ type: 'events', events: toy });
  const disabled = (a: string) => p.page.getAttribute(`vscode-button[data-action="${a}"]`, 'disabled').then((v) => v !== null);
  await p.send({ type: 'state', running: true });
  assert.equal(await disabled('stop'), false);
  assert.equal(await disabled('again'), true);
  await p.page.click('vscode-button[data-action="stop"]');
  await p.send({ type: 'state', running: false });
  assert.equal(await disabled('stop'), true);
  await p.page.click('vscode-button[data-action="again"]');
  for (const a of ['markdown', 'latex', 'insert', 'save']) await p.page.click(`vscode-button[data-action="${a}"]`);
  const posted = await p.posted();
  assert.deepEqual(
    posted.map((m) => m.type),
    ['ready', 'stop', 'solveAgain', 'copy', 'copy', 'insert', 'saveTrace'],
  );
  const [md, tex, insert] = posted.slice(3, 6) as { format?: string; text: string }[];
  assert.equal(md.format, 'markdown');
  assert.ok(md.text.startsWith('**Problem.** Compute $47 \\times 86 - 129$.\n\n**Reasoning**\n\nI need to compute'));
  assert.ok(md.text.includes('$$47 \\times 86 = 3760 + 282 = 4042$$'));
  assert.equal(tex.format, 'latex');
  assert.ok(tex.text.includes('\\section*{Problem}') && tex.text.trimEnd().endsWith('\\[\\boxed{3913}\\]'));
  assert.equal(insert.text, 'We have $47 \\times 86 = 4042$, and $4042 - 129 = 3913$.\n\nThe answer is $\\boxed{3913}$.\n');
  // The toolkit's buttons take the theme's button colour.
  near(await p.probe('color', 'vscode-button[data-action="again"]', 'background-color'), hexRgb(DARK.vars['--vscode-button-background']), 'primary button');
  await p.close();
});

test('reset clears the trace and shows the new problem; malformed events are counted, not rendered', async () => {
  const p = await open(DARK);
  await p.send({ type: 'events', events: toy });
  await p.send({ type: 'reset', problem: 'Find $x$ if $2x = 10$.' });
  assert.equal(await p.probe('count', '#sr-trace [data-seg]'), 0);
  assert.deepEqual(await p.probe('tex', '.sr-problem'), ['x', '2x = 10']);
  assert.equal(await p.probe('visible', '.sr-final'), false);
  await p.send({
    type: 'events',
    events: [
      { type: 'segment', id: 0, source: 'small', trigger: 'start' },
      { type: 'text', id: '0', text: 'string id' },
      { type: 'bogus' },
      { type: 'text', id: 0, text: 'Halve both sides: $x = 5$.\n' },
    ],
  });
  assert.equal(await p.probe('visibleText', '.sr-think-body'), 'Halve both sides: x=5.');
  assert.equal(await p.probe('text', '.sr-ignored'), '2 malformed trace events ignored');
  await p.close();
});
