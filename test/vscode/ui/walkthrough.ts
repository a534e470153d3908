/**
 * The Get Started walkthrough as a newcomer meets it: opened from the palette, its four steps
 * listed, and each step's button doing what the step says, which checks the step off:
 * solve the sample with the bundled toy pair (the panel's boxed answer), the model catalog,
 * the large-model setup, and a new math notebook whose sample cells the SplitReason kernel
 * runs (with default settings: the toy pair).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { REPO } from '../codeServer';
import { openWorkbench, runFromPalette, setUserSettings, waitUntil, type UiTest } from './workbench';

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

/** The walkthrough's page; opened from the palette unless it is on screen already. */
async function openWalkthrough(page: Page): Promise<ReturnType<Page['locator']>> {
  const container = page.locator('.gettingStartedContainer');
  // the walkthrough's steps stay in the page when it goes back to the welcome page, with their buttons disabled
  const firstStep = container.locator(`button.getting-started-step[data-step-id$="#${walkthrough.steps[0].id}"]`);
  if ((await firstStep.isVisible()) && (await firstStep.isEnabled())) return container;
  await runFromPalette(page, 'Welcome: Open Walkthrough...');
  const widget = page.locator('.quick-input-widget');
  await widget.locator('input').fill(walkthrough.title);
  await widget.locator('.quick-input-list .monaco-list-row.focused', { hasText: walkthrough.title }).waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  // VS Code names an extension's steps publisher.name#walkthrough#step.
  await container.locator(`[x-step-title-for$="#${walkthrough.steps[0].id}"]`).waitFor({ timeout: 20_000 });
  return container;
}

/** The first heading of a step's markdown media (the file the manifest names). */
const mediaHeading = (id: string) => {
  const heading = /^#+\s+(.+)$/m.exec(readFileSync(join(REPO, step(id).media.markdown), 'utf8'));
  if (!heading) throw new Error(`${step(id).media.markdown} has no heading`);
  return heading[1].trim();
};

/**
 * The step's button clicked once its media has loaded. The media is a webview too, and in VS Code
 * web every webview shares one service worker scope: a panel created while the media's webview
 * registers its worker can wait for a controller that never comes (the console says "Found
 * unexpected service worker controller … Waiting for controllerchange") and stay blank.
 */
async function clickStepButton(page: Page, id: string, command: string): Promise<void> {
  const container = await openWalkthrough(page);
  await container.locator(`button.getting-started-step[data-step-id$="#${id}"]`).click();
  // Best effort, never a failure: the media only has to settle before the click when it loads at
  // all. A narrow walkthrough (the panel open beside it) shows none, and media created while the
  // panel's webview is open can itself stay blank in the same race.
  if (await container.locator('.getting-started-media').isVisible()) {
    const media = container.frameLocator('.getting-started-media iframe.webview.ready').frameLocator('iframe#active-frame');
    await media
      .getByText(mediaHeading(id), { exact: true })
      .waitFor({ state: 'attached', timeout: 20_000 })
      .catch(() => undefined);
  }
  await container.locator(`[x-step-description-for$="#${id}"]`).getByText(button(id, command), { exact: true }).click();
}

/** What the SplitReason webviews show, for an error message when a wait for one fails. */
async function describePanels(page: Page): Promise<string> {
  const frames = page.locator('iframe.webview[src*="extensionId=splitreason.splitreason"]');
  const n = await frames.count();
  const shown: string[] = [];
  for (let i = 0; i < n; i++) {
    const body = frames.nth(i).contentFrame().locator('iframe#active-frame').contentFrame().locator('body');
    const text = await body.innerText({ timeout: 2_000 }).catch(() => '(no content)');
    shown.push(`#${i}: ${JSON.stringify(text.slice(0, 300))}`);
  }
  return `${n} SplitReason webview(s)${shown.length ? `: ${shown.join('; ')}` : ''}`;
}

