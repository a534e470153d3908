/**
 * SplitReason: Enable CUDA against a NuGet feed on 127.0.0.1 serving a package of the real
 * layout (nothing is downloaded from the internet): progress, resume after a cut connection,
 * a corrupt package rejected, the folder the engine loads from, and the engine's fallback
 * when the provider there cannot load (these provider files are not real libraries).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CUDA_FILES, CUDA_PACKAGE_ID, DEFAULT_FEED } from '../../src/vscode/cuda/nuget';
import { installCudaProvider, installedCudaDir, ORT_LIBRARY } from '../../src/vscode/cuda/install';
import { missingRuntimeMessage } from '../../src/vscode/cuda/cudaRuntime';
import { makeZip, startNugetServer } from './nugetServer';
import { tempDir, tempModel } from '../helpers/tempModel';

const REPO = join(__dirname, '../..');
const ORT_PACKAGE = join(REPO, 'node_modules/onnxruntime-node');
const ORT_VERSION = (JSON.parse(readFileSync(join(ORT_PACKAGE, 'package.json'), 'utf8')) as { version: string }).version;
const ORT_BIN = join(ORT_PACKAGE, 'bin/napi-v6/linux/x64');

/** Stand-ins for the provider libraries: the package's layout, but not loadable (no ELF header). */
function providerFiles(): Record<string, Buffer> {
  return Object.fromEntries(Object.keys(CUDA_FILES).map((f) => [f, Buffer.concat([Buffer.from(`not a library: ${f}\n`), randomBytes(600_000)])]));
}

function nupkgOf(files: Record<string, Buffer>): Buffer {
  return makeZip({
    '[Content_Types].xml': Buffer.from('<Types/>'),
    ...Object.fromEntries(Object.entries(files).map(([f, data]) => [CUDA_FILES[f], data])),
    'runtimes/linux-x64/native/libonnxruntime.so': Buffer.from('the GPU build of onnxruntime itself, not used'),
  });
}

test("the package, feed and files are the ones onnxruntime-node's own install script downloads", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const meta = require(join(ORT_PACKAGE, 'script/install-metadata.js')) as {
    manifests: Record<string, Record<string, { package: string; path: string }>>;
    packages: Record<string, { name: string; versions: { feed: string; version: string }[] }>;
    feeds: Record<string, { index: string }>;
  };
  const manifest = meta.manifests['linux/x64:cuda12'];
  for (const [file, inPackage] of Object.entries(CUDA_FILES)) assert.equal(manifest[`./${file}`]?.path, inPackage, file);
  const pkg = meta.packages[manifest['./libonnxruntime_providers_cuda.so'].package];
  assert.equal(pkg.name, CUDA_PACKAGE_ID);
  assert.deepEqual(
    pkg.versions.map((v) => [meta.feeds[v.feed].index, v.version]),
    [[DEFAULT_FEED, ORT_VERSION]],
  );
});

test(
  'downloads with progress, resumes after a cut connection, checks the SHA-512 and lays out the folder',
  { skip: process.platform !== 'linux' || process.arch !== 'x64' },
  async () => {
    const files = providerFiles();
    const nupkg = nupkgOf(files);
    const server = await startNugetServer(CUDA_PACKAGE_ID, ORT_VERSION, nupkg);
    const storageDir = tempDir();
    try {
      server.cutAfter = 400_000;
      let total: number | null = null;
      let resumedFrom = -1;
      let bytes = 0;
      const log: string[] = [];
      const dir = await installCudaProvider({
        feed: server.feed,
        ortVersion: ORT_VERSION,
        ortBinDir: ORT_BIN,
        storageDir,
        onStart: (i) => {
          total = i.total;
          resumedFrom = i.resumedFrom;
        },
        onBytes: (n) => (bytes += n),
        log: (l) => log.push(l),
      });
      assert.equal(total, nupkg.length);
      // the server destroys the socket once 400,000 bytes are handed to the kernel: bytes still in
      // flight can be lost with the connection, so the download resumes from what it received
      assert.ok(resumedFrom > 0 && resumedFrom <= 400_000, `resumed from ${resumedFrom}, after the first request's bytes`);
      assert.equal(bytes, nupkg.length, 'progress counted every byte once');
      const nupkgRequests = server.requests.filter((r) => r.path.endsWith('.nupkg'));
      assert.deepEqual(
        nupkgRequests.map((r) => [r.range, r.status]),
        [
          [undefined, 200],
          [`bytes=${resumedFrom}-`, 206],
        ],
      );
      assert.ok(
        log.some((l) => /SHA-512 verified/.test(l)),
        log.join('\n'),
      );
      assert.equal(installedCudaDir(storageDir, ORT_VERSION), dir);
      assert.deepEqual(readdirSync(dir).sort(), [ORT_LIBRARY, ...Object.keys(CUDA_FILES)].sort());
      for (const [f, data] of Object.entries(files)) assert.ok(readFileSync(join(dir, f)).equals(data), `${f} extracted intact`);
      assert.ok(readFileSync(join(dir, ORT_LIBRARY)).equals(readFileSync(join(ORT_BIN, ORT_LIBRARY))));
      assert.deepEqual(readdirSync(join(storageDir, 'cuda')), [ORT_VERSION], 'the package and staging files are gone');

      // Installed: a second run fetches nothing.
      const before = server.requests.length;
      assert.equal(await installCudaProvider({ feed: server.feed, ortVersion: ORT_VERSION, ortBinDir: ORT_BIN, storageDir }), dir);
      assert.equal(server.requests.length, before);
    } finally {
      await server.close();
    }
  },
);

