/**
 * The execution provider of the tests that run models: the CPU, unless SPLITREASON_TEST_DEVICE
 * names another (the GPU check runs the engine and toy suites with `webgpu` or `cuda`). The
 * engine falls back to the CPU when a provider fails to start; here that is an error, so a GPU
 * run can never pass on the CPU unnoticed.
 */
import { LocalModel } from '../../src/engine';
import type { Provider } from '../../src/engine/executionProviders';
import { DEVICES, type LoadOptions } from '../../src/engine/types';

const PROVIDERS = DEVICES.filter((d): d is Provider => d !== 'auto');

function fromEnv(): Provider {
  const v = process.env.SPLITREASON_TEST_DEVICE ?? 'cpu';
  if (!(PROVIDERS as string[]).includes(v)) throw new Error(`SPLITREASON_TEST_DEVICE=${v} is not a device; use one of ${PROVIDERS.join(', ')}`);
  return v as Provider;
}

export const TEST_DEVICE: Provider = fromEnv();

export async function loadTestModel(dir: string, opts: Omit<LoadOptions, 'device'> = {}): Promise<LocalModel> {
  const log: string[] = [];
  const model = await LocalModel.load(dir, {
    ...opts,
    device: TEST_DEVICE,
    log: (l) => {
      log.push(l);
      opts.log?.(l);
    },
  });
  if (model.device !== TEST_DEVICE) {
    await model.dispose();
    throw new Error(`asked for ${TEST_DEVICE}, the model loaded on ${model.device}:\n${log.join('\n')}`);
  }
  return model;
}
