/**
 * The packaged extension's phase of run.ts: this platform's VSIX (`npm run package`), `code-server --install-extension`
 * into a fresh extensions folder outside the repository, a check of what the VSIX holds, then
 * workbench tests against the installed extension (no extensionDevelopmentPath: VS Code
 * loads it from the extensions folder, as it would for a user).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCodeServer } from './codeServer';
import { BUNDLED_MODELS } from '../../scripts/package';
import { checkInstalledFiles, installVsix, packageVsix } from './vsix';
import type { UiTest } from './ui/workbench';

export interface Outcome {
  title: string;
  ok: boolean;
  error?: string;
}

export type UiRunner = (
  tests: UiTest[],
  server: Awaited<ReturnType<typeof startCodeServer>>,
  extension: 'installed',
  extensionRoot: string,
) => Promise<Outcome[]>;

export async function runPackagedTests(out: string, scratch: string, tests: UiTest[], runUi: UiRunner): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const step = async (title: string, body: () => Promise<void> | void): Promise<boolean> => {
    try {
      await body();
      outcomes.push({ title: `[packaged] ${title}`, ok: true });
      return true;
    } catch (e) {
      outcomes.push({ title: `[packaged] ${title}`, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      return false;
    }
  };
  // Outside the repository (vsix.ts says why); removed at the end.
  const extensionsDir = mkdtempSync(join(tmpdir(), 'sr-vsix-extensions-'));
  try {
    let vsix = '';
    let root = '';
    const installed = await step("npm run package builds this platform's VSIX and code-server --install-extension installs it", () => {
      vsix = packageVsix(join(out, 'vsix'));
      root = installVsix(vsix, join(scratch, 'install'), extensionsDir);
    });
    if (vsix) {
      await step('the linux-x64 VSIX is at most 30 MB', () => {
        const mb = statSync(vsix).size / 1e6;
        if (process.platform === 'linux' && process.arch === 'x64' && mb > 30) throw new Error(`${vsix} is ${mb.toFixed(1)} MB`);
      });
    }
    if (!installed) return outcomes;
    await step('the installed platform VSIX holds its runtime files and nothing else (no other platform, no source map, test or tool)', () => {
      const { unexpected, missing } = checkInstalledFiles(root, BUNDLED_MODELS);
      if (unexpected.length || missing.length) {
        throw new Error(`unexpected in the VSIX: ${JSON.stringify(unexpected)}; missing from it: ${JSON.stringify(missing)}`);
      }
    });
    const server = await startCodeServer(join(scratch, 'server'), { extensionsDir });
    try {
      outcomes.push(...(await runUi(tests, server, 'installed', root)).map((o) => ({ ...o, title: o.title.replace(/^\[ui\]/, '[packaged]') })));
    } finally {
      await server.stop();
    }
    return outcomes;
  } finally {
    rmSync(extensionsDir, { recursive: true, force: true });
  }
}
