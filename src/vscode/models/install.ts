/**
 * Installs a hub catalog entry into `storageDir/{id}`: every file is downloaded into
 * `storageDir/.staging/{id}` (kept across interruptions so the next try resumes), then the
 * whole folder is renamed into place, so a model folder is either complete and verified
 * or absent. Pure (no 'vscode').
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hubFileUrl, type HubEntry } from './catalog';
import { downloadFile } from './download';

export interface InstallProgress {
  file: string;
  fileIndex: number;
  fileCount: number;
  /** Bytes on disk of the current file (resumed bytes included). */
  fileReceivedBytes: number;
  /** Bytes on disk for the whole model (resumed bytes included). */
  receivedBytes: number;
  /** Sum of the known sizes; null while some size is unknown. */
  totalBytes: number | null;
  /** Over the last few seconds. */
  bytesPerSecond: number;
}

export interface InstallOptions {
  hubUrl: string;
  storageDir: string;
  signal?: AbortSignal;
  onProgress?: (p: InstallProgress) => void;
  log?: (message: string) => void;
}

export const MANIFEST = 'splitreason-download.json';

export function installedFolder(storageDir: string, id: string): string {
  return join(storageDir, id);
}

export function isInstalled(storageDir: string, id: string): boolean {
  return existsSync(join(installedFolder(storageDir, id), MANIFEST));
}

export async function installModel(entry: HubEntry, opts: InstallOptions): Promise<string> {
  const staging = join(opts.storageDir, '.staging', entry.id);
  mkdirSync(staging, { recursive: true });
  const sizes = entry.files.map((f) => f.size);
  const done = entry.files.map(() => 0);
  const samples: { t: number; bytes: number }[] = [];
  let received = 0;
  const report = (index: number): void => {
    const now = Date.now();
    samples.push({ t: now, bytes: received });
    while (samples.length > 2 && now - samples[0].t > 3000) samples.shift();
    const span = (now - samples[0].t) / 1000;
    opts.onProgress?.({
      file: entry.files[index].path,
      fileIndex: index,
      fileCount: entry.files.length,
      fileReceivedBytes: done[index],
      receivedBytes: done.reduce((a, b) => a + b, 0),
      totalBytes: sizes.every((s) => s !== null) ? (sizes as number[]).reduce((a, b) => a + b, 0) : null,
      bytesPerSecond: span > 0 ? (received - samples[0].bytes) / span : 0,
    });
  };
  for (const [i, file] of entry.files.entries()) {
    const dest = join(staging, ...file.path.split('/'));
    if (existsSync(dest)) {
      // Verified on an earlier try (only checked files leave their .part name).
      done[i] = file.size ?? 0;
      continue;
    }
    await downloadFile(hubFileUrl(opts.hubUrl, entry, file.path), dest, file, {
      signal: opts.signal,
      log: opts.log,
      onStart: ({ total, resumedFrom }) => {
        sizes[i] = total;
        done[i] = resumedFrom;
        report(i);
      },
      onBytes: (n) => {
        done[i] += n;
        received += n;
        report(i);
      },
    });
  }
  writeFileSync(
    join(staging, MANIFEST),
    JSON.stringify({ id: entry.id, repo: entry.repo, revision: entry.revision, hubUrl: opts.hubUrl, files: entry.files, installed: new Date().toISOString() }, null, 2),
  );
  const target = installedFolder(opts.storageDir, entry.id);
  const old = `${target}.old-${Date.now()}`;
  if (existsSync(target)) renameSync(target, old);
  renameSync(staging, target);
  rmSync(old, { recursive: true, force: true });
  opts.log?.(`installed ${entry.repo}@${entry.revision} as ${target}`);
  return target;
}
