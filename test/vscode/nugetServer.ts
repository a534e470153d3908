/**
 * A NuGet v3 feed on 127.0.0.1 with the layout the CUDA installer reads (and nuget.org
 * serves): a service index, a registration leaf, its catalog entry (size and SHA-512) and the
 * flat-container .nupkg, with HTTP Range support and injectable faults (a cut connection, a
 * flipped byte). The .nupkg is a real zip built here (stored and deflated entries).
 */
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';

/** CRC-32 (zip's), table-driven. */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(b: Buffer): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip archive of these entries; odd-numbered entries are stored, the others deflated. */
export function makeZip(entries: Record<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  Object.entries(entries).forEach(([name, data], i) => {
    const method = i % 2 === 1 ? 0 : 8;
    const body = method === 8 ? deflateRawSync(data) : data;
    const nameBuf = Buffer.from(name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, body);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + body.length;
  });
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

export interface NugetServer {
  feed: string;
  requests: { path: string; range?: string; status: number }[];
  /** Close the socket after this many .nupkg body bytes, on the next request only. */
  cutAfter?: number;
  /** Serve the .nupkg with the byte at this offset flipped (the catalog keeps the true hash). */
  corruptAt?: number;
  close(): Promise<void>;
}

export async function startNugetServer(packageId: string, version: string, nupkg: Buffer): Promise<NugetServer> {
  const id = packageId.toLowerCase();
  const state: Omit<NugetServer, 'feed' | 'close'> = { requests: [] };
  const sha512 = createHash('sha512').update(nupkg).digest('base64');
  const server = createServer((req, res) => {
    const base = `http://${req.headers.host}`;
    const path = req.url ?? '/';
    const json = (body: unknown) => {
      state.requests.push({ path, status: 200 });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (path === '/v3/index.json') {
      return json({
        version: '3.0.0',
        resources: [
          { '@id': `${base}/v3-flatcontainer/`, '@type': 'PackageBaseAddress/3.0.0' },
          { '@id': `${base}/v3/registration5-semver1/`, '@type': 'RegistrationsBaseUrl/3.6.0' },
        ],
      });
    }
    if (path === `/v3/registration5-semver1/${id}/${version}.json`) return json({ catalogEntry: `${base}/v3/catalog0/data/${id}.${version}.json` });
    if (path === `/v3/catalog0/data/${id}.${version}.json`)
      return json({ id: packageId, version, packageHash: sha512, packageHashAlgorithm: 'SHA512', packageSize: nupkg.length });
    if (path === `/v3-flatcontainer/${id}/${version}/${id}.${version}.nupkg`) {
      const body = Buffer.from(nupkg);
      if (state.corruptAt !== undefined) body[state.corruptAt] ^= 0xff;
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const start = range ? Number(range[1]) : 0;
      const status = range ? 206 : 200;
      state.requests.push({ path, range: req.headers.range, status });
      res.writeHead(status, {
        'content-type': 'application/octet-stream',
        'content-length': String(body.length - start),
        ...(range ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
      });
      const rest = body.subarray(start);
      if (state.cutAfter !== undefined) {
        const cut = state.cutAfter;
        state.cutAfter = undefined;
        res.write(rest.subarray(0, cut), () => res.socket?.destroy());
        return;
      }
      return res.end(rest);
    }
    state.requests.push({ path, status: 404 });
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const result = state as NugetServer;
  result.feed = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3/index.json`;
  result.close = () => new Promise<void>((r) => server.close(() => r()));
  return result;
}
