/**
 * Runs the extension's integration tests in a real VS Code (code-server's VS Code 1.100.3
 * driven by Debian's Chromium): first the mocha suites inside the extension host
 * (test/vscode/suite, the @vscode/test-electron layout), then the UI tests that drive the
 * workbench like a user (test/vscode/ui), both against the repository as the development
 * extension; then the packaged phase (packaged.ts): the VSIX built, installed and driven.
 * Builds nothing of the extension: `npm run build` first. Prints "N passed, N failed" on its
 * own line; exits 1 when any test failed or the run could not finish.
 *
 *   node --import tsx test/vscode/run.ts [--host-only | --ui-only | --packaged-only] [--grep TEXT]
 */
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../helpers/chromium';
import { existsSync, mkdirSync, readFileSync, rmSync, appendFileSync } from 'node:fs';
import { compileTests, LM_ECHO_ID } from './compile';
import { join } from 'node:path';
import { startCodeServer, REPO, type CodeServer } from './codeServer';
import type { HostTestResult } from './suite/index';
import { uiTests } from './ui/tests';
import { notebookTest } from './ui/notebook';
import { toySolveTest } from './ui/toySolve';
import { domainTest } from './ui/domain';
import { checkDecorationsTest, tutorMeTest } from './ui/tutoring';
import { walkthroughTest } from './ui/walkthrough';
import type { UiTest } from './ui/workbench';
import { runPackagedTests, type Outcome } from './packaged';

const HOST_TIMEOUT_MS = 8 * 60_000;
// Per run, so that two runs at once (npm test beside a developer's run) never share files.
const RUN_ID = `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`;
const OUT = join(REPO, 'out/vscode-test', RUN_ID);
const ARTIFACTS = join(REPO, '.test-artifacts/vscode', RUN_ID);

const args = process.argv.slice(2);
const only = ['host', 'ui', 'packaged'].find((p) => args.includes(`--${p}-only`));
const phase = (p: string): boolean => only === undefined || only === p;
const grepAt = args.indexOf('--grep');
const grep = grepAt >= 0 ? args[grepAt + 1] : undefined;

async function runHostTests(server: CodeServer, browser: Browser, resultFile: string, indexJs: string): Promise<Outcome[]> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const consoleLog = join(ARTIFACTS, 'host-page-console.log');
  page.on('console', (m) => appendFileSync(consoleLog, `[${m.type()}] ${m.text()}\n`));
  await page.goto(server.pageUrl({ extensionDevelopmentPath: REPO, extensionTestsPath: indexJs }));
  const fallback = join(OUT, 'result.json');
  const deadline = Date.now() + HOST_TIMEOUT_MS;
  let found: string | undefined;
  while (!found && Date.now() < deadline) {
    found = [resultFile, fallback].find((f) => existsSync(f));
    if (!found) await new Promise((r) => setTimeout(r, 500));
  }
  await page.screenshot({ path: join(ARTIFACTS, 'host-tests.png') }).catch(() => undefined);
  await context.close();
  if (!found) {
    return [
      {
        title: 'extension host tests',
        ok: false,
        error: `no result file after ${HOST_TIMEOUT_MS / 1000} s (see ${consoleLog} and ${join(ARTIFACTS, 'scratch', 'code-server.log')})`,
      },
    ];
  }
  const result = JSON.parse(readFileSync(found, 'utf8')) as HostTestResult;
  if (result.tests.length === 0) return [{ title: 'extension host tests', ok: false, error: 'the host ran no tests' }];
  return result.tests.map((t) => ({ title: `[host] ${t.title}`, ok: t.state === 'passed', error: t.error }));
}

let uiRuns = 0;
/** Each test in a fresh browser context; console log per test, a screenshot on failure. */
async function runUiTests(
  browser: Browser,
  tests: UiTest[],
  server: CodeServer,
  extension: 'development' | 'installed',
  extensionRoot: string,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const t of tests) {
    if (grep && !t.title.includes(grep)) continue;
    const n = ++uiRuns;
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    const consoleLog = join(ARTIFACTS, `ui-console-${n}.log`);
    page.on('console', (m) => appendFileSync(consoleLog, `[${m.type()}] ${m.text()}\n`));
    try {
      await t.run({ page, server, artifacts: ARTIFACTS, extension, extensionRoot });
      outcomes.push({ title: `[ui] ${t.title}`, ok: true });
    } catch (e) {
      await page.screenshot({ path: join(ARTIFACTS, `ui-failure-${n}.png`) }).catch(() => undefined);
      outcomes.push({ title: `[ui] ${t.title}`, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    } finally {
      await context.close();
    }
  }
  return outcomes;
}

async function main(): Promise<number> {
  for (const f of ['dist/extension.js', 'package.json']) {
    if (!existsSync(join(REPO, f))) throw new Error(`${f} is missing; run: npm run build`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  const compiled = await compileTests(OUT);
  const resultFile = join(ARTIFACTS, 'host-result.json');
  const browser = await launchBrowser();
  const outcomes: Outcome[] = [];
  try {
    if (phase('host') || phase('ui')) {
      // code-server honours one extensionDevelopmentPath, so the echo model is installed instead.
      const server = await startCodeServer(join(ARTIFACTS, 'scratch'), {
        env: { SPLITREASON_VSCODE_RESULT: resultFile, ...(grep ? { SPLITREASON_VSCODE_GREP: grep } : {}) },
        extensions: [compiled.lmEcho],
        enableProposedApi: [LM_ECHO_ID],
      });
      try {
        if (phase('host')) outcomes.push(...(await runHostTests(server, browser, resultFile, compiled.indexJs)));
        if (phase('ui'))
          outcomes.push(
            ...(await runUiTests(
              browser,
              [toySolveTest, domainTest, ...uiTests, notebookTest, checkDecorationsTest, tutorMeTest, walkthroughTest],
              server,
              'development',
              REPO,
            )),
          );
      } finally {
        await server.stop();
      }
    }
    if (phase('packaged')) {
      outcomes.push(
        ...(await runPackagedTests(OUT, join(ARTIFACTS, 'scratch-packaged'), [toySolveTest], (tests, server, ext, root) =>
          runUiTests(browser, tests, server, ext, root),
        )),
      );
    }
  } finally {
    await browser.close().catch(() => undefined);
    rmSync(OUT, { recursive: true, force: true });
  }
  for (const o of outcomes) {
    console.log(`${o.ok ? 'ok  ' : 'FAIL'} ${o.title}`);
    if (!o.ok && o.error) console.log(o.error.replace(/^/gm, '      '));
  }
  const passed = outcomes.filter((o) => o.ok).length;
  const failed = outcomes.length - passed;
  if (failed === 0 && passed > 0) {
    // Keep screenshots; the VS Code profile, logs and test models only matter after a failure.
    rmSync(join(ARTIFACTS, 'scratch'), { recursive: true, force: true });
    rmSync(join(ARTIFACTS, 'scratch-packaged'), { recursive: true, force: true });
  } else {
    console.log(`artifacts (screenshots, browser console, VS Code logs): ${ARTIFACTS}`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