test('a corrupt package is rejected with one clear sentence, and nothing of it is kept', async () => {
  const nupkg = nupkgOf(providerFiles());
  const server = await startNugetServer(CUDA_PACKAGE_ID, ORT_VERSION, nupkg);
  const storageDir = tempDir();
  try {
    server.corruptAt = 1000;
    await assert.rejects(
      installCudaProvider({ feed: server.feed, ortVersion: ORT_VERSION, ortBinDir: ORT_BIN, storageDir }),
      new RegExp(
        `the downloaded ${CUDA_PACKAGE_ID} ${ORT_VERSION.replace(/\./g, '\\.')} is corrupt .*SHA-512.* was deleted: run SplitReason: Enable CUDA again\\.`,
      ),
    );
    assert.equal(installedCudaDir(storageDir, ORT_VERSION), undefined);
    assert.deepEqual(readdirSync(join(storageDir, 'cuda')), []);
  } finally {
    await server.close();
  }
});

test('a feed without the package says so', async () => {
  const server = await startNugetServer(CUDA_PACKAGE_ID, '0.0.1', nupkgOf(providerFiles()));
  try {
    await assert.rejects(
      installCudaProvider({ feed: server.feed, ortVersion: ORT_VERSION, ortBinDir: ORT_BIN, storageDir: tempDir() }),
      /answered HTTP 404: the feed has no such package or version/,
    );
  } finally {
    await server.close();
  }
});

test(
  'an engine started with the installed folder (LoadOptions.ortLibraryDir) loads onnxruntime from it, tries CUDA there and logs its fallback',
  { skip: process.platform !== 'linux' || process.arch !== 'x64' },
  async () => {
    const server = await startNugetServer(CUDA_PACKAGE_ID, ORT_VERSION, nupkgOf(providerFiles()));
    let dir: string;
    try {
      dir = await installCudaProvider({ feed: server.feed, ortVersion: ORT_VERSION, ortBinDir: ORT_BIN, storageDir: tempDir() });
    } finally {
      await server.close();
    }
    const modelDir = JSON.stringify(tempModel().dir);
    const selfTestFile = JSON.stringify(join(tempDir(), 'self-test.json'));
    const loadOptions = `{ device: 'auto', ortLibraryDir: ${JSON.stringify(dir)}, selfTestFile: ${selfTestFile}, log: (l) => log.push(l) }`;
    // the path column of each line of the engine process's memory map
    const mappedFiles = "readFileSync('/proc/' + m.enginePid + '/maps', 'utf8').split('\\n').map((l) => l.split(/\\s+/).pop())";
    const script = `
    const { LocalModel } = require(${JSON.stringify(join(REPO, 'src/engine'))});
    const { readFileSync } = require('node:fs');
    (async () => {
      const log = [];
      const m = await LocalModel.load(${modelDir}, ${loadOptions});
      const loaded = [...new Set(${mappedFiles}.filter((p) => /libonnxruntime\\.so/.test(p)))];
      console.log(JSON.stringify({ device: m.device, log, loaded }));
      await m.dispose();
    })();`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { device: string; log: string[]; loaded: string[] };
    assert.deepEqual(out.loaded, [join(dir, ORT_LIBRARY)], 'the engine process loaded the copy beside the providers');
    assert.equal(out.device, 'cpu');
    assert.ok(!out.log.some((l) => /skipped cuda/.test(l)), `CUDA was not skipped as absent:\n${out.log.join('\n')}`);
    assert.ok(
      out.log.some((l) => /^cuda failed, falling back: ./.test(l)),
      out.log.join('\n'),
    );
  },
);

const CUDA_RUNTIME_MISSING =
  /the CUDA 12 runtime \(libcudart\.so\.12, libcublas\.so\.12, libcublasLt\.so\.12 not found; install NVIDIA's CUDA 12 toolkit or runtime\)/;
const CUDNN_MISSING = /cuDNN 9 \(libcudnn\.so\.9 not found; install NVIDIA cuDNN 9 for CUDA 12\)/;

test('a machine without the CUDA 12 runtime or cuDNN gets one sentence naming what is missing', () => {
  const libs = tempDir();
  assert.match(
    missingRuntimeMessage({ dirs: [libs], ldconfig: '' })!,
    new RegExp(`^This machine lacks ${CUDA_RUNTIME_MISSING.source} and ${CUDNN_MISSING.source}: until it has them, SplitReason falls back to the CPU\\.$`),
  );
  const ldconfig = ['libcudart.so.12', 'libcublas.so.12', 'libcublasLt.so.12'].map((l) => `\t${l} (libc6,x86-64) => /usr/local/cuda/lib64/${l}`).join('\n');
  assert.match(missingRuntimeMessage({ dirs: [], ldconfig })!, /^This machine lacks cuDNN 9 \(libcudnn\.so\.9 not found/);
  assert.equal(
    missingRuntimeMessage({ dirs: [], ldconfig: `${ldconfig}\n\tlibcudnn.so.9 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcudnn.so.9` }),
    undefined,
  );
});
