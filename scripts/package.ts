/**
 * `npm run package [-- TARGET…]`: a production build, then one VSIX per platform (vsce
 * --target), each with only its own onnxruntime-node binaries (scripts/vsixTargets.ts), each
 * checked against what a VSIX may hold. Prints every VSIX's size. Output: out/vsix/.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkExtensionFiles, ignoreFileFor, TARGETS, zipEntries } from './vsixTargets';

const REPO = join(__dirname, '..');
const VSCE = join(REPO, 'node_modules/@vscode/vsce/vsce');
export const BUNDLED_MODELS = ['toy-small', 'toy-big'];

function run(what: string, cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd: REPO, encoding: 'utf8', timeout: 10 * 60_000 });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}, signal ${r.signal}):\n${r.stdout ?? ''}${r.stderr ?? ''}`);
}

/** Builds the production bundles once; call before packageTarget. */
export function buildProduction(): void {
  run('the production build', process.execPath, [join(REPO, 'scripts/build.mjs'), '--production']);
}

/** Packages one target into `outDir`, checks its contents, returns the VSIX path. */
export function packageTarget(target: string, outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
  const ignore = join(outDir, `vscodeignore-${target}`);
  writeFileSync(ignore, ignoreFileFor(target, readFileSync(join(REPO, '.vscodeignore'), 'utf8')));
  const vsix = join(outDir, `splitreason-${target}-${version}.vsix`);
  // README.md links to docs/ARCHITECTURE.md, outside the package: keep links as written.
  run(`vsce package --target ${target}`, process.execPath, [
    VSCE, 'package', '--target', target, '--ignoreFile', ignore, '--no-rewrite-relative-links', '--allow-missing-repository', '--out', vsix,
  ]);
  const files = zipEntries(vsix).filter((e) => e.startsWith('extension/')).map((e) => e.slice('extension/'.length));
  const { unexpected, missing } = checkExtensionFiles(target, files, BUNDLED_MODELS);
  if (unexpected.length || missing.length) {
    throw new Error(`${vsix}: unexpected in it: ${JSON.stringify(unexpected)}; missing from it: ${JSON.stringify(missing)}`);
  }
  return vsix;
}

if (require.main === module) {
  const asked = process.argv.slice(2);
  const targets = asked.length ? asked : Object.keys(TARGETS);
  for (const t of targets) if (!(t in TARGETS)) throw new Error(`unknown target ${t}: use one of ${Object.keys(TARGETS).join(', ')}`);
  buildProduction();
  const out = join(REPO, 'out/vsix');
  for (const t of targets) {
    const vsix = packageTarget(t, out);
    console.log(`${t.padEnd(13)} ${(statSync(vsix).size / 1e6).toFixed(1).padStart(6)} MB  ${vsix}`);
  }
}
