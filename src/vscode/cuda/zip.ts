/**
 * Reads single entries out of a zip archive (a .nupkg is one) without loading it whole:
 * the central directory from the end of the file, then one entry's bytes inflated as a stream.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw } from 'node:zlib';

interface Entry {
  method: number;
  compressedSize: number;
  size: number;
  localHeader: number;
}

async function centralDirectory(path: string): Promise<Map<string, Entry>> {
  const f = await open(path, 'r');
  try {
    const { size } = await f.stat();
    const tailLength = Math.min(size, 22 + 65_535);
    const tail = Buffer.alloc(tailLength);
    await f.read(tail, 0, tailLength, size - tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error(`${path} is not a zip archive`);
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (cdOffset === 0xffffffff || count === 0xffff) throw new Error(`${path} is a ZIP64 archive, which this reader does not handle`);
    const cd = Buffer.alloc(cdSize);
    await f.read(cd, 0, cdSize, cdOffset);
    const entries = new Map<string, Entry>();
    let p = 0;
    for (let n = 0; n < count; n++) {
      if (cd.readUInt32LE(p) !== 0x02014b50) throw new Error(`${path}: broken zip central directory`);
      const nameLen = cd.readUInt16LE(p + 28);
      entries.set(cd.toString('utf8', p + 46, p + 46 + nameLen), {
        method: cd.readUInt16LE(p + 10),
        compressedSize: cd.readUInt32LE(p + 20),
        size: cd.readUInt32LE(p + 24),
        localHeader: cd.readUInt32LE(p + 42),
      });
      p += 46 + nameLen + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
    }
    return entries;
  } finally {
    await f.close();
  }
}

/** Writes each `name → dest` entry of the archive to its file; throws naming a missing one. */
export async function extractEntries(path: string, wanted: Record<string, string>): Promise<void> {
  const entries = await centralDirectory(path);
  const f = await open(path, 'r');
  try {
    for (const [name, dest] of Object.entries(wanted)) {
      const e = entries.get(name);
      if (!e) throw new Error(`${path} has no ${name}`);
      const header = Buffer.alloc(30);
      await f.read(header, 0, 30, e.localHeader);
      if (header.readUInt32LE(0) !== 0x04034b50) throw new Error(`${path}: broken local header for ${name}`);
      const start = e.localHeader + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
      if (e.compressedSize === 0 && e.size === 0) {
        await pipeline(async function* () {}, createWriteStream(dest));
        continue;
      }
      const source = createReadStream(path, { start, end: start + e.compressedSize - 1 });
      if (e.method === 0) await pipeline(source, createWriteStream(dest));
      else if (e.method === 8) await pipeline(source, createInflateRaw(), createWriteStream(dest));
      else throw new Error(`${path}: ${name} uses zip method ${e.method}, which this reader does not handle`);
    }
  } finally {
    await f.close();
  }
}
