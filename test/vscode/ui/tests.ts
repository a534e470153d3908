/**
 * Workbench tests: drive code-server's VS Code like a user (command palette, input box,
 * the panel's toolbar) and read what the webview shows (helpers in workbench.ts).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeServer } from '../codeServer';
import { parseTrace } from '../../../src/vscode/traceFile';
import { answerInputBox, openWorkbench, panelFrame, runFromPalette, setUserSettings, testModel, waitUntil, type UiTest } from './workbench';
import { localPair, smallAlone } from '../scenarios';

/** Small-model-only settings with a long budget: a solve that runs until stopped. */
const longSolve = (server: CodeServer) => smallAlone(testModel(server, 1, true), 100_000);

export const uiTests: UiTest[] = [
  {
    title: 'palette (builder models, random policy): offloaded steps marked; Copy as Markdown and Save trace',
    async run(ctx) {
      setUserSettings(ctx.server, localPair(testModel(ctx.server, 1), testModel(ctx.server, 2), 80));
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

      // Copy as Markdown: the webview builds the text, the host puts it on the clipboard.
      await frame.locator('[data-action="markdown"]:not([disabled])').click();
      await waitUntil('the clipboard holds the Markdown', async () =>
        (await ctx.page.evaluate<string>('navigator.clipboard.readText()')).includes('**Problem.** What is 17 + 25?'),
      );

      // Save trace: the host asks where (VS Code's own save dialog here) and writes .jsonl.
      await frame.locator('[data-action="save"]:not([disabled])').click();
      await ctx.page.locator('.quick-input-widget input').waitFor({ timeout: 10_000 });
      await ctx.page.keyboard.press('Enter');
      const saved = await waitUntil('the trace file', async () => readdirSync(ctx.server.workspace).find((f) => /^splitreason-trace-.*\.jsonl$/.test(f)));
      const events = parseTrace(readFileSync(join(ctx.server.workspace, saved), 'utf8'));
      if (!events.some((e) => e.type === 'segment' && e.source === 'big')) throw new Error('the saved trace has no offloaded segment');
      if (events.at(-1)?.type !== 'done') throw new Error('the saved trace does not end with done');
    },
  },
  {
    title: 'panel Stop button ends a running solve',
    async run(ctx) {
      setUserSettings(ctx.server, longSolve(ctx.server));
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
  {
    title: 'editor context menu: Solve with SplitReason solves the selected text',
    async run(ctx) {
      setUserSettings(ctx.server, { ...longSolve(ctx.server), 'budgets.maxTokens': 20 });
      writeFileSync(join(ctx.server.workspace, 'problem.md'), 'What is 3 + 4?\n');
      await openWorkbench(ctx);
      const page = ctx.page;
      await page.keyboard.press('Control+P');
      await page.locator('.quick-input-widget input').fill('problem.md');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'problem.md' }).first().waitFor({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      const editor = page.locator('.editor-instance .monaco-editor .view-lines').first();
      await editor.waitFor({ timeout: 10_000 });
      await editor.click();
      await page.keyboard.press('Control+A');
      await editor.click({ button: 'right' });
      // VS Code focuses a menu item under the pointer; Enter runs it (a synthetic click can
      // land before the menu accepts mouse input).
      await page.locator('.monaco-menu .action-item', { hasText: 'Solve with SplitReason' }).first().hover({ timeout: 10_000 });
      await page.locator('.monaco-menu .action-item.focused', { hasText: 'Solve with SplitReason' }).waitFor({ timeout: 5_000 });
      await page.keyboard.press('Enter');
      const frame = panelFrame(page);
      await frame.locator('.sr-problem', { hasText: 'What is 3 + 4?' }).waitFor({ timeout: 60_000 });
      await frame.locator('.sr-trace.sr-done').waitFor({ timeout: 60_000 });
      // Insert into editor writes into problem.md, the editor the solve came from.
      await frame.locator('[data-action="insert"]:not([disabled])').click();
      const lines = page.locator('.editor-instance .monaco-editor .view-lines .view-line');
      await waitUntil('text inserted below the problem', async () => (await lines.count()) > 2);
      const texts = await lines.allTextContents();
      if (!texts.some((t) => t.replace(/\u00a0/g, ' ').includes('What is 3 + 4?'))) throw new Error(`the problem was overwritten: ${JSON.stringify(texts)}`);
    },
  },
  {
    title: 'a second solve while one runs asks, and "Open Another Panel" opens a second panel',
    async run(ctx) {
      setUserSettings(ctx.server, longSolve(ctx.server));
      await openWorkbench(ctx);
      const page = ctx.page;
      await runFromPalette(page, 'SplitReason: Solve with SplitReason');
      await answerInputBox(page, 'Count to a million.');
      await panelFrame(page).locator('.sr-seg.sr-small[data-seg]').first().waitFor({ timeout: 60_000 });
      await runFromPalette(page, 'SplitReason: Solve with SplitReason');
      await answerInputBox(page, 'Count to two million.');
      const toast = page.locator('.notification-toast', { hasText: 'SplitReason is still solving' });
      await toast.locator('.monaco-button', { hasText: 'Open Another Panel' }).click({ timeout: 10_000 });
      await page.locator('.tab', { hasText: 'SplitReason' }).nth(1).waitFor({ timeout: 10_000 });
      const tabs = await page.locator('.tab', { hasText: 'SplitReason' }).count();
      if (tabs !== 2) throw new Error(`expected two SplitReason panels, found ${tabs}`);
      // Both solves are stopped from the palette, which acts on one running panel at a time:
      // the second Stop starts once the first has ended its solve.
      const finished = async (): Promise<number> => {
        const webviews = page.locator('iframe.webview.ready');
        let n = 0;
        for (let i = 0; i < (await webviews.count()); i++) {
          n += await webviews.nth(i).contentFrame().frameLocator('iframe#active-frame').locator('.sr-trace.sr-done').count();
        }
        return n;
      };
      await runFromPalette(page, 'SplitReason: Stop Solving');
      await waitUntil('one panel done', async () => (await finished()) === 1, 30_000);
      await runFromPalette(page, 'SplitReason: Stop Solving');
      await waitUntil('both panels done', async () => (await finished()) === 2, 30_000);
      await page.locator('.statusbar-item', { hasText: '· idle' }).first().waitFor({ timeout: 30_000 });
    },
  },
  {
    title: 'status bar item shows model, device and state and opens the actions',
    async run(ctx) {
      setUserSettings(ctx.server, { smallModel: testModel(ctx.server, 1), device: 'cpu' });
      await openWorkbench(ctx);
      const item = ctx.page.locator('.statusbar-item', { hasText: 'SplitReason:' }).first();
      const text = (await item.textContent()) ?? '';
      if (!/SplitReason: .*ui-model-.* · cpu · idle/.test(text)) throw new Error(`status bar text: ${JSON.stringify(text)}`);
      await item.click();
      const rows = ctx.page.locator('.quick-input-list .monaco-list-row');
      await rows.filter({ hasText: 'Solve with SplitReason' }).first().waitFor({ timeout: 10_000 });
      for (const label of ['Download a model', 'Configure the large model', 'Set API key', 'Open a saved trace']) {
        if ((await rows.filter({ hasText: label }).count()) !== 1) throw new Error(`the actions quick pick lacks "${label}"`);
      }
      await ctx.page.keyboard.press('Escape');
    },
  },
];
