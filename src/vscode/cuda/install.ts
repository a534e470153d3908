/**
 * SplitReason: Enable CUDA, without 'vscode': fetches the CUDA provider package for the
 * installed onnxruntime-node (nuget.ts), resumable and checked (size, then SHA-512), and lays
 * out a folder in the extension's global storage that the engine process loads onnxruntime
 * from: a copy of the package's own libonnxruntime with the provider libraries beside it
 * (onnxruntime loads providers from its own folder; the engine process finds this copy
 * through LD_LIBRARY_PATH, src/engine/executionProviders.ts ortLibraryEnv). The extension's
 * own folder is never written: it may be read-only.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { downloadFile, DownloadError } from '../../models/download';
import { CUDA_FILES, CUDA_PACKAGE_ID, resolveCudaPackage } from './nuget';
import { extractEntries } from './zip';

/** The library the binding links (its RUNPATH is $ORIGIN; LD_LIBRARY_PATH comes first). */
export const ORT_LIBRARY = 'libonnxruntime.so.1';

export interface CudaInstallOptions {
  feed: string;
  /** onnxruntime-node's version: the package version to fetch */
  ortVersion: string;
  /** onnxruntime-node's bin/napi-v6/linux/x64 folder (source of libonnxruntime.so.1) */
  ortBinDir: string;
  /** the extension's global storage folder */
  storageDir: string;
  signal?: AbortSignal;
  onStart?: (info: { total: number | null; resumedFrom: number }) => void;
  onBytes?: (n: number) => void;
  log?: (message: string) => void;
}

/** The folder for this onnxruntime version (complete or not). */
export function cudaDir(storageDir: string, ortVersion: string): string {
  return join(storageDir, 'cuda', ortVersion);
}

/** The installed folder, or undefined when it is missing or incomplete. */
export function installedCudaDir(storageDir: string, ortVersion: string): string | undefined {
  const dir = cudaDir(storageDir, ortVersion);
  return [ORT_LIBRARY, ...Object.keys(CUDA_FILES)].every((f) => existsSync(join(dir, f))) ? dir : undefined;
}

async function sha512(file: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('base64');
}

export async function installCudaProvider(o: CudaInstallOptions): Promise<string> {
  const done = installedCudaDir(o.storageDir, o.ortVersion);
  if (done) return done;
  const pkg = await resolveCudaPackage(o.feed, o.ortVersion, o.signal);
  o.log?.(`CUDA provider: ${CUDA_PACKAGE_ID} ${o.ortVersion}, ${pkg.size} bytes, from ${pkg.url}`);
  const root = join(o.storageDir, 'cuda');
  const nupkg = join(root, `${CUDA_PACKAGE_ID.toLowerCase()}.${o.ortVersion}.nupkg`);
  try {
    await downloadFile(pkg.url, nupkg, { size: pkg.size, sha256: null }, { signal: o.signal, onStart: o.onStart, onBytes: o.onBytes, log: o.log });
  } catch (e) {
    if (e instanceof DownloadError && e.kind === 'http')
      throw new Error(`the CUDA provider package could not be downloaded: ${e.message.replace(/; check the model hub URL.*$/, '')}`);
    throw e;
  }
  const got = await sha512(nupkg);
  if (got !== pkg.sha512) {
    rmSync(nupkg, { force: true });
    throw new Error(
      `the downloaded ${CUDA_PACKAGE_ID} ${o.ortVersion} is corrupt (its SHA-512 is not the one the feed lists) and was deleted: ` +
        'run SplitReason: Enable CUDA again.',
    );
  }
  o.log?.(`CUDA provider: SHA-512 verified`);
  const staging = `${cudaDir(o.storageDir, o.ortVersion)}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    await extractEntries(nupkg, Object.fromEntries(Object.entries(CUDA_FILES).map(([file, inPackage]) => [inPackage, join(staging, file)])));
    copyFileSync(join(o.ortBinDir, ORT_LIBRARY), join(staging, ORT_LIBRARY));
    const dir = cudaDir(o.storageDir, o.ortVersion);
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
    rmSync(nupkg, { force: true });
    o.log?.(`CUDA provider: installed in ${dir}`);
    return dir;
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}
