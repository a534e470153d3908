/**
 * Workbench tests: drive code-server's VS Code like a user (command palette, input box,
 * the panel's toolbar) and read what the webview shows. The extension is loaded from the
 * repo as a development extension.
 */
import type { FrameLocator, Page } from 'playwright-core';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeServer } from '../codeServer';
import { REPO } from '../codeServer';
import { buildModelFolder } from '../../../src/engine/builder';

export interface UiContext {
  page: Page;
  server: CodeServer;
  artifacts: string;
}
export interface UiTest {
  title: string;
  run(ctx: UiContext): Promise<void>;
}

const models = new Map<number, string>();
function testModel(server: CodeServer, seed: number): string {
  let dir = models.get(seed);
  if (!dir) {
    dir = buildModelFolder(mkdtempSync(join(server.scratch, 'ui-model-')), { seed }).dir;
    models.set(seed, dir);
  }
  return dir;
}

/** Replaces the `splitreason.*` user settings (VS Code picks the file up as it changes). */
function setUserSettings(server: CodeServer, values: Record<string, unknown>): void {
  const file = join(server.scratch, 'user-data', 'User', 'settings.json');
  const current = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  for (const k of Object.keys(current)) if (k.startsWith('splitreason.')) delete current[k];
  for (const [k, v] of Object.entries(values)) current[`splitreason.${k}`] = v;
  writeFileSync(file, JSON.stringify(current, null, 2));
}

async function openWorkbench(ctx: UiContext): Promise<void> {
  await ctx.page.goto(ctx.server.pageUrl({ extensionDevelopmentPath: REPO }));
  await ctx.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  // The status bar item appears once the extension has activated.
  await ctx.page.locator('.statusbar-item', { hasText: 'SplitReason:' }).first().waitFor({ timeout: 60_000 });
}

/** F1, type the command's title, Enter: exactly what a user does. */
async function runFromPalette(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.pressSequentially(title, { delay: 10 });
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

async function answerInputBox(page: Page, text: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await page.locator('.quick-input-widget', { hasText: 'Solve with SplitReason' }).waitFor({ timeout: 10_000 });
  await input.fill(text);
  await page.keyboard.press('Enter');
}

function panelFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

export const uiTests: UiTest[] = [
  {
    title: 'palette: Solve with SplitReason on a typed problem fills the panel, offloaded steps marked',
    async run(ctx) {
      setUserSettings(ctx.server, {
        smallModel: testModel(ctx.server, 1),
        device: 'cpu',
        'largeModel.provider': 'local',
        'largeModel.model': testModel(ctx.server, 2),
        policy: 'random',
        randomRatio: 0.3,
        seed: 7,
        temperature: 0,
        'budgets.segmentCap': 6,
        'budgets.maxTokens': 80,
      });
      await openWorkbench(ctx);
      await runFromPalette(ctx.page, 'SplitReason: Solve with SplitReason');
      await answerInputBox(ctx.page, 'What is 17 + 25?');
      const frame = panelFrame(ctx.page);
      const big = frame.locator('.sr-seg.sr-big[data-seg]').first();
      await big.waitFor({ timeout: 90_000 });
      await frame.locator('.sr-trace.sr-done').waitFor({ timeout: 90_000 });
      const text = (await big.textContent()) ?? '';
      if (text.trim() === '') throw new Error('the offloaded segment shows no text');
      await ctx.page.screenshot({ path: join(ctx.artifacts, 'ui-solve.png') });
    },
  },
  {
    title: 'panel Stop button ends a running solve',
    async run(ctx) {
      setUserSettings(ctx.server, {
        smallModel: testModel(ctx.server, 1),
        device: 'cpu',
        'largeModel.provider': 'none',
        policy: 'never',
        temperature: 0,
        'budgets.maxTokens': 100_000,
      });
      await openWorkbench(ctx);
      await runFromPalette(ctx.page, 'SplitReason: Solve with SplitReason');
      await answerInputBox(ctx.page, 'Count to a million.');
      const frame = panelFrame(ctx.page);
      const stop = frame.locator('[data-action="stop"]');
      await frame.locator('.sr-seg.sr-small[data-seg]').first().waitFor({ timeout: 60_000 });
      await frame.locator('[data-action="stop"]:not([disabled])').waitFor({ timeout: 30_000 });
      await stop.click();
      await frame.locator('.sr-trace.sr-done').waitFor({ timeout: 30_000 });
      await frame.locator('[data-action="stop"][disabled]').waitFor({ timeout: 10_000 });
      await ctx.page.screenshot({ path: join(ctx.artifacts, 'ui-stop.png') });
    },
  },
];
