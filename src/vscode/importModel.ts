/**
 * "SplitReason: Import Hugging Face Model…": pick a checkpoint folder (config.json, safetensors,
 * tokenizer.json), choose a dtype, convert it with a cancellable progress notification, and use
 * the result as the small or the large model. The conversion runs in a child process
 * (models/convertProcess.ts): it is minutes of CPU work that must not block the extension host.
 */
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CONVERT_DTYPES, type ConvertDtype } from '../convert/dtypes';
import { ConvertCancelled, childProcessConverter } from '../models/convertProcess';
import { prefersGpu } from '../models/resolve';
import { settingId } from '../settings/settingId';
import type { Log } from './log';
import { currentSettings, settingsConfig } from './settings';

export interface ImportDeps {
  /** converted models go to storageDir/imported/<name>-<dtype> */
  storageDir: string;
  convertScript: string;
  log: Log;
}

/** Everything the dialogs ask, for scripted use (and tests). */
export interface ImportArgs {
  folder?: string;
  dtype?: ConvertDtype;
  role?: 'small' | 'big';
}

const DTYPE_DETAIL: Record<ConvertDtype, string> = {
  q4: 'int4 weights, float32 activations: the fast choice on a CPU (about a third of bf16 on disk)',
  q4f16: 'int4 weights, float16 activations: for GPU providers (WebGPU, CUDA, DirectML, CoreML)',
  fp16: 'float16 weights: GPUs, when int4 costs too much accuracy',
  fp32: 'float32 weights: exact, twice the size of the bf16 checkpoint',
};

/** Returns the converted model folder, or undefined when nothing was imported. */
export async function importModelCommand(deps: ImportDeps, arg?: unknown): Promise<string | undefined> {
  const args: ImportArgs = typeof arg === 'object' && arg !== null ? (arg as ImportArgs) : {};
  const { settings } = currentSettings();
  let folder = args.folder;
  if (!folder) {
    const picked = await vscode.window.showOpenDialog({
      title: 'Import Hugging Face Model: the checkpoint folder (config.json, *.safetensors, tokenizer.json)',
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      openLabel: 'Import',
    });
    folder = picked?.[0]?.fsPath;
    if (!folder) return undefined;
  }
  if (!existsSync(join(folder, 'config.json'))) {
    void vscode.window.showErrorMessage(
      `SplitReason: ${folder} has no config.json; choose a Hugging Face checkpoint folder (config.json, *.safetensors, tokenizer.json).`,
    );
    return undefined;
  }
  const preferred: ConvertDtype = prefersGpu(settings.device) ? 'q4f16' : 'q4';
  let dtype = args.dtype;
  if (!dtype) {
    const pick = await vscode.window.showQuickPick(
      [preferred, ...CONVERT_DTYPES.filter((d) => d !== preferred)].map((d) => ({
        label: d,
        description: d === preferred ? 'recommended for this device setting' : undefined,
        detail: DTYPE_DETAIL[d],
        dtype: d,
      })),
      { title: 'Import Hugging Face Model: convert to', placeHolder: `Weights format (${preferred} suits ${settingId('device')} "${settings.device}")` },
    );
    if (!pick) return undefined;
    dtype = pick.dtype;
  }
  let role = args.role;
  if (!role) {
    const pick = await vscode.window.showQuickPick(
      [
        { label: 'Small model', detail: `The local reasoner (${settingId('smallModel')})`, role: 'small' as const },
        { label: 'Large model', detail: `Writes the offloaded steps, locally (${settingId('largeModel.provider')} "local")`, role: 'big' as const },
      ],
      { title: 'Import Hugging Face Model: use it as' },
    );
    if (!pick) return undefined;
    role = pick.role;
  }
  const outDir = freeFolder(join(deps.storageDir, 'imported', `${basename(folder)}-${dtype}`));
  const chosen = { folder, dtype, role };
  deps.log.info(`import: converting ${folder} to ${dtype} into ${outDir}`);
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Converting ${basename(folder)} to ${dtype}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        let shown = 0;
        try {
          await childProcessConverter({ script: deps.convertScript, log: (m) => deps.log.info(`import: ${m}`) })(chosen.folder, outDir, chosen.dtype, {
            signal: abort.signal,
            onProgress: (s) => {
              const pct = 100 * (s.fraction ?? 0);
              progress.report({ message: s.message, increment: Math.max(0, pct - shown) });
              shown = Math.max(shown, pct);
            },
          });
        } finally {
          sub.dispose();
        }
      },
    );
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof ConvertCancelled) {
      deps.log.info(`import: ${message}`);
      void vscode.window.showInformationMessage('SplitReason: import cancelled; nothing was written.');
    } else {
      deps.log.error(`import: ${message}`);
      void vscode.window.showErrorMessage(`SplitReason: import failed: ${message}`);
    }
    return undefined;
  }
  const config = settingsConfig();
  if (role === 'small') {
    await config.update('smallModel', outDir);
  } else {
    await config.update('largeModel.provider', 'local');
    await config.update('largeModel.model', outDir);
  }
  deps.log.info(`import: ${outDir} is now the ${role === 'small' ? 'small' : 'large'} model`);
  void vscode.window.showInformationMessage(
    `SplitReason: ${basename(folder)} (${dtype}) is imported and set as the ${role === 'small' ? 'small' : 'large'} model.`,
  );
  return outDir;
}

/** `dir`, or `dir-2`, `dir-3`, …: the converter never overwrites, and neither do we. */
function freeFolder(dir: string): string {
  let candidate = dir;
  for (let i = 2; existsSync(candidate); i++) candidate = `${dir}-${i}`;
  return candidate;
}
