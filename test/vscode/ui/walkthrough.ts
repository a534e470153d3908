/**
 * The Get Started walkthrough as a newcomer meets it: opened from the palette, its four steps
 * listed, and each step's button doing what the step says, which checks the step off:
 * solve the sample with the bundled toy pair (the panel's boxed answer), the model catalog,
 * the large-model setup, and a new math notebook whose sample cells the SplitReason kernel
 * runs (with default settings: the toy pair).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openWorkbench, panelFrame, runFromPalette, setUserSettings, waitUntil, type UiTest } from './workbench';

// package.json contributes.walkthroughs (read here, not retyped: the test follows the manifest)
import manifest from '../../../package.json';

const walkthrough = manifest.contributes.walkthroughs[0];
const step = (id: string) => {
  const s = walkthrough.steps.find((x) => x.id === id);
  if (!s) throw new Error(`the walkthrough has no step ${id}`);
  return s;
};
/** A step's button: the text of the command link in its description. */
const button = (id: string, command: string) => {
  const m = new RegExp(`\\[([^\\]]+)\\]\\(command:${command.replace('.', '\\.')}[)?]`).exec(step(id).description);
  if (!m) throw new Error(`step ${id} has no button for ${command}`);
  return m[1];
};

async function openWalkthrough(page: Page): Promise<ReturnType<Page['locator']>> {
  await runFromPalette(page, 'Welcome: Open Walkthrough...');
  const widget = page.locator('.quick-input-widget');
  await widget.locator('input').fill(walkthrough.title);
  await widget.locator('.quick-input-list .monaco-list-row.focused', { hasText: walkthrough.title }).waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  const container = page.locator('.gettingStartedContainer');
  // VS Code names an extension's steps publisher.name#walkthrough#step.
  await container.locator(`[x-step-title-for$="#${walkthrough.steps[0].id}"]`).waitFor({ timeout: 20_000 });
  return container;
}

async function clickStepButton(page: Page, id: string, command: string): Promise<void> {
  const container = await openWalkthrough(page);
  await container.locator(`button.getting-started-step[data-step-id$="#${id}"]`).click();
  await container.locator(`[x-step-description-for$="#${id}"]`).getByText(button(id, command), { exact: true }).click();
}

async function checked(page: Page, id: string): Promise<void> {
  const container = await openWalkthrough(page);
  const box = container.locator(`.codicon[data-done-step-id$="#${id}"]`);
  await waitUntil(`step ${id} checked off`, async () => (await box.getAttribute('aria-checked')) === 'true', 20_000);
}

export const walkthroughTest: UiTest = {
  title: 'Get Started walkthrough: four steps; each button runs its command and checks its step off (sample solved, catalog, large model, math notebook run)',
  async run(ctx) {
    const { page } = ctx;
    setUserSettings(ctx.server, {});
    await openWorkbench(ctx);
    const container = await openWalkthrough(page);
    const titles = await Promise.all(walkthrough.steps.map((s) => container.locator(`[x-step-title-for$="#${s.id}"]`).textContent({ timeout: 20_000 })));
    if (JSON.stringify(titles) !== JSON.stringify(walkthrough.steps.map((s) => s.title))) throw new Error(`the walkthrough shows ${JSON.stringify(titles)}`);
    await page.screenshot({ path: join(ctx.artifacts, 'ui-walkthrough.png') });

    // 1. The sample, solved by the bundled toy pair.
    await clickStepButton(page, 'solveSample', 'splitreason.solve');
    const frame = panelFrame(page);
    await frame.locator('.sr-trace.sr-done').waitFor({ timeout: 120_000 });
    const tex = await frame.locator('.sr-final .sr-final-math annotation[encoding="application/x-tex"]').textContent({ timeout: 10_000 });
    if (tex?.trim() !== `\\boxed{${47 * 86 - 129}}`) throw new Error(`the sample's answer is ${JSON.stringify(tex)}`);
    await checked(page, 'solveSample');

    // 2 and 3. Their buttons open the catalog and the large-model choice (closed again here).
    for (const [id, command, title] of [
      ['chooseModel', 'splitreason.downloadModel', 'SplitReason: Download Model'],
      ['connectLarge', 'splitreason.configureLargeModel', 'SplitReason: large model provider'],
    ] as const) {
      await clickStepButton(page, id, command);
      await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ timeout: 20_000 });
      await page.keyboard.press('Escape');
      await checked(page, id);
    }

    // 4. A math notebook with the sample problems, the SplitReason kernel selected; run it.
    await clickStepButton(page, 'openNotebook', 'splitreason.newNotebook');
    await page.locator('.notebook-editor .cell-list-container').waitFor({ timeout: 30_000 });
    await page.locator('.notebook-toolbar-container', { hasText: 'SplitReason' }).waitFor({ timeout: 30_000 });
    await page.locator('.notebook-editor .monaco-editor', { hasText: 'Compute' }).first().waitFor({ timeout: 10_000 });
    await runFromPalette(page, 'Notebook: Run All');
    const output = page.frameLocator('.notebook-editor iframe.webview.ready').frameLocator('iframe#active-frame');
    await waitUntil('the three sample cells solved', async () => (await output.locator('.sr-notebook.sr-trace.sr-done').count()) === 3, 120_000);
    const answers = await output.locator('.sr-final .sr-final-math annotation[encoding="application/x-tex"]').allTextContents();
    const expected = [47 * 86 - 129, 23 * 19 + 458, 615 - 12 * 34 + 77].map((n) => `\\boxed{${n}}`);
    if (JSON.stringify(answers.map((a) => a.trim())) !== JSON.stringify(expected)) throw new Error(`the notebook's answers: ${JSON.stringify(answers)}, expected ${JSON.stringify(expected)}`);
    await page.screenshot({ path: join(ctx.artifacts, 'ui-walkthrough-notebook.png') });
    await checked(page, 'openNotebook');
  },
};