/** The panel's trace once done; a blank panel gets the user's remedy, with the walkthrough (and its media webview) closed first. */
async function waitForDoneTrace(page: Page, frame: FrameLocator): Promise<void> {
  const done = frame.locator('.sr-trace.sr-done');
  try {
    await done.waitFor({ timeout: 60_000 });
    return;
  } catch {
    // the panel replays its trace when its webview reloads
    await page
      .locator('.tabs-container .tab', { hasText: 'Walkthrough:' })
      .locator('.codicon-close')
      .click({ timeout: 5_000 })
      .catch(() => undefined);
    await runFromPalette(page, 'Developer: Reload Webviews');
  }
  try {
    await done.waitFor({ timeout: 60_000 });
  } catch (e) {
    throw new Error(`the panel's trace never finished (${await describePanels(page)}): ${e instanceof Error ? e.message : String(e)}`);
  }
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
    // the panel's webview, not the walkthrough's own (its step media is a webview too)
    const frame = page.frameLocator('iframe.webview.ready[src*="extensionId=splitreason.splitreason"]').frameLocator('iframe#active-frame');
    await waitForDoneTrace(page, frame);
    const tex = await frame.locator('.sr-final .sr-final-math annotation[encoding="application/x-tex"]').textContent({ timeout: 10_000 });
    if (tex?.trim() !== `\\boxed{${47 * 86 - 129}}`) throw new Error(`the sample's answer is ${JSON.stringify(tex)}`);
    await checked(page, 'solveSample');

    // 2 and 3. Their buttons run the catalog's and the large-model setup's commands (the
    // step's completion event is that command); the quick pick each opens is closed again.
    for (const [id, command] of [
      ['chooseModel', 'splitreason.downloadModel'],
      ['connectLarge', 'splitreason.configureLargeModel'],
    ] as const) {
      await clickStepButton(page, id, command);
      await checked(page, id);
      const quickInput = page.locator('.quick-input-widget');
      // Both commands open a quick pick. It can show after the step is checked off, and a webview
      // taking focus can close it by itself (CI saw both): close it whenever it shows, until 5 s
      // pass without one.
      for (let i = 0; i < 4; i++) {
        const shown = await quickInput.waitFor({ state: 'visible', timeout: 5_000 }).then(
          () => true,
          () => false,
        );
        if (!shown) break;
        // Escape sent to the page rather than the quick input would take the walkthrough back to the welcome page
        await quickInput
          .locator('input')
          .press('Escape', { timeout: 5_000 })
          .catch(() => undefined);
        await quickInput.waitFor({ state: 'hidden', timeout: 3_000 }).catch(() => undefined);
      }
      await quickInput.waitFor({ state: 'hidden', timeout: 10_000 });
    }

    // 4. A math notebook with the sample problems, the SplitReason kernel selected; run it.
    await clickStepButton(page, 'openNotebook', 'splitreason.newNotebook');
    await page.locator('.notebook-editor .cell-list-container').waitFor({ timeout: 30_000 });
    await page.locator('.notebook-toolbar-container', { hasText: 'SplitReason' }).waitFor({ timeout: 30_000 });
    await page.locator('.notebook-editor .monaco-editor', { hasText: 'Compute' }).first().waitFor({ timeout: 10_000 });
    await runFromPalette(page, 'Notebook: Run All');
    const output = page.frameLocator('.notebook-editor iframe.webview.ready').frameLocator('iframe#active-frame');
    // The first cell's output (the list renders only the cells in view): the sample's answer.
    await output.locator('.sr-notebook.sr-trace.sr-done').first().waitFor({ timeout: 120_000 });
    const answer = await output.locator('.sr-final .sr-final-math annotation[encoding="application/x-tex"]').first().textContent({ timeout: 10_000 });
    if (answer?.trim() !== `\\boxed{${47 * 86 - 129}}`) throw new Error(`the notebook's first answer: ${JSON.stringify(answer)}`);
    await page.screenshot({ path: join(ctx.artifacts, 'ui-walkthrough-notebook.png') });
    await checked(page, 'openNotebook');
  },
};
