import { afterEach } from 'mocha';
import * as vscode from 'vscode';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SplitReasonApi } from '../../../src/vscode/api';
import { buildModelFolder } from '../../../src/engine/builder';

export const EXTENSION_ID = 'splitreason.splitreason';

/** Everything the "SplitReason" log channel wrote so far (api.logFolder). */
export const readLog = (dir: string): string =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');

export async function activateExtension(): Promise<SplitReasonApi> {
  const ext = vscode.extensions.getExtension<SplitReasonApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded (is extensionDevelopmentPath the repo root?)`);
  return ext.activate();
}

/** Sets `splitreason.*` user settings; returns a function that removes them again. */
export async function configure(values: Record<string, unknown>): Promise<() => Promise<void>> {
  const config = vscode.workspace.getConfiguration('splitreason');
  for (const [k, v] of Object.entries(values)) await config.update(k, v, vscode.ConfigurationTarget.Global);
  return async () => {
    const c = vscode.workspace.getConfiguration('splitreason');
    for (const k of Object.keys(values)) await c.update(k, undefined, vscode.ConfigurationTarget.Global);
  };
}

/**
 * Settings a suite's tests each set for themselves: `set` applies them (undoing the test's
 * earlier ones first), and they are undone after every test of the suite that calls this.
 */
export function settingsPerTest(): { set(values: Record<string, unknown>): Promise<void>; restore(): Promise<void> } {
  let undo: (() => Promise<void>) | undefined;
  const restore = async () => {
    const u = undo;
    undo = undefined;
    await u?.();
  };
  afterEach(restore);
  return {
    async set(values) {
      await restore();
      undo = await configure(values);
    },
    restore,
  };
}

const models = new Map<number, string>();

/**
 * A small builder model folder (seeded random weights: deterministic gibberish).
 * `longContext` lifts the 4096-token context so that a solve runs until it is stopped.
 */
export function testModel(seed: number, longContext = false): string {
  const key = longContext ? -seed : seed;
  let dir = models.get(key);
  if (!dir) {
    const config = longContext ? { max_position_embeddings: 1 << 20 } : {};
    dir = buildModelFolder(mkdtempSync(join(tmpdir(), 'sr-vscode-model-')), { seed, config }).dir;
    models.set(key, dir);
  }
  return dir;
}

/**
 * Stops every running solve and waits until each has ended (its `done` is in its panel):
 * nothing a test started may still write into a panel that a later test reads.
 */
export async function stopAllSolves(api: SplitReasonApi): Promise<void> {
  // Each call stops one running panel and returns false when none is left to stop.
  while (await vscode.commands.executeCommand<boolean>('splitreason.stop'));
  await waitFor('every solve to end', () => !api.running());
}

/** Closes every editor, solve panels included, and waits until the extension has none. */
export async function closeAllPanels(api: SplitReasonApi): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await waitFor('every solve panel to close', () => api.panels().length === 0);
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
