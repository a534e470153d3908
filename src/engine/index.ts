export { LocalModel, Generator, type GenerateOptions } from './localModel';
export { TextTokenizer } from './tokenizer';
export { StreamDecoder } from './streamDecoder';
export { createSampler, argmax, type Sampler } from './sampler';
export { planProviders, type Provider } from './executionProviders';
export { resolveModelFolder, onnxFileName } from './modelFolder';
export * from './types';
