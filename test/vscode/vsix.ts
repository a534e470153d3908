/**
 * The packaged extension, as a user gets it: this platform's VSIX (`npm run package`) and then
 * `code-server --install-extension` into a fresh extensions folder. That folder lies outside
 * the repository, so that Node's module lookup from the installed extension can never fall
 * back to the repository's node_modules: what the VSIX lacks is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { CODE_SERVER_BIN, REPO } from './codeServer';
import { buildProduction, packageTarget } from '../../scripts/package';
import { checkExtensionFiles, hostTarget } from '../../scripts/vsixTargets';

function run(what: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { cwd: REPO, encoding: 'utf8', env, timeout: 5 * 60_000 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}, signal ${r.signal}):\n${out}`);
  return out;
}

/** The platform VSIX of this machine (`npm run package`'s own code) into `out`; returns its path. */
export function packageVsix(out: string): string {
  const target = hostTarget();
  if (!target) throw new Error(`no platform VSIX is built for ${process.platform}-${process.arch}`);
  buildProduction();
  try {
    return packageTarget(target, out);
  } finally {
    // the other phases and later runs use the development bundles (with source maps)
    run('npm run build', process.execPath, [join(REPO, 'scripts/build.mjs')]);
  }
}

/** Installs the VSIX with code-server's own CLI; returns the installed extension's folder. */
export function installVsix(vsix: string, scratch: string, extensionsDir: string): string {
  for (let d = dirname(extensionsDir); d !== dirname(d); d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) throw new Error(`${join(d, 'node_modules')} would hide what the VSIX lacks; install somewhere else`);
  }
  const env = {
    ...process.env,
    TMPDIR: join(scratch, 'tmp'),
    XDG_CONFIG_HOME: join(scratch, 'config'),
    XDG_DATA_HOME: join(scratch, 'data'),
    XDG_CACHE_HOME: join(scratch, 'cache'),
  };
  for (const d of [env.TMPDIR, env.XDG_CONFIG_HOME, env.XDG_DATA_HOME, env.XDG_CACHE_HOME]) mkdirSync(d, { recursive: true });
  const out = run(
    'code-server --install-extension',
    CODE_SERVER_BIN,
    ['--extensions-dir', extensionsDir, '--user-data-dir', join(scratch, 'user-data'), '--install-extension', vsix],
    env,
  );
  // VS Code names a platform-specific extension's folder publisher.name-version-target.
  const folder = readdirSync(extensionsDir).find((d) => d.startsWith('splitreason.splitreason-'));
  if (!folder || !existsSync(join(extensionsDir, folder, 'package.json'))) throw new Error(`the VSIX did not install into ${extensionsDir}:\n${out}`);
  return join(extensionsDir, folder);
}

function files(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p, base) : [relative(base, p).split(sep).join('/')];
  });
}

/**
 * The installed extension against what its platform VSIX may hold (scripts/vsixTargets.ts),
 * plus the .vsixmanifest that code-server writes. Returns the files that match none, and the
 * required files that are missing.
 */
export function checkInstalledFiles(extensionDir: string, requiredModels: string[]): { unexpected: string[]; missing: string[] } {
  const target = hostTarget();
  if (!target) throw new Error(`no platform VSIX is built for ${process.platform}-${process.arch}`);
  return checkExtensionFiles(
    target,
    files(extensionDir).filter((f) => f !== '.vsixmanifest'),
    requiredModels,
  );
}
