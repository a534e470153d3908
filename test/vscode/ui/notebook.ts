/**
 * The notebook kernel and renderer in the workbench, as a student meets them: a Jupyter
 * notebook with a problem cell and a Python cell, the SplitReason kernel selected and Run All
 * from the palette. The trace is typeset in the cell's output with the offload tint and a
 * laid-out legend (computed styles in the real renderer webview), the Python cell says what to
 * change, and the notebook is saved, closed and reopened with its trace rendered again.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { openWorkbench, runFromPalette, setTheme, setUserSettings, waitUntil, type UiTest } from './workbench';
import { TRACE_MIME } from '../../../webview/protocol';

/** A problem of the bundled toy pair's own form: it solves it and offloads a step. */
const PROBLEM = 'Compute $47 \\times 86 - 129$.';
const FILE = 'problems.ipynb';

const cell = (source: string, languageId: string) => ({
  cell_type: 'code',
  execution_count: null,
  metadata: { vscode: { languageId } },
  outputs: [],
  source: [source],
});
const notebook = {
  cells: [cell(PROBLEM, 'plaintext'), cell('print(1 + 1)', 'python')],
  metadata: { language_info: { name: 'python' } },
  nbformat: 4,
  nbformat_minor: 5,
};

/** A computed style property of the first element (the tests' TypeScript has no DOM types). */
const css = (loc: Locator, prop: string): Promise<string> =>
  loc.first().evaluate((el, p) => (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(el)[p], prop);

const outputFrame = (page: Page): FrameLocator => page.frameLocator('.notebook-editor iframe.webview.ready').frameLocator('iframe#active-frame');

async function openNotebook(page: Page): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill(FILE);
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: FILE }).waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await page.locator('.notebook-editor .cell-list-container').waitFor({ timeout: 30_000 });
}

/** What a person sees of the trace in the output: tint, legend layout, no error in its place. */
async function checkRenderedTrace(output: FrameLocator, when: string): Promise<void> {
  await output.locator('.sr-notebook.sr-trace.sr-done').waitFor({ timeout: 60_000 });
  const big = output.locator('.sr-seg.sr-big[data-seg]').first();
  await big.waitFor({ timeout: 10_000 });
  // The renderer typesets once its stylesheets have loaded (or failed to): no waiting for them here.
  const tint = await css(big, 'backgroundColor');
  if (/^rgba\(0, 0, 0, 0\)$|^transparent$/.test(tint))
    throw new Error(`${when}: offloaded text has no tint (background ${tint}): the renderer's stylesheet did not load`);
  const underline = await css(big, 'borderBottomStyle');
  if (underline !== 'solid') throw new Error(`${when}: offloaded text is not underlined (${underline})`);
  // The stats and legend are rows of separate items: each item starts right of the one before.
  const stats = await output
    .locator('.sr-stats .sr-stat')
    .evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ left: r.left, right: r.right, top: r.top })));
  if (stats.length < 3) throw new Error(`${when}: ${stats.length} stats items`);
  for (let i = 1; i < stats.length; i++) {
    if (stats[i].top === stats[i - 1].top && stats[i].left - stats[i - 1].right < 8)
      throw new Error(`${when}: stats items run together: ${JSON.stringify(stats)}`);
  }
  const display = await css(output.locator('.sr-legend'), 'display');
  if (display !== 'flex') throw new Error(`${when}: the legend is not laid out (display ${display})`);
  const answer = await output.locator('.sr-final.sr-final-answer annotation[encoding="application/x-tex"]').textContent({ timeout: 10_000 });
  if (answer?.trim() !== '\\boxed{3913}') throw new Error(`${when}: the answer card shows ${JSON.stringify(answer)}`);
}

export const notebookTest: UiTest = {
  title:
    'notebook: the toy pair solves a cell (tinted, legend laid out), a Python cell says to change its language, and the trace survives save, close and reopen',
  async run(ctx) {
    const { page, server } = ctx;
    setUserSettings(server, {});
    setTheme(server, 'Default Dark Modern');
    writeFileSync(join(server.workspace, FILE), JSON.stringify(notebook));
    await openWorkbench(ctx);
    await openNotebook(page);
    // The only kernel for Jupyter notebooks here: VS Code selects it and names it in the toolbar.
    await page.locator('.notebook-toolbar-container', { hasText: 'SplitReason' }).waitFor({ timeout: 30_000 });
    // Focus the notebook as a user would before running it (the palette lists Run All for a focused notebook).
    await page.locator('.notebook-editor .monaco-editor', { hasText: 'Compute' }).first().click();
    await runFromPalette(page, 'Notebook: Run All');
    const output = outputFrame(page);
    await checkRenderedTrace(output, 'after the run');
    if ((await output.locator('.sr-problem', { hasText: '47' }).count()) !== 1) throw new Error('the rendered trace lacks the problem');
    await output.getByText("set the cell's language to Markdown or Plain Text").waitFor({ timeout: 30_000 });
    await page.locator('.notebookOverlay').screenshot({ path: join(ctx.artifacts, 'ui-notebook-dark.png') });

    // Save: the .ipynb holds the trace as an object of events.
    // (The palette's fuzzy match ranks "Compare Active File with Saved" above "File: Save".)
    await page.locator('.notebookOverlay .cell-list-container').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+S');
    const saved = await waitUntil('the saved notebook has the trace', async () => {
      const nb = JSON.parse(readFileSync(join(server.workspace, FILE), 'utf8')) as { cells: { outputs: { data?: Record<string, unknown> }[] }[] };
      return nb.cells[0].outputs.map((o) => o.data?.[TRACE_MIME]).find((d) => d !== undefined);
    });
    const events = (saved as { events?: { type: string }[] }).events;
    if (!Array.isArray(events) || events.at(-1)?.type !== 'done')
      throw new Error(`the saved output is not { events: [..., done] }: ${JSON.stringify(saved).slice(0, 200)}`);

    // Close, and reopen in a new window (in the light theme): the output comes from the file.
    await runFromPalette(page, 'View: Close All Editors');
    await page.locator('.notebookOverlay').waitFor({ state: 'detached', timeout: 15_000 });
    setTheme(server, 'Default Light Modern');
    await openWorkbench(ctx);
    await openNotebook(page);
    try {
      await checkRenderedTrace(outputFrame(page), 'after save, close and reopen');
      const errors = await page.locator('.notebookOverlay').getByText('endsWith').count();
      if (errors > 0) throw new Error('the reopened notebook shows the .ipynb serializer error');
      await page.locator('.notebookOverlay').screenshot({ path: join(ctx.artifacts, 'ui-notebook-light.png') });
    } finally {
      setTheme(server, 'Default Dark Modern');
    }
  },
};
