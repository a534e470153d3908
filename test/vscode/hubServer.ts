/**
 * A model hub on 127.0.0.1 for the downloader tests: serves a folder at
 * /{repo}/resolve/{revision}/{path} over real sockets, with HTTP Range support and
 * injectable faults (connection cut mid-file, a flipped byte, Range ignored).
 */
import { createServer, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

export interface FileFault {
  /** Close the socket after this many body bytes, for the first `times` requests (default 1). */
  cutAfter?: number;
  times?: number;
  /** Requests cut so far (set by the server). */
  cuts?: number;
  /** Serve the file with the byte at this offset flipped. */
  corruptAt?: number;
  /** Answer 200 with the whole file even to Range requests. */
  ignoreRange?: boolean;
}

export interface HubServer {
  url: string;
  requests: { path: string; range?: string; status: number }[];
  faults: Map<string, FileFault>;
  /** Send x-linked-etag/x-linked-size like the Hugging Face hub does for LFS files. */
  linkedHeaders: boolean;
  close(): Promise<void>;
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function startHubServer(repo: string, revision: string, folder: string): Promise<HubServer> {
  const prefix = `/${repo}/resolve/${revision}/`;
  const state: Omit<HubServer, 'url' | 'close'> = { requests: [], faults: new Map(), linkedHeaders: false };
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(req.url ?? '');
    const range = req.headers.range;
    const record = (status: number): void => void state.requests.push({ path, range, status });
    if (!path.startsWith(prefix)) {
      record(404);
      res.writeHead(404).end('not found');
      return;
    }
    const rel = path.slice(prefix.length);
    let data: Buffer;
    try {
      data = readFileSync(join(folder, ...rel.split('/')));
    } catch {
      record(404);
      res.writeHead(404).end('not found');
      return;
    }
    const headers: Record<string, string | number> = { 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes' };
    if (state.linkedHeaders) {
      headers['x-linked-etag'] = `"${sha256(data)}"`;
      headers['x-linked-size'] = data.length;
    }
    const fault = state.faults.get(rel) ?? {};
    if (fault.corruptAt !== undefined) {
      data = Buffer.from(data);
      data[fault.corruptAt] ^= 0xff;
    }
    let body = data;
    let status = 200;
    const m = /^bytes=(\d+)-$/.exec(range ?? '');
    if (m && !fault.ignoreRange) {
      const start = Number(m[1]);
      if (start >= data.length) {
        record(416);
        res.writeHead(416, { 'content-range': `bytes */${data.length}` }).end();
        return;
      }
      status = 206;
      body = data.subarray(start);
      headers['content-range'] = `bytes ${start}-${data.length - 1}/${data.length}`;
    }
    headers['content-length'] = body.length;
    record(status);
    res.writeHead(status, headers);
    if (fault.cutAfter !== undefined && (fault.cuts ?? 0) < (fault.times ?? 1) && fault.cutAfter < body.length) {
      fault.cuts = (fault.cuts ?? 0) + 1;
      // Flush part of the body, then drop the connection as a network failure would.
      res.write(body.subarray(0, fault.cutAfter), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}
