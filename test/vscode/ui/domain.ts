/**
 * The bundled toy pair as a new user meets it (default settings): the Solve input suggests a
 * problem of the toy's own kind, a problem outside its declared domain gets the panel's notice
 * with its actions and no answer card, and a toy problem is solved with only the large model's
 * characters tinted. Screenshots of the panel in the dark and the light theme.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWorkbench, panelFrame, runFromPalette, setTheme, setUserSettings, type UiContext, type UiTest } from './workbench';

const TOY_PROBLEM = 'Compute $47 \\times 86 - 129$.';

export const domainTest: UiTest = {
  title:
    'toy pair: the Solve input offers the current line and suggests a toy problem; ' +
    '"What is 37 + 48?" gets the domain notice with its actions and no answer card',
  async run(ctx) {
    const { page, server } = ctx;
    setUserSettings(server, {});
    setTheme(server, 'Default Light Modern');
    try {
      await noticeAndSolve(ctx);
      await page
        .locator('iframe.webview.ready')
        .first()
        .screenshot({ path: join(ctx.artifacts, 'ui-panel-light.png') });
      // The same in the dark theme, in a new window.
      setTheme(server, 'Default Dark Modern');
      await openWorkbench(ctx);
      await solveToy(ctx);
      await page
        .locator('iframe.webview.ready')
        .first()
        .screenshot({ path: join(ctx.artifacts, 'ui-panel-dark.png') });
    } finally {
      setTheme(server, 'Default Dark Modern');
    }
  },
};

async function noticeAndSolve(ctx: UiContext): Promise<void> {
  const { page, server } = ctx;
  // A homework file with the cursor on the problem's line and nothing selected.
  writeFileSync(join(server.workspace, 'homework.md'), '# Homework\n\nWhat is 37 + 48?\n');
  await openWorkbench(ctx);
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill('homework.md');
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'homework.md' }).waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  const line = page.locator('.editor-instance .monaco-editor .view-lines .view-line', { hasText: 'What is 37' });
  await line.waitFor({ timeout: 10_000 });
  await line.click();
  await runFromPalette(page, 'SplitReason: Solve with SplitReason');
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-message', { hasText: 'only does toy arithmetic' }).waitFor({ timeout: 10_000 });
  const placeholder = await widget.locator('input').getAttribute('placeholder');
  if (placeholder !== `e.g. ${TOY_PROBLEM}`) throw new Error(`the Solve input suggests ${JSON.stringify(placeholder)}`);
  const offered = await widget.locator('input').inputValue();
  if (offered !== 'What is 37 + 48?') throw new Error(`the Solve input offers ${JSON.stringify(offered)}, not the current line`);
  await page.keyboard.press('Enter');
  const frame = panelFrame(page);
  const notice = frame.locator('.sr-notice');
  await notice.locator('.sr-notice-title', { hasText: 'outside what the model can do' }).waitFor({ timeout: 60_000 });
  const text = (await notice.textContent()) ?? '';
  if (!text.includes('The bundled demo model only does toy arithmetic')) throw new Error(`the notice says ${JSON.stringify(text)}`);
  const buttons = await notice.locator('vscode-button').allTextContents();
  if (!buttons.includes('Download Model') || !buttons.includes('Solve Anyway')) throw new Error(`the notice offers ${JSON.stringify(buttons)}`);
  if ((await frame.locator('.sr-final:not([hidden])').count()) !== 0) throw new Error('an end card shows for a problem that was not solved');
  await page.screenshot({ path: join(ctx.artifacts, 'ui-domain-notice.png') });

  await solveToy(ctx);
}

/** A toy problem: solved, only the large model's characters tinted. */
async function solveToy(ctx: UiContext): Promise<void> {
  const { page } = ctx;
  const widget = page.locator('.quick-input-widget');
  const frame = panelFrame(page);
  await runFromPalette(page, 'SplitReason: Solve with SplitReason');
  await widget.locator('.quick-input-message', { hasText: 'A math problem' }).waitFor({ timeout: 10_000 });
  await widget.locator('input').fill(TOY_PROBLEM);
  await page.keyboard.press('Enter');
  await frame.locator('.sr-trace.sr-done .sr-final.sr-final-answer').waitFor({ timeout: 120_000 });
  if ((await frame.locator('.sr-notice:not([hidden])').count()) !== 0) throw new Error('the notice stayed after a new solve');
  const tinted = (await frame.locator('.sr-think-body .katex-html .sr-big[data-seg]').allTextContents()).join('').replace(/\s+/g, '');
  if (!/^\d{6,8}$/.test(tinted)) throw new Error(`inside the formula, the tinted text is ${JSON.stringify(tinted)}: expected only the two partial products`);
}
