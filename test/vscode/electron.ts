/**
 * The same in-host suites in desktop VS Code through @vscode/test-electron, for machines
 * that can download VS Code (this one cannot: update.code.visualstudio.com is unreachable,
 * so run.ts uses code-server's VS Code instead). Workbench (ui/) tests are code-server only.
 *
 *   npm run test:electron [-- --version 1.100.3]
 */
import { runTests } from '@vscode/test-electron';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './codeServer';
import { compileTests, LM_ECHO_ID } from './compile';
import type { HostTestResult } from './suite/index';

async function main(): Promise<number> {
  if (!existsSync(join(REPO, 'dist/extension.js'))) throw new Error('dist/extension.js is missing; run: npm run build');
  const at = process.argv.indexOf('--version');
  const version = at >= 0 ? process.argv[at + 1] : '1.100.3';
  const scratch = mkdtempSync(join(tmpdir(), 'sr-electron-'));
  const { indexJs, lmEcho } = await compileTests(join(REPO, 'out/vscode-electron-test'));
  const extensions = join(scratch, 'extensions');
  const pkg = JSON.parse(readFileSync(join(lmEcho, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  cpSync(lmEcho, join(extensions, `${pkg.publisher}.${pkg.name}-${pkg.version}`), { recursive: true });
  const workspace = join(scratch, 'workspace');
  mkdirSync(workspace, { recursive: true });
  const resultFile = join(scratch, 'result.json');
  // The exit code says little (a failing run() may still exit 0): the result file decides.
  await runTests({
    version,
    extensionDevelopmentPath: REPO,
    extensionTestsPath: indexJs,
    extensionTestsEnv: { SPLITREASON_VSCODE_RESULT: resultFile },
    launchArgs: [
      '--extensions-dir',
      extensions,
      '--enable-proposed-api',
      LM_ECHO_ID,
      '--disable-workspace-trust',
      '--user-data-dir',
      join(scratch, 'user-data'),
      workspace,
    ],
  }).catch((e: unknown) => console.error(e instanceof Error ? e.message : e));
  if (!existsSync(resultFile)) {
    console.log('0 passed, 1 failed');
    console.error('the extension host wrote no result file');
    return 1;
  }
  const result = JSON.parse(readFileSync(resultFile, 'utf8')) as HostTestResult;
  for (const t of result.tests) {
    console.log(`${t.state === 'passed' ? 'ok  ' : 'FAIL'} ${t.title}`);
    if (t.error) console.log(t.error.replace(/^/gm, '      '));
  }
  console.log(`${result.passed} passed, ${result.failed} failed`);
  return result.failed === 0 && result.passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
