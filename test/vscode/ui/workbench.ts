/**
 * Driving code-server's VS Code like a user: settings, opening the workbench, the command
 * palette, the input box and the solve panel's webview. Shared by the workbench tests of the
 * development extension (tests.ts) and of the installed VSIX (run.ts's packaged phase).
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
  /** 'development': the repository as extensionDevelopmentPath; 'installed': the VSIX installed in the server's extensions folder. */
  extension: 'development' | 'installed';
  /** The folder the extension runs from (the repository, or the installed VSIX's folder). */
  extensionRoot: string;
}
export interface UiTest {
  title: string;
  run(ctx: UiContext): Promise<void>;
}

const models = new Map<string, string>();
/** A builder model; `longContext` lifts the 4096-token context so a solve runs until stopped. */
export function testModel(server: CodeServer, seed: number, longContext = false): string {
  const key = `${server.scratch} ${seed} ${longContext}`;
  let dir = models.get(key);
  if (!dir) {
    const config = longContext ? { max_position_embeddings: 1 << 20 } : {};
    dir = buildModelFolder(mkdtempSync(join(server.scratch, 'ui-model-')), { seed, config }).dir;
    models.set(key, dir);
  }
  return dir;
}

/** Replaces the `splitreason.*` user settings (VS Code picks the file up as it changes). */
export function setUserSettings(server: CodeServer, values: Record<string, unknown>): void {
  const file = join(server.scratch, 'user-data', 'User', 'settings.json');
  const current = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  for (const k of Object.keys(current)) if (k.startsWith('splitreason.')) delete current[k];
  for (const [k, v] of Object.entries(values)) current[`splitreason.${k}`] = v;
  writeFileSync(file, JSON.stringify(current, null, 2));
}

/** Sets the colour theme (a theme's label, e.g. 'Default Light Modern'); VS Code applies it live. */
export function setTheme(server: CodeServer, theme: string): void {
  const file = join(server.scratch, 'user-data', 'User', 'settings.json');
  const current = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  current['workbench.colorTheme'] = theme;
  writeFileSync(file, JSON.stringify(current, null, 2));
}

export async function openWorkbench(ctx: UiContext): Promise<void> {
  await ctx.page.goto(ctx.server.pageUrl(ctx.extension === 'development' ? { extensionDevelopmentPath: REPO } : undefined));
  await ctx.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  // The extension activates on first use (package.json activationEvents), as a user's does:
  // open its actions from the palette and close them again.
  // The palette lists the extension's commands once the workbench has read its manifest.
  for (let tries = 1; ; tries++) {
    try {
      await runFromPalette(ctx.page, 'SplitReason: Show Actions');
      break;
    } catch (e) {
      if (tries === 6) throw e;
      await ctx.page.keyboard.press('Escape');
    }
  }
  const actions = ctx.page.locator('.quick-input-widget', { has: ctx.page.locator('input[placeholder="Choose an action"]') });
  await actions.waitFor({ state: 'visible', timeout: 60_000 });
  await ctx.page.keyboard.press('Escape');
  await actions.waitFor({ state: 'hidden', timeout: 10_000 });
  // The status bar item appears once the extension has activated.
  await ctx.page.locator('.statusbar-item', { hasText: 'SplitReason:' }).first().waitFor({ timeout: 60_000 });
}

/**
 * F1, type the command's title, Enter: what a user does, each step waiting for what the user
 * would see. The quick-input widget is one DOM node that VS Code reuses, and its list keeps
 * rows of earlier prompts (hidden, virtualized), so: start only when no prompt is open, press
 * Enter only when the row for this title is the visible, focused one, and return only once
 * that row is gone (the palette closed or the command's own prompt replaced it).
 */
export async function runFromPalette(page: Page, title: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await widget.waitFor({ state: 'hidden', timeout: 10_000 });
  await page.keyboard.press('F1');
  const input = widget.locator('input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(`>${title}`);
  const row = widget.locator('.quick-input-list .monaco-list-row.focused', { hasText: title });
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.press('Enter');
  await row.waitFor({ state: 'hidden', timeout: 10_000 });
}

/** Answers Solve with SplitReason's input box (found by its own prompt, not the palette row). */
export async function answerInputBox(page: Page, text: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-message', { hasText: 'A math problem' }).waitFor({ timeout: 10_000 });
  await widget.locator('input').fill(text);
  await page.keyboard.press('Enter');
  await widget.waitFor({ state: 'hidden', timeout: 10_000 });
}

export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function panelFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}
