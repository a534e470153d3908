/**
 * Downloads one file over HTTP(S) into `dest`, resumable and verified. Pure Node (no
 * 'vscode'): the model manager drives it and test/vscode/download.test.ts runs it against a
 * real local HTTP server.
 *
 * Bytes go to `dest + '.part'` and survive interruption: the next attempt (in this call,
 * or a later one) asks for the rest with an HTTP Range request. The finished file is
 * checked against the expected size and SHA-256 and only then renamed to `dest`; a file
 * that fails the check is deleted, never used.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { settingId } from '../settings/settingId';

export interface ExpectedFile {
  /** Bytes; null: take the size the server reports (the hub's x-linked-size, or Content-Length). */
  size: number | null;
  /** Lower-case hex; null: take the hub's x-linked-etag when it is a SHA-256 (LFS files), else size only. */
  sha256: string | null;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  /** Called with each chunk's length as it is written (for progress and speed). */
  onBytes?: (n: number) => void;
  /** Told the file's full size once it is known, and how much was already on disk. */
  onStart?: (info: { total: number | null; resumedFrom: number }) => void;
  /** Attempts per file when the connection breaks (each resumes where the last stopped). */
  attempts?: number;
  /** Notes for the log (resumes, retries, what was verified). */
  log?: (message: string) => void;
}

export class DownloadError extends Error {
  override readonly name = 'DownloadError';
  constructor(
    message: string,
    readonly kind: 'http' | 'connection' | 'size' | 'sha256' | 'aborted',
    /** the HTTP status when the server answered with an error */
    readonly status?: number,
  ) {
    super(message);
  }
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The hub's LFS headers carry the file's SHA-256 and size (also on the redirect). */
function hubChecks(headers: Headers): { size: number | null; sha256: string | null } {
  const etag = (headers.get('x-linked-etag') ?? '').replace(/^W\//, '').replace(/"/g, '').toLowerCase();
  const size = Number(headers.get('x-linked-size'));
  return { size: Number.isSafeInteger(size) && size >= 0 && headers.has('x-linked-size') ? size : null, sha256: SHA256_HEX.test(etag) ? etag : null };
}

async function hashFile(file: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
}

export async function downloadFile(url: string, dest: string, expected: ExpectedFile, opts: DownloadOptions = {}): Promise<void> {
  const attempts = opts.attempts ?? 5;
  const part = `${dest}.part`;
  mkdirSync(dirname(dest), { recursive: true });
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      await attemptOnce(url, dest, part, expected, opts);
      return;
    } catch (e) {
      lastError = e;
      const retryable = e instanceof DownloadError ? e.kind === 'connection' : !opts.signal?.aborted;
      if (opts.signal?.aborted)
        throw new DownloadError(
          `download of ${url} cancelled; ${existsSync(part) ? 'what arrived is kept and the next download resumes from it' : 'nothing was kept'}`,
          'aborted',
        );
      if (!retryable || attempt === attempts) break;
      const have = existsSync(part) ? statSync(part).size : 0;
      opts.log?.(`connection to ${url} broke (${(e as Error).message}); resuming at byte ${have} (attempt ${attempt + 1} of ${attempts})`);
      await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** (attempt - 1), 3000)));
    }
  }
  throw lastError instanceof DownloadError
    ? lastError
    : new DownloadError(`download of ${url} failed: ${(lastError as Error)?.message ?? lastError}`, 'connection');
}

