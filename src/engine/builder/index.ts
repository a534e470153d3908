export { buildQwen2Onnx, type BuildOptions, type BuiltModel } from './qwen2';
export { buildModelFolder, buildOnnxFromCheckpoint, testConfig, writeOnnx, type TestFolderOptions } from './folder';
export { randomWeights } from './random';
export { readSafetensors, writeSafetensors, type Weights, type WeightTensor } from './safetensors';
export { SPECIAL_TOKENS, CHAT_TEMPLATE, BYTE_LEVEL_VOCAB } from './tokenizerFiles';
