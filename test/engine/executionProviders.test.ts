import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LocalModel, planProviders } from '../../src/engine';
import { tempDir, tempModel } from '../helpers/tempModel';

test('auto order per platform, skipping providers this machine cannot run', () => {
  const icd = tempDir();
  mkdirSync(join(icd, 'hw'));
  writeFileSync(join(icd, 'hw', 'nvidia_icd.json'), '{}');
  mkdirSync(join(icd, 'sw'));
  writeFileSync(join(icd, 'sw', 'lvp_icd.x86_64.json'), '{}');
  const cudaDir = tempDir();
  writeFileSync(join(cudaDir, 'libonnxruntime_providers_cuda.so'), '');

  assert.deepEqual(planProviders('auto', { platform: 'win32' }).order, ['dml', 'webgpu', 'cpu']);
  assert.deepEqual(planProviders('auto', { platform: 'darwin' }).order, ['coreml', 'webgpu', 'cpu']);
  assert.deepEqual(planProviders('auto', { platform: 'linux', ortBinDir: cudaDir, vulkanIcdDirs: [join(icd, 'hw')] }).order, ['cuda', 'webgpu', 'cpu']);
  // a provider that failed auto's self-test here is skipped with that reason; the CPU never is
  const afterSelfTest = planProviders('auto', { platform: 'linux', ortBinDir: cudaDir, vulkanIcdDirs: [join(icd, 'hw')] }, ['cuda', 'cpu']);
  assert.deepEqual(afterSelfTest.order, ['webgpu', 'cpu']);
  assert.deepEqual(afterSelfTest.skipped, [{ provider: 'cuda', reason: 'failed its self-test on this machine' }]);

  const bare = planProviders('auto', { platform: 'linux', ortBinDir: tempDir(), vulkanIcdDirs: [] });
  assert.deepEqual(bare.order, ['cpu']);
  assert.match(bare.skipped.find((s) => s.provider === 'cuda')!.reason, /CUDA provider libraries are not installed/);
  assert.match(bare.skipped.find((s) => s.provider === 'webgpu')!.reason, /no Vulkan driver/);

  const software = planProviders('auto', { platform: 'linux', vulkanIcdDirs: [join(icd, 'sw')] });
  assert.deepEqual(software.order, ['cpu']);
  assert.match(software.skipped.find((s) => s.provider === 'webgpu')!.reason, /software Vulkan drivers .*lvp_icd.*not a GPU/);
});

test('an explicit device is tried first, then cpu', () => {
  assert.deepEqual(planProviders('webgpu', { platform: 'linux' }).order, ['webgpu', 'cpu']);
  assert.deepEqual(planProviders('cpu', { platform: 'win32' }).order, ['cpu']);
});

test('a requested provider that fails to start falls back to cpu, logging why', async () => {
  // SPLITREASON_ENGINE_FAULT makes the provider fail in the engine process on any machine, so a GPU
  // that could run it does not turn this into a test of that GPU
  for (const device of ['webgpu', 'cuda', 'dml'] as const) {
    const log: string[] = [];
    process.env.SPLITREASON_ENGINE_FAULT = `provider:${device}`;
    let m: LocalModel;
    try {
      m = await LocalModel.load(tempModel().dir, { device, log: (l) => log.push(l) });
    } finally {
      delete process.env.SPLITREASON_ENGINE_FAULT;
    }
    assert.equal(m.device, 'cpu', log.join('\n'));
    assert.ok(log.includes(`${device} failed, falling back: ${device} made to fail by SPLITREASON_ENGINE_FAULT`), log.join('\n'));
    assert.ok(
      log.some((l) => l.includes('on cpu')),
      log.join('\n'),
    );
    await m.dispose();
  }
});
