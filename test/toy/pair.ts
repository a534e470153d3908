/** The committed toy pair for a test file: the small model loaded, toy-big as a local provider, both freed after. */
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { LocalModel } from '../../src/engine';
import { LocalProvider } from '../../src/providers';
import { loadTestModel, TEST_DEVICE } from '../helpers/testDevice';

export const MODELS = join(__dirname, '..', '..', 'models');

export function useToyPair(): { small: () => LocalModel; big: () => LocalProvider } {
  let small: LocalModel;
  let big: LocalProvider;
  before(async () => {
    small = await loadTestModel(join(MODELS, 'toy-small'), { threads: 1 });
    big = new LocalProvider({ modelDir: join(MODELS, 'toy-big'), device: TEST_DEVICE, threads: 1 });
  });
  after(async () => {
    await big?.dispose();
    await small?.dispose();
  });
  return { small: () => small, big: () => big };
}
