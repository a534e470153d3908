import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hubFileUrl, loadCatalog, parseCatalog, type HubEntry } from '../../src/models/catalog';
import { ModelNotDownloadedError, resolveModel, settingLabel } from '../../src/models/resolve';
import { MANIFEST } from '../../src/models/install';
import { tempDir } from '../helpers/tempModel';

const REPO_ROOT = join(__dirname, '../..');

describe('model catalog', () => {
  it('the shipped models/catalog.json is valid and names the bundled toy pair', () => {
    const c = loadCatalog(join(REPO_ROOT, 'models/catalog.json'));
    const bundled = c.models.filter((m) => m.kind === 'bundled').map((m) => [m.id, m.role]);
    assert.deepEqual(bundled, [
      ['toy-small', 'small'],
      ['toy-big', 'big'],
    ]);
  });

  it("ships the paper's checkpoints as safetensors to convert here: GRPO and SFT with learned tags, the base model with entropy", () => {
    const c = loadCatalog(join(REPO_ROOT, 'models/catalog.json'));
    const checkpoints = c.models
      .filter((m): m is HubEntry => m.kind === 'hub' && m.format === 'safetensors')
      .map((m) => [m.repo, m.policy, m.convert?.cpu, m.convert?.gpu]);
    assert.deepEqual(checkpoints, [
      ['akhauriyash/DeepSeek-R1-Distill-Qwen-1.5B-GRPO-SpeculativeReasoner', 'learned', 'q4', 'q4f16'],
      ['akhauriyash/DeepSeek-R1-Distill-Qwen-1.5B-SpeculativeReasoner', 'learned', 'q4', 'q4f16'],
      ['deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B', 'entropy', 'q4', 'q4f16'],
    ]);
  });

  it('rejects bad entries with the entry and field named', () => {
    const hub = { id: 'a', kind: 'hub', title: 't', role: 'small', repo: 'o/r', revision: 'main', files: [{ path: 'x', size: 1, sha256: null }] };
    assert.throws(() => parseCatalog({ version: 2, models: [] }), /version: is 2/);
    assert.throws(() => parseCatalog({ version: 1, models: [hub, hub] }), /models\[1\]\.id: "a" appears twice/);
    assert.throws(
      () => parseCatalog({ version: 1, models: [{ ...hub, files: [{ path: '../etc/passwd', size: 1, sha256: null }] }] }),
      /models\[0\]\.files\[0\]\.path: .*without '\.\.'/,
    );
    assert.throws(
      () => parseCatalog({ version: 1, models: [{ ...hub, files: [{ path: 'x', size: 1, sha256: 'ABC' }] }] }),
      /files\[0\]\.sha256: must be 64 lower-case hex/,
    );
    assert.throws(() => parseCatalog({ version: 1, models: [{ ...hub, repo: 'no-slash' }] }), /models\[0\]\.repo/);
    assert.throws(
      () => parseCatalog({ version: 1, models: [{ ...hub, format: 'safetensors' }] }),
      /models\[0\]\.convert: a safetensors entry must say what to convert to/,
    );
    assert.throws(
      () => parseCatalog({ version: 1, models: [{ ...hub, format: 'safetensors', convert: { cpu: 'q4', gpu: 'int8' } }] }),
      /models\[0\]\.convert\.gpu: must be one of q4, q4f16, fp16, fp32/,
    );
    assert.throws(() => parseCatalog({ version: 1, models: [{ ...hub, format: 'gguf' }] }), /models\[0\]\.format/);
  });

  it('builds hub URLs with the /{repo}/resolve/{revision}/{path} layout of mirrors', () => {
    const e = parseCatalog({
      version: 1,
      models: [
        {
          id: 'a',
          kind: 'hub',
          title: 't',
          role: 'small',
          repo: 'org/My.Model',
          revision: 'refs/pr/1',
          files: [{ path: 'onnx/m.onnx', size: null, sha256: null }],
        },
      ],
    }).models[0] as HubEntry;
    assert.equal(hubFileUrl('https://hf-mirror.com/', e, 'onnx/m.onnx'), 'https://hf-mirror.com/org/My.Model/resolve/refs%2Fpr%2F1/onnx/m.onnx');
  });
});

describe('model setting resolution', () => {
  const ext = tempDir();
  const storage = tempDir();
  mkdirSync(join(ext, 'models/toy-small/onnx'), { recursive: true });
  writeFileSync(join(ext, 'models/toy-small/onnx/model.onnx'), '');
  const catalog = parseCatalog({
    version: 1,
    models: [
      { id: 'toy-small', kind: 'bundled', title: 't', role: 'small', folder: 'models/toy-small' },
      {
        id: 'real',
        kind: 'hub',
        title: 'r',
        role: 'small',
        repo: 'o/r',
        revision: 'main',
        dtype: 'q4f16',
        files: [{ path: 'config.json', size: null, sha256: null }],
      },
    ],
  });
  const ctx = { extensionPath: ext, storageDir: storage, catalog };

  it('"toy" is the bundled small model', () => {
    assert.deepEqual(resolveModel('toy', 'auto', ctx, 'small'), {
      dir: join(ext, 'models/toy-small'),
      label: 'toy-small',
      dtype: 'fp32',
      entry: catalog.models[0],
    });
  });

  it('a hub entry that is not downloaded asks for the download', () => {
    assert.throws(
      () => resolveModel('real', 'auto', ctx, 'small'),
      (e: unknown) => e instanceof ModelNotDownloadedError && /SplitReason: Download Model/.test(e.message),
    );
  });

  it('an installed hub entry resolves to its folder with the catalog dtype when the file is there', () => {
    const dir = join(storage, 'real');
    mkdirSync(join(dir, 'onnx'), { recursive: true });
    writeFileSync(join(dir, MANIFEST), '{}');
    writeFileSync(join(dir, 'onnx/model.onnx'), '');
    assert.equal(resolveModel('real', 'auto', ctx, 'small').dtype, 'fp32', 'without model_q4f16.onnx auto falls back to what exists');
    writeFileSync(join(dir, 'onnx/model_q4f16.onnx'), '');
    assert.equal(resolveModel('real', 'auto', ctx, 'small').dtype, 'q4f16');
    assert.equal(resolveModel('real', 'fp16', ctx, 'small').dtype, 'fp16', 'an explicit dtype wins');
  });

  it('the status bar names a folder by its last part', () => {
    assert.equal(settingLabel('/models/my-reasoner/'), 'my-reasoner');
    assert.equal(settingLabel('C:\\models\\r1'), 'r1');
    assert.equal(settingLabel('toy'), 'toy-small');
  });

  it('an unknown name lists what would work', () => {
    assert.throws(
      () => resolveModel('mistery', 'auto', ctx, 'small'),
      /"mistery" is not "toy", a catalog model \(toy-small, real\) or an absolute folder path/,
    );
    assert.throws(() => resolveModel('/nope/nothing', 'auto', ctx, 'small'), /model folder \/nope\/nothing does not exist/);
  });
});
