/**
 * Starts the VS Code that the code-server npm package carries (scripts/install-code-server.sh)
 * on 127.0.0.1 with scratch user/extension/XDG folders, in a process group of its own so
 * that stop() also ends the file watcher and extension hosts it forks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync, createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '../..');
export const CODE_SERVER_BIN = join(REPO, '.cache/code-server/node_modules/.bin/code-server');

export interface CodeServer {
  port: number;
  url: string;
  scratch: string;
  workspace: string;
  extensionsDir: string;
  /** http://127.0.0.1:PORT/?folder=… plus an optional extension development/test payload. */
  pageUrl(payload?: { extensionDevelopmentPath: string | string[]; extensionTestsPath?: string }): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (typeof addr === 'object' && addr ? ok(addr.port) : fail(new Error('no port'))));
    });
  });
}

async function waitHealthy(url: string, child: ChildProcess, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with code ${child.exitCode} before it answered`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer ${url}/healthz in time`);
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Extension folders to install before start (copied as {publisher}.{name}-{version}). */
  extensions?: string[];
  /** Use this extensions folder (e.g. one a VSIX was installed into) instead of a scratch one. */
  extensionsDir?: string;
  /** Extension ids allowed to use proposed API. */
  enableProposedApi?: string[];
}

export async function startCodeServer(scratch: string, opts: StartOptions = {}): Promise<CodeServer> {
  if (!existsSync(CODE_SERVER_BIN)) {
    throw new Error(`code-server is not installed at ${CODE_SERVER_BIN}; run: bash scripts/install-code-server.sh`);
  }
  const dirs = Object.fromEntries(['tmp', 'config', 'data', 'cache', 'user-data', 'extensions', 'workspace'].map((d) => [d, join(scratch, d)]));
  if (opts.extensionsDir) dirs.extensions = opts.extensionsDir;
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  mkdirSync(join(dirs['user-data'], 'User'), { recursive: true });
  // Quiet, deterministic workbench: no welcome page, no trust prompt, no update checks.
  writeFileSync(
    join(dirs['user-data'], 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'security.workspace.trust.enabled': false,
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'update.mode': 'none',
        'telemetry.telemetryLevel': 'off',
        'workbench.enableExperiments': false,
        'chat.commandCenter.enabled': false,
        'git.enabled': false,
        'git.openRepositoryInParentFolders': 'never',
      },
      null,
      2,
    ),
  );
  for (const dir of opts.extensions ?? []) {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
    cpSync(dir, join(dirs.extensions, `${pkg.publisher}.${pkg.name}-${pkg.version}`), { recursive: true });
  }
  const port = await freePort();
  const log = createWriteStream(join(scratch, 'code-server.log'));
  const child = spawn(
    CODE_SERVER_BIN,
    [
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--user-data-dir',
      dirs['user-data'],
      '--extensions-dir',
      dirs.extensions,
      ...(opts.enableProposedApi ?? []).flatMap((id) => ['--enable-proposed-api', id]),
      dirs.workspace,
    ],
    {
      cwd: REPO,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        TMPDIR: dirs.tmp,
        XDG_CONFIG_HOME: dirs.config,
        XDG_DATA_HOME: dirs.data,
        XDG_CACHE_HOME: dirs.cache,
        ...opts.env,
      },
    },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.pid === undefined) return;
    const kill = (sig: NodeJS.Signals): void => {
      try {
        process.kill(-child.pid!, sig);
      } catch {
        // the group is gone already
      }
    };
    kill('SIGTERM');
    const exited = new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    // Forked extension hosts and watchers outlive their parent's SIGTERM: end the whole group.
    kill('SIGKILL');
    log.end();
  };
  try {
    await waitHealthy(url, child, Date.now() + 60_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    port,
    url,
    scratch,
    workspace: dirs.workspace,
    extensionsDir: dirs.extensions,
    pageUrl(payload) {
      let q = `?folder=${encodeURIComponent(dirs.workspace)}`;
      if (payload) {
        const remote = (p: string): string => `vscode-remote://127.0.0.1:${port}${p}`;
        const pairs: [string, string][] = [payload.extensionDevelopmentPath].flat().map((p) => ['extensionDevelopmentPath', remote(p)]);
        if (payload.extensionTestsPath) pairs.push(['extensionTestsPath', remote(payload.extensionTestsPath)]);
        q += `&payload=${encodeURIComponent(JSON.stringify(pairs))}`;
      }
      return `${url}/${q}`;
    },
    stop,
  };
}