async function attemptOnce(url: string, dest: string, part: string, expected: ExpectedFile, opts: DownloadOptions): Promise<void> {
  let start = existsSync(part) ? statSync(part).size : 0;
  if (expected.size !== null && start > expected.size) {
    opts.log?.(`${part} is larger than the expected ${expected.size} bytes; starting over`);
    rmSync(part);
    start = 0;
  }
  const headers: Record<string, string> = {};
  if (start > 0) headers.Range = `bytes=${start}-`;
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: opts.signal, redirect: 'follow' });
  } catch (e) {
    throw new DownloadError(`cannot reach ${url}: ${causeOf(e)}`, 'connection');
  }
  const hub = hubChecks(res.headers);
  let size = expected.size ?? hub.size;
  const sha256 = expected.sha256 ?? hub.sha256;
  if (res.status === 416 && start > 0) {
    // Nothing after `start`: the part file is already whole (or wrong); the checks decide.
    await res.body?.cancel();
    opts.onStart?.({ total: size ?? start, resumedFrom: start });
    return finish(url, dest, part, size ?? start, sha256, undefined, opts);
  }
  if (res.status !== 200 && res.status !== 206) {
    await res.body?.cancel();
    throw new DownloadError(
      `${url} answered HTTP ${res.status} ${res.statusText}; check the model hub URL setting (${settingId('modelHubUrl')}) and the catalog entry`,
      res.status >= 500 ? 'connection' : 'http',
      res.status,
    );
  }
  if (res.status === 206) {
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
    if (!range || Number(range[1]) !== start) {
      await res.body?.cancel();
      throw new DownloadError(`${url} answered a Range request for byte ${start} with Content-Range "${res.headers.get('content-range')}"`, 'http');
    }
    if (size === null && range[3] !== '*') size = Number(range[3]);
  } else {
    if (start > 0) opts.log?.(`${url} ignores Range requests; downloading from the start`);
    start = 0;
    const length = Number(res.headers.get('content-length'));
    if (size === null && res.headers.has('content-length') && Number.isSafeInteger(length)) size = length;
  }
  if (start > 0) opts.log?.(`resuming ${url} at byte ${start}`);
  opts.onStart?.({ total: size, resumedFrom: start });
  const hash = createHash('sha256');
  if (start > 0) await hashFile(part, hash);
  if (!res.body) throw new DownloadError(`${url} sent no body`, 'connection');
  const out = createWriteStream(part, { flags: start > 0 ? 'a' : 'w' });
  const closed = new Promise<void>((ok, fail) => {
    out.once('close', ok);
    out.once('error', fail);
  });
  let written = start;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      written += chunk.length;
      if (size !== null && written > size) throw new DownloadError(`${url} sent more than the expected ${size} bytes`, 'size');
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', r));
      opts.onBytes?.(chunk.length);
    }
  } catch (e) {
    out.end();
    await closed.catch(() => undefined);
    if (e instanceof DownloadError) {
      rmSync(part, { force: true });
      throw e;
    }
    if (opts.signal?.aborted) throw e;
    throw new DownloadError(`connection to ${url} broke after ${written} bytes: ${causeOf(e)}`, 'connection');
  }
  out.end();
  await closed;
  return finish(url, dest, part, size, sha256, hash, opts);
}

async function finish(
  url: string,
  dest: string,
  part: string,
  size: number | null,
  sha256: string | null,
  hash: Hash | undefined,
  opts: DownloadOptions,
): Promise<void> {
  const have = statSync(part).size;
  if (size !== null && have !== size) {
    if (have < size) throw new DownloadError(`connection to ${url} ended after ${have} of ${size} bytes`, 'connection');
    rmSync(part, { force: true });
    throw new DownloadError(`${url}: got ${have} bytes, expected ${size}; the file was deleted`, 'size');
  }
  if (sha256 !== null) {
    if (!hash) {
      hash = createHash('sha256');
      await hashFile(part, hash);
    }
    const got = hash.digest('hex');
    if (got !== sha256) {
      rmSync(part, { force: true });
      throw new DownloadError(
        `${url}: SHA-256 is ${got}, expected ${sha256}; the file is corrupt or not the one the catalog lists, and was deleted. ` +
          `Download again, or check ${settingId('modelHubUrl')} if you use a mirror.`,
        'sha256',
      );
    }
    opts.log?.(`${url}: ${have} bytes, SHA-256 verified`);
  } else {
    opts.log?.(`${url}: ${have} bytes; no SHA-256 known (the catalog and the server gave none), size checked only`);
  }
  renameSync(part, dest);
}

function causeOf(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? `${e.message} (${cause.message})` : e.message;
}
