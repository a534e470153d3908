/**
 * The notebook output renderer (dist/webview/notebookRenderer.js) loaded as VS Code loads it:
 * an ES module whose activate() returns renderOutputItem. It must render a saved trace with the
 * same code, and so the same DOM, as the solve panel.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebviewPage, sharedBrowser } from './harness';
import { loadTrace } from './fixtures';
import { DARK, LIGHT } from './themes';

const MIME = 'application/vnd.splitreason.trace+json';
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
    await nb.probe('renderNotebook', events, MIME);
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
  await nb.probe('renderNotebook', loadTrace('failed.jsonl'), MIME);
  await nb.page.waitForLoadState('networkidle');
  // katex.min.css hides the MathML copy; panel.css colours offloaded text.
  assert.equal((await nb.probe<Record<string, string>>('style', '#output .katex-mathml', ['position'])).position, 'absolute');
  const num = await nb.probe<number>('leafTop', '#output .sr-problem', '3');
  const den = await nb.probe<number>('leafTop', '#output .sr-problem', '4');
  assert.ok(den - num > 4, 'fractions stack');
  assert.equal((await nb.probe<Record<string, string>>('style', '#output .sr-think-body .sr-big.sr-failed', ['border-bottom-style']))['border-bottom-style'], 'dashed');
  assert.equal(await nb.probe('count', '#output .sr-marker.sr-failed'), 1);
  await nb.screenshot('notebook-dark.png');
  // Rendering a second output does not add the stylesheets again.
  await nb.probe('renderNotebook', loadTrace('toy.jsonl'), MIME);
  assert.equal(await nb.probe('count', 'link[rel="stylesheet"]'), 2);
  await nb.close();
});

test('an output that is not an array of events says what is wrong', async () => {
  const nb = await notebook();
  await nb.probe('renderNotebook', { type: 'start' }, MIME);
  assert.match((await nb.probe<string>('text', '#output')) ?? '', /not a trace\. Expected application\/vnd\.splitreason\.trace\+json to hold a JSON array of trace events/);
  await nb.close();
});
