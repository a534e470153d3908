/**
 * "SplitReason: Download Model": pick a catalog model, download it with progress, use it. A
 * safetensors checkpoint is then converted on this machine (in a child process) with its own
 * progress; cancelling keeps what was downloaded, so the next try only converts.
 */
import * as vscode from 'vscode';
import type { Catalog, HubEntry } from '../models/catalog';
import { ConvertCancelled, childProcessConverter } from '../models/convertProcess';
import { DownloadError } from '../models/download';
import { installModel, isInstalled } from '../models/install';
import { prefersGpu } from '../models/resolve';
import type { Log } from './log';
import { currentSettings, settingsConfig } from './settings';

const MB = 1024 * 1024;

export interface DownloadDeps {
  catalog(): Catalog;
  storageDir: string;
  log: Log;
  /** dist/convertChild.js: runs the checkpoint converter in a child process */
  convertScript: string;
}

/** Returns the installed folder, or undefined when nothing was installed. */
export async function downloadModelCommand(deps: DownloadDeps, arg?: unknown): Promise<string | undefined> {
  const hub = deps.catalog().models.filter((m): m is HubEntry => m.kind === 'hub');
  let entry = typeof arg === 'string' ? hub.find((m) => m.id === arg) : undefined;
  if (typeof arg === 'string' && !entry) {
    void vscode.window.showErrorMessage(`SplitReason: no downloadable model "${arg}" in the catalog (have: ${hub.map((m) => m.id).join(', ')})`);
    return undefined;
  }
  if (!entry) {
    const pick = await vscode.window.showQuickPick(
      hub.map((m) => ({
        label: m.title,
        description: `${m.id}${isInstalled(deps.storageDir, m.id) ? ' · installed' : ''}`,
        detail: `${m.repo}@${m.revision}${sizeOf(m)}${m.description ? ` — ${m.description}` : ''}`,
        entry: m,
      })),
      { title: 'SplitReason: Download Model', placeHolder: 'Choose a model to download', matchOnDetail: true },
    );
    if (!pick) return undefined;
    entry = pick.entry;
  }
  const chosen = entry;
  const { settings } = currentSettings();
  const hubUrl = settings.modelHubUrl;
  deps.log.info(`download: ${chosen.repo}@${chosen.revision} from ${hubUrl}`);
  try {
    const dir = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Downloading ${chosen.title}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        let shown = 0;
        let lastReport = 0;
        // a checkpoint's bar: downloading fills the first 60 %, converting the rest
        const checkpoint = chosen.format === 'safetensors';
        const downloadShare = checkpoint ? 60 : 100;
        try {
          return await installModel(chosen, {
            hubUrl,
            storageDir: deps.storageDir,
            signal: abort.signal,
            log: (m) => deps.log.info(`download: ${m}`),
            converter: childProcessConverter({ script: deps.convertScript, log: (m) => deps.log.info(`convert: ${m}`) }),
            gpu: prefersGpu(settings.device),
            onProgress: (p) => {
              const now = Date.now();
              if (now - lastReport < 200) return;
              lastReport = now;
              if (p.stage === 'convert' && p.convert) {
                const pct = downloadShare + (100 - downloadShare) * (p.convert.fraction ?? 0);
                progress.report({ message: `converting: ${p.convert.message}`, increment: Math.max(0, pct - shown) });
                shown = Math.max(shown, pct);
                return;
              }
              const pct = p.totalBytes ? Math.min(100, (100 * p.receivedBytes) / p.totalBytes) * (downloadShare / 100) : undefined;
              const speed = `${(p.bytesPerSecond / MB).toFixed(1)} MB/s`;
              const of = p.totalBytes ? ` of ${(p.totalBytes / MB).toFixed(1)} MB` : '';
              const percent = pct !== undefined ? `${pct.toFixed(0)} % · ` : '';
              const message = `${percent}${(p.receivedBytes / MB).toFixed(1)} MB${of} · ${speed} · file ${p.fileIndex + 1}/${p.fileCount} ${p.file}`;
              const increment = pct !== undefined ? Math.max(0, pct - shown) : undefined;
              if (pct !== undefined) shown = pct;
              progress.report({ message, increment });
            },
          });
        } finally {
          sub.dispose();
        }
      },
    );
    deps.log.info(`download: ${chosen.id} installed in ${dir}`);
    if (settings.smallModel !== chosen.id && chosen.role !== 'big') {
      // Not awaited: the command is done when the files are; the offer stays until answered.
      void vscode.window.showInformationMessage(`SplitReason: ${chosen.title} is installed.`, 'Use as Small Model').then(async (use) => {
        if (!use) return;
        const config = settingsConfig();
        await config.update('smallModel', chosen.id);
        if (chosen.policy) await config.update('policy', chosen.policy);
      });
    }
    return dir;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof DownloadError && e.kind === 'aborted') {
      deps.log.info(`download: ${message}`);
      void vscode.window.showInformationMessage('SplitReason: download cancelled; running it again resumes where it stopped.');
    } else if (e instanceof ConvertCancelled) {
      deps.log.info(`download: ${message}`);
      void vscode.window.showInformationMessage('SplitReason: conversion cancelled; the download is kept, so running it again only converts.');
    } else {
      deps.log.error(`download: ${message}`);
      void vscode.window.showErrorMessage(`SplitReason: download failed: ${message}`);
    }
    return undefined;
  }
}

function sizeOf(m: HubEntry): string {
  if (m.files.some((f) => f.size === null)) return '';
  return ` · ${(m.files.reduce((n, f) => n + (f.size ?? 0), 0) / MB).toFixed(0)} MB`;
}
