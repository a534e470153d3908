/**
 * Turns a model setting ("toy", a catalog id, or a folder) into a model folder and the
 * dtype to load. Pure (no 'vscode'); errors say what was wrong and what to do.
 */
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { Device, Dtype } from '../engine/types';
import type { Catalog, CatalogEntry, HubEntry } from './catalog';
import { installedFolder, isInstalled } from './install';

export interface ResolvedModel {
  dir: string;
  /** Short name for the status bar and traces. */
  label: string;
  dtype: Dtype;
  entry?: CatalogEntry;
}

export interface ResolveContext {
  extensionPath: string;
  storageDir: string;
  catalog: Catalog;
}

/** The catalog entry is known but its files are not on this machine yet. */
export class ModelNotDownloadedError extends Error {
  override readonly name = 'ModelNotDownloadedError';
  constructor(readonly entry: HubEntry) {
    super(`model "${entry.id}" (${entry.repo}) is not downloaded yet: run "SplitReason: Download Model"`);
  }
}

/**
 * Whether a model converted here should target a GPU (q4f16) rather than the CPU (q4): only when
 * the device setting names a GPU provider; 'auto' may end on the CPU, where q4 is the fast one.
 */
export function prefersGpu(device: Device): boolean {
  return device !== 'auto' && device !== 'cpu';
}

const AUTO_ORDER: Dtype[] = ['fp32', 'q4f16', 'q4', 'fp16', 'int8', 'uint8', 'quantized', 'bnb4'];

function onnxFor(dir: string, dtype: Dtype): string {
  return join(dir, 'onnx', dtype === 'fp32' ? 'model.onnx' : `model_${dtype}.onnx`);
}

export function pickDtype(dir: string, setting: Dtype | 'auto', entry?: CatalogEntry): Dtype {
  if (setting !== 'auto') return setting;
  const preferred = entry?.dtype as Dtype | undefined;
  if (preferred && existsSync(onnxFor(dir, preferred))) return preferred;
  // Nothing found: fp32, and the engine's own error lists the files the folder has.
  return AUTO_ORDER.find((d) => existsSync(onnxFor(dir, d))) ?? 'fp32';
}

/** What the status bar calls a model setting before it is resolved: a folder by its last part. */
export function settingLabel(setting: string): string {
  if (setting === 'toy') return 'toy-small';
  return setting.split(/[\\/]/).filter(Boolean).pop() ?? setting;
}

export function resolveModel(setting: string, dtype: Dtype | 'auto', ctx: ResolveContext, role: 'small' | 'big'): ResolvedModel {
  const id = setting === 'toy' ? (role === 'small' ? 'toy-small' : 'toy-big') : setting;
  const entry = ctx.catalog.models.find((m) => m.id === id);
  if (entry) {
    let dir: string;
    if (entry.kind === 'bundled') {
      dir = join(ctx.extensionPath, ...entry.folder.split('/'));
      if (!existsSync(dir))
        throw new Error(`the bundled model "${entry.id}" is missing from the extension (${dir}); reinstall SplitReason or choose another model`);
    } else {
      if (!isInstalled(ctx.storageDir, entry.id)) throw new ModelNotDownloadedError(entry);
      dir = installedFolder(ctx.storageDir, entry.id);
    }
    return { dir, label: entry.id, dtype: pickDtype(dir, dtype, entry), entry };
  }
  const expanded = setting.startsWith('~/') ? join(homedir(), setting.slice(2)) : setting;
  if (isAbsolute(expanded)) {
    if (!existsSync(expanded) || !statSync(expanded).isDirectory()) {
      throw new Error(`model folder ${expanded} does not exist; set a folder with config.json, tokenizer.json and onnx/model*.onnx`);
    }
    return { dir: expanded, label: settingLabel(expanded), dtype: pickDtype(expanded, dtype) };
  }
  const ids = ctx.catalog.models.filter((m) => m.role === role || m.role === 'any').map((m) => m.id);
  throw new Error(`"${setting}" is not "toy", a catalog model (${ids.join(', ')}) or an absolute folder path`);
}
