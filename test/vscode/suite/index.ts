/**
 * The in-host test runner (the @vscode/test-electron layout: VS Code loads this file as
 * extensionTestsPath and calls run()). Runs every *.suite.js next to it with mocha and
 * writes the results to a JSON file, because the host reports "exited with code 0" whether
 * tests pass or not: test/vscode/run.ts reads that file.
 */
import Mocha from 'mocha';
import { readdirSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { activateExtension, closeAllPanels, stopAllSolves } from './helpers';

export interface HostTestResult {
  passed: number;
  failed: number;
  tests: { title: string; state: 'passed' | 'failed'; error?: string; ms?: number }[];
}

export async function run(): Promise<void> {
  const resultFile = process.env.SPLITREASON_VSCODE_RESULT || join(__dirname, 'result.json');
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: 90_000,
    color: false,
    reporter: 'spec',
    // Every test starts with no panel and leaves no solve running (even when it failed or
    // timed out), so no test sees another's panel or events.
    rootHooks: {
      beforeEach: async () => closeAllPanels(await activateExtension()),
      afterEach: async () => stopAllSolves(await activateExtension()),
    },
  });
  const only = process.env.SPLITREASON_VSCODE_GREP;
  if (only) mocha.grep(only);
  for (const f of readdirSync(__dirname)
    .filter((n) => n.endsWith('.suite.js'))
    .sort())
    mocha.addFile(join(__dirname, f));
  const result: HostTestResult = { passed: 0, failed: 0, tests: [] };
  try {
    await mocha.loadFilesAsync();
  } catch (e) {
    result.failed++;
    result.tests.push({ title: 'load test files', state: 'failed', error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    write(resultFile, result);
    throw e;
  }
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', (t) => {
      result.passed++;
      result.tests.push({ title: t.fullTitle(), state: 'passed', ms: t.duration });
    });
    runner.on('fail', (t, err: unknown) => {
      result.failed++;
      const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
      result.tests.push({ title: t.fullTitle(), state: 'failed', error });
    });
  });
  write(resultFile, result);
  if (result.failed > 0) throw new Error(`${result.failed} extension host test(s) failed`);
}

function write(file: string, result: HostTestResult): void {
  // Written whole then renamed, so the harness never reads half a file.
  writeFileSync(`${file}.tmp`, JSON.stringify(result, null, 2));
  renameSync(`${file}.tmp`, file);
}
