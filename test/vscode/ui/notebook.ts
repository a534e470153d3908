/**
 * The notebook kernel and renderer in the workbench: a Jupyter notebook whose cell is a
 * problem, the SplitReason kernel selected and the cell run from the palette, and the trace
 * typeset in the cell's output by the contributed renderer.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWorkbench, runFromPalette, setUserSettings, testModel, type UiTest } from './workbench';

const notebook = (problem: string) => ({
  cells: [{ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: [problem] }],
  metadata: { language_info: { name: 'plaintext' } },
  nbformat: 4,
  nbformat_minor: 5,
});

export const notebookTest: UiTest = {
  title: 'notebook: the SplitReason kernel solves a cell and the renderer typesets the trace in its output',
  async run(ctx) {
    const { page, server } = ctx;
    setUserSettings(server, {
      smallModel: testModel(server, 1),
      device: 'cpu',
      'largeModel.provider': 'local',
      'largeModel.model': testModel(server, 2),
      policy: 'random',
      randomRatio: 0.3,
      seed: 7,
      temperature: 0,
      'budgets.segmentCap': 6,
      'budgets.maxTokens': 60,
    });
    writeFileSync(join(server.workspace, 'problems.ipynb'), JSON.stringify(notebook('What is 17 + 25?')));
    await openWorkbench(ctx);
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('problems.ipynb');
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'problems.ipynb' }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    await page.locator('.notebook-editor .cell-list-container').waitFor({ timeout: 30_000 });
    // The only kernel for Jupyter notebooks here: VS Code selects it and names it in the toolbar.
    await page.locator('.notebook-toolbar-container', { hasText: 'SplitReason' }).waitFor({ timeout: 30_000 });
    // Focus the notebook as a user would before running it (the palette lists Run All for a focused notebook).
    await page.locator('.notebook-editor .monaco-editor', { hasText: 'What is 17 + 25?' }).click();
    await runFromPalette(page, 'Notebook: Run All');
    const output = page.frameLocator('.notebook-editor iframe.webview.ready').frameLocator('iframe#active-frame');
    // The renderer's root is the TraceView's: .sr-notebook.sr-trace.
    await output.locator('.sr-notebook.sr-trace.sr-done').waitFor({ timeout: 60_000 });
    if ((await output.locator('.sr-seg.sr-big[data-seg]').count()) === 0) throw new Error('the rendered trace shows no offloaded segment');
    if ((await output.locator('.sr-problem', { hasText: 'What is 17 + 25?' }).count()) !== 1) throw new Error('the rendered trace lacks the problem');
    await page.screenshot({ path: join(ctx.artifacts, 'ui-notebook.png') });
  },
};
