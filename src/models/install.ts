/**
 * Installs a hub catalog entry into `storageDir/{id}`: every file is downloaded into
 * `storageDir/.staging/{id}` (kept across interruptions so the next try resumes), then the
 * whole folder is renamed into place, so a model folder is either complete and verified
 * or absent. A `safetensors` entry is a Hugging Face checkpoint: its weights are found on the
 * hub (the index's shards, or model.safetensors), and once all are verified the converter turns
 * the staging folder into the model folder; the checkpoint is deleted only after that succeeds.
 * Pure (no 'vscode').
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hubFileUrl, type CatalogFile, type HubEntry } from './catalog';
import { downloadFile, DownloadError } from './download';
import { readJsonFile } from '../engine/jsonFile';

export interface InstallProgress {
  /** Downloading the files, or converting a downloaded checkpoint. */
  stage: 'download' | 'convert';
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
  /** While converting: the converter's own report. */
  convert?: ConvertStatus;
}

export interface ConvertStatus {
  /** 0…1, when the converter knows */
  fraction: number | null;
  /** one line for a progress bar, e.g. "tensor 120/339 · 1.2/3.5 GB · ETA 40 s" */
  message: string;
}

/** Converts a checkpoint folder into a model folder at `outDir` (which it creates); rejects on abort. */
export type CheckpointConverter = (
  hfDir: string,
  outDir: string,
  dtype: string,
  opts: { signal?: AbortSignal; onProgress?: (s: ConvertStatus) => void },
) => Promise<void>;

export interface InstallOptions {
  hubUrl: string;
  storageDir: string;
  signal?: AbortSignal;
  onProgress?: (p: InstallProgress) => void;
  log?: (message: string) => void;
  /** Needed for `safetensors` entries. */
  converter?: CheckpointConverter;
  /** Convert for a GPU provider (the entry's convert.gpu dtype) rather than the CPU. */
  gpu?: boolean;
}

export const MANIFEST = 'splitreason-download.json';
const INDEX = 'model.safetensors.index.json';

export function installedFolder(storageDir: string, id: string): string {
  return join(storageDir, id);
}

export function isInstalled(storageDir: string, id: string): boolean {
  return existsSync(join(installedFolder(storageDir, id), MANIFEST));
}

export async function installModel(entry: HubEntry, opts: InstallOptions): Promise<string> {
  const checkpoint = entry.format === 'safetensors';
  if (checkpoint && !opts.converter) throw new Error(`${entry.id} is a safetensors checkpoint and needs a converter`);
  const staging = join(opts.storageDir, '.staging', entry.id);
  mkdirSync(staging, { recursive: true });
  const files: CatalogFile[] = [...entry.files];
  const sizes: (number | null)[] = files.map((f) => f.size);
  const done = files.map(() => 0);
  const samples: { t: number; bytes: number }[] = [];
  let received = 0;
  const status = (index: number, convert?: ConvertStatus): InstallProgress => {
    const now = Date.now();
    samples.push({ t: now, bytes: received });
    while (samples.length > 2 && now - samples[0].t > 3000) samples.shift();
    const span = (now - samples[0].t) / 1000;
    return {
      stage: convert ? 'convert' : 'download',
      file: files[index].path,
      fileIndex: index,
      fileCount: files.length,
      fileReceivedBytes: done[index],
      receivedBytes: done.reduce((a, b) => a + b, 0),
      totalBytes: sizes.every((s) => s !== null) ? (sizes as number[]).reduce((a, b) => a + b, 0) : null,
      bytesPerSecond: span > 0 ? (received - samples[0].bytes) / span : 0,
      convert,
    };
  };
  const fetchFrom = async (first: number): Promise<void> => {
    for (let i = first; i < files.length; i++) {
      const file = files[i];
      const dest = join(staging, ...file.path.split('/'));
      if (existsSync(dest)) {
        // Verified on an earlier try (only checked files leave their .part name).
        done[i] = sizes[i] = statSync(dest).size;
        continue;
      }
      try {
        await downloadFile(hubFileUrl(opts.hubUrl, entry, file.path), dest, file, {
          signal: opts.signal,
          log: opts.log,
          onStart: ({ total, resumedFrom }) => {
            sizes[i] = total;
            done[i] = resumedFrom;
            opts.onProgress?.(status(i));
          },
          onBytes: (n) => {
            done[i] += n;
            received += n;
            opts.onProgress?.(status(i));
          },
        });
      } catch (e) {
        if (!(file.optional && e instanceof DownloadError && e.status === 404)) throw e;
        opts.log?.(`${file.path}: not in ${entry.repo}; skipped (optional)`);
        sizes[i] = done[i] = 0;
      }
    }
  };
  await fetchFrom(0);
  if (checkpoint) {
    // The weights: the shards the index names, else one model.safetensors.
    files.push({ path: INDEX, size: null, sha256: null, optional: true });
    sizes.push(null);
    done.push(0);
    await fetchFrom(files.length - 1);
    const weights = existsSync(join(staging, INDEX)) ? shardsOf(join(staging, INDEX)) : ['model.safetensors'];
    const first = files.length;
    for (const path of weights) {
      files.push({ path, size: null, sha256: null });
      sizes.push(null);
      done.push(0);
    }
    await fetchFrom(first);
  }
  const target = installedFolder(opts.storageDir, entry.id);
  let ready = staging;
  let dtype: string | undefined;
  if (checkpoint) {
    dtype = opts.gpu ? entry.convert!.gpu : entry.convert!.cpu;
    ready = join(opts.storageDir, '.staging', `${entry.id}.${dtype}`);
    rmSync(ready, { recursive: true, force: true });
    opts.log?.(`converting ${entry.repo} to ${dtype}`);
    const last = files.length - 1;
    opts.onProgress?.(status(last, { fraction: 0, message: `converting to ${dtype}` }));
    try {
      await opts.converter!(staging, ready, dtype, { signal: opts.signal, onProgress: (s) => opts.onProgress?.(status(last, s)) });
    } catch (e) {
      rmSync(ready, { recursive: true, force: true });
      throw e;
    }
  }
  writeFileSync(
    join(ready, MANIFEST),
    JSON.stringify(
      {
        id: entry.id,
        repo: entry.repo,
        revision: entry.revision,
        hubUrl: opts.hubUrl,
        files,
        ...(dtype ? { convertedTo: dtype } : {}),
        installed: new Date().toISOString(),
      },
      null,
      2,
    ),
  );
  const old = `${target}.old-${Date.now()}`;
  if (existsSync(target)) renameSync(target, old);
  renameSync(ready, target);
  rmSync(old, { recursive: true, force: true });
  // The converted folder is in place: the checkpoint is no longer needed.
  if (checkpoint) rmSync(staging, { recursive: true, force: true });
  opts.log?.(`installed ${entry.repo}@${entry.revision} as ${target}`);
  return target;
}

/** The shard files an index names, checked to be plain names beside it. */
function shardsOf(indexFile: string): string[] {
  const map = (readJsonFile(indexFile) as { weight_map?: unknown } | null)?.weight_map;
  if (typeof map !== 'object' || map === null) throw new Error(`${indexFile}: no "weight_map"; the checkpoint's index is damaged`);
  const shards = [...new Set(Object.values(map))];
  for (const s of shards) {
    if (typeof s !== 'string' || !/^[\w.-]+\.safetensors$/.test(s))
      throw new Error(`${indexFile}: shard name ${JSON.stringify(s)} is not a .safetensors file beside the index`);
  }
  return shards as string[];
}
