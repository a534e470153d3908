/**
 * Compiles the in-host mocha suites and the echo language-model fixture with esbuild, for
 * both runners (run.ts: code-server; electron.ts: @vscode/test-electron).
 */
import { build, type BuildOptions } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './codeServer';

const SUITE_DIR = join(REPO, 'test/vscode/suite');
const LM_ECHO_SRC = join(REPO, 'test/vscode/fixtures/lm-echo');
export const LM_ECHO_ID = 'splitreason-test.lm-echo';

// a suite imports a trace fixture (test/fixtures/traces/*.jsonl) as text: the host may run from a VSIX, away from the repository
const node: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  external: ['vscode'],
  loader: { '.jsonl': 'text' },
};

/** Returns the runner (extensionTestsPath) and the echo model's extension folder. */
export async function compileTests(out: string): Promise<{ indexJs: string; lmEcho: string }> {
  rmSync(out, { recursive: true, force: true });
  const lmEcho = join(out, 'lm-echo');
  mkdirSync(lmEcho, { recursive: true });
  copyFileSync(join(LM_ECHO_SRC, 'package.json'), join(lmEcho, 'package.json'));
  await build({ ...node, entryPoints: [join(LM_ECHO_SRC, 'extension.ts')], outfile: join(lmEcho, 'extension.js') });
  const entries = readdirSync(SUITE_DIR).filter((f) => f === 'index.ts' || f.endsWith('.suite.ts'));
  await build({
    ...node,
    entryPoints: entries.map((f) => join(SUITE_DIR, f)),
    outdir: out,
    sourcemap: 'inline',
    plugins: [
      {
        // mocha 12's entry is ESM; its CommonJS build must be the one instance that the
        // runner and every suite share, so it stays outside the bundles.
        name: 'mocha-cjs',
        setup(b) {
          b.onResolve({ filter: /^mocha$/ }, () => ({ path: 'mocha/lib/mocha.cjs', external: true }));
        },
      },
    ],
  });
  return { indexJs: join(out, 'index.js'), lmEcho };
}
