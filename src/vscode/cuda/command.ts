/**
 * SplitReason: Enable CUDA (NVIDIA): installs onnxruntime's CUDA provider for the bundled
 * onnxruntime-node (install.ts) with a cancellable progress notification, then says whether
 * this machine has what the provider needs (cudaRuntime.ts). The engine picks the folder up
 * on its next start (installedCuda below gives the folder to start it with) and falls back to the CPU when CUDA cannot load.
 */
import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { settingId } from '../../settings/settingId';
import type { Log } from '../log';
import { installCudaProvider, installedCudaDir } from './install';
import { DEFAULT_FEED } from './nuget';
import { currentLibrarySearch, missingRuntimeMessage } from './cudaRuntime';

export interface CudaCommandArgs {
  /** a NuGet v3 service index other than nuget.org's (a mirror; the tests' local feed) */
  feed?: string;
}

function ortPackage(extensionPath: string): { version: string; binDir: string } {
  const root = join(extensionPath, 'node_modules', 'onnxruntime-node');
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return { version, binDir: join(root, 'bin', 'napi-v6', process.platform, process.arch) };
}

/** The installed CUDA folder for this extension's onnxruntime-node, if any: the engine process loads onnxruntime from it. */
export function installedCuda(extensionPath: string, storageDir: string): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  return installedCudaDir(storageDir, ortPackage(extensionPath).version);
}

/** Returns the installed folder, or undefined when nothing was installed. */
export async function enableCudaCommand(extensionPath: string, storageDir: string, log: Log, arg?: unknown): Promise<string | undefined> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    const other = process.platform === 'win32' ? ` On Windows, DirectML (${settingId('device')} "dml") runs on NVIDIA GPUs without it.` : '';
    void vscode.window.showWarningMessage(
      `SplitReason: the CUDA provider is available for Linux x64 only; this is ${process.platform}-${process.arch}.${other}`,
    );
    return undefined;
  }
  const args: CudaCommandArgs = typeof arg === 'object' && arg !== null ? (arg as CudaCommandArgs) : {};
  const ort = ortPackage(extensionPath);
  try {
    const dir = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `SplitReason: CUDA provider for onnxruntime ${ort.version}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        let total: number | null = null;
        let have = 0;
        const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
        try {
          return await installCudaProvider({
            feed: args.feed ?? DEFAULT_FEED,
            ortVersion: ort.version,
            ortBinDir: ort.binDir,
            storageDir,
            signal: abort.signal,
            onStart: (i) => {
              total = i.total;
              have = i.resumedFrom;
              progress.report({ message: i.resumedFrom ? `resuming at ${mb(have)}` : 'downloading', increment: total ? (100 * have) / total : undefined });
            },
            onBytes: (n) => {
              have += n;
              progress.report({ message: total ? `${mb(have)} of ${mb(total)}` : mb(have), increment: total ? (100 * n) / total : undefined });
            },
            log: (m) => log.info(m),
          });
        } finally {
          sub.dispose();
        }
      },
    );
    const lacking = missingRuntimeMessage(currentLibrarySearch());
    if (lacking) {
      log.warn(`CUDA provider installed in ${dir}, but: ${lacking}`);
      void vscode.window.showWarningMessage(`SplitReason: the CUDA provider is installed. ${lacking}`);
    } else {
      log.info(`CUDA provider installed in ${dir}`);
      void vscode.window.showInformationMessage(
        `SplitReason: the CUDA provider is installed; the next model load runs on CUDA (${settingId('device')} "auto" or "cuda").`,
      );
    }
    return dir;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    log.error(`Enable CUDA: ${message}`);
    void vscode.window.showErrorMessage(`SplitReason: ${message}`);
    return undefined;
  }
}
