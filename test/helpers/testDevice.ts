/**
 * The execution provider of the tests that run models: the CPU, unless SPLITREASON_TEST_DEVICE
 * names another (the GPU check runs the engine and toy suites with `webgpu` or `cuda`). The
 * engine falls back to the CPU when a provider fails to start; here that is an error, so a GPU
 * run can never pass on the CPU unnoticed.
 */
import { LocalModel } from '../../src/engine';
import type { Device, LoadOptions } from '../../src/engine/types';

const DEVICES = ['cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const;
type TestDevice = Exclude<Device, 'auto'>;

function fromEnv(): TestDevice {
  const v = process.env.SPLITREASON_TEST_DEVICE ?? 'cpu';
  if (!(DEVICES as readonly string[]).includes(v))
    throw new Error(`SPLITREASON_TEST_DEVICE=${v} is not a device; use one of ${DEVICES.join(', ')}`);
  return v as TestDevice;
}

export const TEST_DEVICE: TestDevice = fromEnv();

export async function loadTestModel(dir: string, opts: Omit<LoadOptions, 'device'> = {}): Promise<LocalModel> {
  const log: string[] = [];
  const model = await LocalModel.load(dir, { ...opts, device: TEST_DEVICE, log: (l) => log.push(l) });
  if (model.device !== TEST_DEVICE) {
    await model.dispose();
    throw new Error(`asked for ${TEST_DEVICE}, the model loaded on ${model.device}:\n${log.join('\n')}`);
  }
  return model;
}
