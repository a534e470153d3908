/**
 * The notebook output renderer (dist/webview/notebookRenderer.js) loaded as VS Code loads it:
 * an ES module whose activate() returns renderOutputItem. It must render a saved trace with the
 * same code, and so the same DOM, as the solve panel.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebviewPage, sharedBrowser } from './harness';
import { loadTrace } from '../helpers/traces';
import { DARK, LIGHT } from './themes';
import { TRACE_MIME as MIME } from '../../webview/protocol';

const env = sharedBrowser();

async function notebook(theme = LIGHT): Promise<WebviewPage> {
  const p = await WebviewPage.open(env.browser, `${env.server.origin}/notebook`, theme);
  await p.page.evaluate(`(async () => { while (!window.__rendererReady) await new Promise((r) => setTimeout(r, 10)); })()`);
  return p;
}

test('a saved trace renders in the notebook exactly as in the panel', async () => {
  for (const name of ['toy.jsonl', 'failed.jsonl']) {
    const events = loadTrace(name);
    const nb = await notebook();
    await nb.probe('renderNotebook', { version: 1, events }, MIME);
    const panel = await WebviewPage.open(env.browser, `${env.server.origin}/panel`, LIGHT);
    await panel.send({ type: 'events', events });
    for (const part of ['.sr-problem', '.sr-think-body', '.sr-answer', '.sr-final', '.sr-stats']) {
      assert.equal(await nb.probe('normalizedHtml', `#output ${part}`), await panel.probe('normalizedHtml', `#sr-trace ${part}`), `${name}: ${part}`);
    }
    assert.deepEqual(nb.pageErrors, []);
    await nb.close();
    await panel.close();
  }
});

test('the renderer brings its own stylesheets: KaTeX laid out, segments coloured', async () => {
  const nb = await notebook(DARK);
  await nb.probe('renderNotebook', { version: 1, events: loadTrace('failed.jsonl') }, MIME);
  await nb.page.waitForLoadState('networkidle');
  // The page allows styles only from the renderer's folder, as VS Code does: nothing refused.
  assert.deepEqual(await nb.cspViolations(), []);
  // katex.min.css hides the MathML copy; panel.css colours offloaded text.
  assert.equal((await nb.probe<Record<string, string>>('style', '#output .katex-mathml', ['position'])).position, 'absolute');
  const num = await nb.probe<number>('leafTop', '#output .sr-problem', '3');
  const den = await nb.probe<number>('leafTop', '#output .sr-problem', '4');
  assert.ok(den - num > 4, 'fractions stack');
  assert.equal(
    (await nb.probe<Record<string, string>>('style', '#output .sr-think-body .sr-big.sr-failed', ['border-bottom-style']))['border-bottom-style'],
    'dashed',
  );
  assert.equal(await nb.probe('count', '#output .sr-marker.sr-failed'), 1);
  // The legend and the stats are laid out as rows of separate items, not run together.
  assert.equal((await nb.probe<Record<string, string>>('style', '#output .sr-stats', ['display'])).display, 'flex');
  const local = await nb.probe<{ right: number }>('rect', '#output .sr-stat[data-stat="local"]');
  const offloaded = await nb.probe<{ left: number }>('rect', '#output .sr-stat[data-stat="offloaded"]');
  assert.ok(offloaded.left - local.right >= 8, `stats items ${local.right} and ${offloaded.left} are not apart`);
  await nb.screenshot('notebook-dark.png');
  // Rendering a second output does not add the stylesheets again.
  await nb.probe('renderNotebook', loadTrace('toy.jsonl'), MIME);
  assert.equal(await nb.probe('count', 'link[rel="stylesheet"]'), 2);
  await nb.close();
});

test('an output written before version 1 (a bare array of events) renders like the current shape', async () => {
  const events = loadTrace('toy.jsonl');
  const nb = await notebook();
  await nb.probe('renderNotebook', { version: 1, events }, MIME);
  const current = await nb.probe<string>('normalizedHtml', '#output');
  await nb.probe('renderNotebook', events, MIME);
  assert.equal(await nb.probe<string>('normalizedHtml', '#output'), current);
  assert.ok(current.includes('sr-final'), 'the trace rendered');
  await nb.close();
});

test('an output that holds no events says what is wrong', async () => {
  const nb = await notebook();
  await nb.probe('renderNotebook', { type: 'start' }, MIME);
  assert.match(
    (await nb.probe<string>('text', '#output')) ?? '',
    /not a trace\. Expected application\/vnd\.splitreason\.trace\+json to hold a JSON object \{ "events": \[\.\.\.\] \}/,
  );
  await nb.close();
});
