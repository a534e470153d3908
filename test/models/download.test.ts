import { describe, it, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, tempModel } from '../helpers/tempModel';
import { LocalModel } from '../../src/engine';
import { installModel, isInstalled, MANIFEST } from '../../src/models/install';
import { downloadFile, DownloadError } from '../../src/models/download';
import type { HubEntry } from '../../src/models/catalog';
import { sha256, startHubServer, type HubServer } from '../vscode/hubServer';

const REPO = 'test-org/tiny-reasoner';
const REV = '0123abc';
const FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'];

describe('model download (real HTTP server on 127.0.0.1)', () => {
  let folder: string;
  let hub: HubServer;
  let onnxSize: number;
  const entryWith = (hashes: boolean, sizes = true): HubEntry => ({
    kind: 'hub',
    id: 'tiny',
    title: 'tiny',
    role: 'small',
    repo: REPO,
    revision: REV,
    files: FILES.map((p) => {
      const data = readFileSync(join(folder, p));
      return { path: p, size: sizes ? data.length : null, sha256: hashes ? sha256(data) : null };
    }),
  });
  const sameAsSource = (dir: string): void => {
    for (const p of FILES) assert.ok(readFileSync(join(dir, p)).equals(readFileSync(join(folder, p))), `${p} differs from the served file`);
  };

  before(async () => {
    folder = tempModel({ seed: 7 }).dir;
    onnxSize = statSync(join(folder, 'onnx/model.onnx')).size;
    hub = await startHubServer(REPO, REV, folder);
  });
  after(() => hub.close());

  it('installs a complete model folder that the engine loads', async () => {
    hub.requests.length = 0;
    hub.faults.clear();
    const storage = tempDir();
    const progress: number[] = [];
    const dir = await installModel(entryWith(true), { hubUrl: hub.url, storageDir: storage, onProgress: (p) => progress.push(p.receivedBytes) });
    assert.equal(dir, join(storage, 'tiny'));
    sameAsSource(dir);
    assert.ok(isInstalled(storage, 'tiny'));
    assert.deepEqual(JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')).revision, REV);
    assert.equal(
      progress.at(-1),
      FILES.reduce((n, p) => n + statSync(join(folder, p)).size, 0),
    );
    assert.ok(hub.requests.every((r) => r.path.startsWith(`/${REPO}/resolve/${REV}/`)));
    const model = await LocalModel.load(dir, { device: 'cpu', threads: 1 });
    try {
      assert.equal(model.config.vocab_size, JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')).vocab_size);
    } finally {
      await model.dispose();
    }
  });

  it('resumes a file with an HTTP Range request when the connection breaks mid-file', async () => {
    hub.requests.length = 0;
    hub.faults.clear();
    const cut = Math.floor(onnxSize * 0.4);
    hub.faults.set('onnx/model.onnx', { cutAfter: cut, times: 1 });
    const storage = tempDir();
    const dir = await installModel(entryWith(true), { hubUrl: hub.url, storageDir: storage });
    sameAsSource(dir);
    const onnx = hub.requests.filter((r) => r.path.endsWith('onnx/model.onnx'));
    assert.equal(onnx.length, 2, JSON.stringify(onnx));
    assert.equal(onnx[0].range, undefined);
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(onnx[1].range ?? '')?.[1]);
    assert.ok(resumedAt > 0 && resumedAt <= cut, `second request should resume inside the first part, got ${onnx[1].range}`);
    assert.equal(onnx[1].status, 206);
  });

  it('keeps the partial file when cancelled and resumes from it on the next install', async () => {
    hub.requests.length = 0;
    hub.faults.clear();
    // The cut stalls the first request long enough to cancel after bytes have arrived.
    hub.faults.set('onnx/model.onnx', { cutAfter: Math.floor(onnxSize / 2), times: 1 });
    const storage = tempDir();
    const abort = new AbortController();
    await assert.rejects(
      installModel(entryWith(true), {
        hubUrl: hub.url,
        storageDir: storage,
        signal: abort.signal,
        onProgress: (p) => {
          if (p.file === 'onnx/model.onnx' && p.fileReceivedBytes > 0) abort.abort();
        },
      }),
      (e: unknown) => e instanceof DownloadError && e.kind === 'aborted',
    );
    assert.equal(isInstalled(storage, 'tiny'), false);
    const part = join(storage, '.staging/tiny/onnx/model.onnx.part');
    assert.ok(existsSync(part) && statSync(part).size > 0, 'the partial file is kept');
    const kept = statSync(part).size;
    hub.requests.length = 0;
    const dir = await installModel(entryWith(true), { hubUrl: hub.url, storageDir: storage });
    sameAsSource(dir);
    const onnx = hub.requests.filter((r) => r.path.endsWith('onnx/model.onnx'));
    assert.equal(onnx[0].range, `bytes=${kept}-`);
    // Files finished before the cancel were not fetched again.
    assert.ok(!hub.requests.some((r) => r.path.endsWith('/config.json')));
  });

  it('rejects a file with a corrupted byte and installs nothing', async () => {
    hub.requests.length = 0;
    hub.faults.clear();
    hub.faults.set('onnx/model.onnx', { corruptAt: Math.floor(onnxSize / 3) });
    const storage = tempDir();
    await assert.rejects(installModel(entryWith(true), { hubUrl: hub.url, storageDir: storage }), (e: unknown) => {
      assert.ok(e instanceof DownloadError && e.kind === 'sha256', String(e));
      assert.match(e.message, /SHA-256 is [0-9a-f]{64}, expected [0-9a-f]{64}/);
      return true;
    });
    assert.equal(existsSync(join(storage, 'tiny')), false, 'no model folder appears');
    assert.deepEqual(readdirSync(join(storage, '.staging/tiny/onnx')), [], 'the corrupt file is deleted, not kept');
  });

  it('without catalog hashes, checks the hub x-linked-etag and rejects a corrupted file', async () => {
    hub.requests.length = 0;
    hub.faults.clear();
    hub.linkedHeaders = true;
    try {
      hub.faults.set('tokenizer.json', { corruptAt: 10 });
      const storage = tempDir();
      await assert.rejects(
        installModel(entryWith(false, false), { hubUrl: hub.url, storageDir: storage }),
        (e: unknown) => e instanceof DownloadError && e.kind === 'sha256',
      );
      assert.equal(isInstalled(storage, 'tiny'), false);
      hub.faults.clear();
      sameAsSource(await installModel(entryWith(false, false), { hubUrl: hub.url, storageDir: storage }));
    } finally {
      hub.linkedHeaders = false;
    }
  });

  it('starts over when the server ignores Range, and still ends with the right bytes', async () => {
    hub.requests.length = 0;
    hub.faults.clear();
    hub.faults.set('onnx/model.onnx', { cutAfter: 1000, times: 1, ignoreRange: true });
    const dest = join(tempDir(), 'model.onnx');
    const file = entryWith(true).files[4];
    await downloadFile(`${hub.url}/${REPO}/resolve/${REV}/onnx/model.onnx`, dest, file);
    assert.ok(readFileSync(dest).equals(readFileSync(join(folder, 'onnx/model.onnx'))));
    assert.deepEqual(
      hub.requests.map((r) => r.status),
      [200, 200],
    );
  });

  it('says which URL failed and what to check on HTTP 404', async () => {
    const dest = join(tempDir(), 'x');
    await assert.rejects(
      downloadFile(`${hub.url}/nope/resolve/main/x`, dest, { size: null, sha256: null }, { attempts: 1 }),
      /HTTP 404.*splitreason\.modelHubUrl/,
    );
    assert.equal(existsSync(dest), false);
  });
});
