/**
 * Catalog checkpoints (format "safetensors"): download from a real HTTP hub on 127.0.0.1, then
 * convert in a real child process (models/convertChild.ts through tsx), with cancel at each stage.
 */
import { describe, it, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, tempModel } from '../helpers/tempModel';
import { writeHfCheckpoint } from '../helpers/hfCheckpoint';
import { LocalModel } from '../../src/engine';
import { convertCheckpoint } from '../../src/convert';
import { installModel, isInstalled, MANIFEST, type InstallProgress } from '../../src/models/install';
import { ConvertCancelled, childProcessConverter } from '../../src/models/convertProcess';
import { parseCatalog, type HubEntry } from '../../src/models/catalog';
import { startHubServer, type HubServer } from '../vscode/hubServer';

const REPO = 'test-org/tiny-checkpoint';
const REV = 'main';
const converter = childProcessConverter({ script: join(__dirname, '../../src/models/convertChild.ts'), execArgv: ['--import', 'tsx'] });

/** As models/catalog.json writes a checkpoint entry (parsed, so the parser is exercised too). */
const entry = (): HubEntry =>
  parseCatalog({
    version: 1,
    models: [
      {
        id: 'tiny-ckpt',
        kind: 'hub',
        format: 'safetensors',
        title: 'tiny',
        role: 'small',
        repo: REPO,
        revision: REV,
        convert: { cpu: 'q4', gpu: 'q4f16' },
        files: [
          { path: 'config.json', size: null, sha256: null },
          { path: 'generation_config.json', size: null, sha256: null, optional: true },
          { path: 'tokenizer.json', size: null, sha256: null },
          { path: 'tokenizer_config.json', size: null, sha256: null },
          { path: 'special_tokens_map.json', size: null, sha256: null, optional: true },
        ],
      },
    ],
  }).models[0] as HubEntry;

describe('catalog checkpoints: download, then convert in a child process', () => {
  let ckpt: string;
  let hub: HubServer;

  before(async () => {
    // big enough that converting takes a while (cancel lands mid-way), small enough for a unit test
    const m = tempModel({
      seed: 3,
      qkvBias: true,
      config: { hidden_size: 256, intermediate_size: 1024, num_hidden_layers: 6, num_attention_heads: 4, num_key_value_heads: 2, head_dim: 64 },
    });
    ckpt = writeHfCheckpoint(m.dir, m.weights, join(tempDir(), 'ckpt'), { dtype: 'BF16', shards: 2 });
    hub = await startHubServer(REPO, REV, ckpt);
    hub.linkedHeaders = true; // sizes and SHA-256 as the hub sends them for LFS files
  });
  after(() => hub.close());

  it('finds the shards through the index, converts to q4, and installs exactly what converting the checkpoint gives', async () => {
    hub.requests.length = 0;
    const storage = tempDir();
    const stages: InstallProgress['stage'][] = [];
    const dir = await installModel(entry(), { hubUrl: hub.url, storageDir: storage, converter, onProgress: (p) => stages.push(p.stage) });
    const fetched = hub.requests.map((r) => `${r.path.split('/').pop()} ${r.status}`);
    assert.deepEqual(fetched, [
      'config.json 200',
      'generation_config.json 200',
      'tokenizer.json 200',
      'tokenizer_config.json 200',
      'special_tokens_map.json 404',
      'model.safetensors.index.json 200',
      'model-00001-of-00002.safetensors 200',
      'model-00002-of-00002.safetensors 200',
    ]);
    assert.ok(stages.includes('download') && stages.at(-1) === 'convert', `stages: ${[...new Set(stages)].join(', ')}`);
    assert.equal(JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')).convertedTo, 'q4');
    assert.deepEqual(readdirSync(join(storage, '.staging')), [], 'the downloaded checkpoint is removed once converted');
    const direct = join(tempDir(), 'direct');
    await convertCheckpoint(ckpt, direct, { dtype: 'q4', quantizeHead: true });
    for (const f of ['onnx/model_q4.onnx', 'onnx/model_q4.onnx_data', 'tokenizer.json'])
      assert.ok(readFileSync(join(dir, f)).equals(readFileSync(join(direct, f))), `${f} differs from a direct conversion`);
    const model = await LocalModel.load(dir, { device: 'cpu', dtype: 'q4', threads: 1 });
    try {
      const g = await model.generator();
      await g.append(model.tokenizer.encode('1 + 1 ='), { logits: 'none' });
      const tokens: number[] = [];
      for await (const t of g.generate({ maxTokens: 4 })) tokens.push(typeof t === 'number' ? t : (t as { token: number }).token);
      assert.equal(tokens.length, 4);
    } finally {
      await model.dispose();
    }
  });

  it('converts to the GPU dtype when asked', async () => {
    const dir = await installModel(entry(), { hubUrl: hub.url, storageDir: tempDir(), converter, gpu: true });
    assert.ok(existsSync(join(dir, 'onnx/model_q4f16.onnx')));
    assert.equal(JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')).convertedTo, 'q4f16');
  });

  it('cancelled while converting: nothing installed, no temp folder, the download kept; the next install only converts', async () => {
    const storage = tempDir();
    const abort = new AbortController();
    await assert.rejects(
      installModel(entry(), {
        hubUrl: hub.url,
        storageDir: storage,
        converter,
        signal: abort.signal,
        // the child's first report after the plan: some tensors written, most not
        onProgress: (p) => {
          if (p.stage === 'convert' && p.convert?.message.startsWith('tensor')) abort.abort();
        },
      }),
      (e: unknown) => e instanceof ConvertCancelled,
    );
    assert.equal(isInstalled(storage, 'tiny-ckpt'), false);
    assert.deepEqual(readdirSync(join(storage, '.staging')), ['tiny-ckpt'], 'only the download is left (no half-converted folder)');
    assert.ok(existsSync(join(storage, '.staging/tiny-ckpt/model-00002-of-00002.safetensors')));
    hub.requests.length = 0;
    const dir = await installModel(entry(), { hubUrl: hub.url, storageDir: storage, converter });
    assert.deepEqual(
      hub.requests.filter((r) => r.status !== 404).map((r) => r.path.split('/').pop()),
      [],
      'nothing downloaded again',
    );
    assert.ok(existsSync(join(dir, 'onnx/model_q4.onnx')));
  });

  it('a converter failure says why and leaves no model folder', async () => {
    const storage = tempDir();
    const bad = { ...entry(), files: entry().files.filter((f) => f.path !== 'tokenizer.json') };
    await assert.rejects(installModel(bad, { hubUrl: hub.url, storageDir: storage, converter }), /tokenizer\.json/);
    assert.equal(isInstalled(storage, 'tiny-ckpt'), false);
    assert.ok(!existsSync(join(storage, 'tiny-ckpt')));
  });
});
