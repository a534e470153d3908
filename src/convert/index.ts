/**
 * Hugging Face checkpoint → SplitReason model folder, in TypeScript, streaming one tensor at a time.
 *
 * ```ts
 * import { convertCheckpoint, CONVERT_DTYPES } from './convert';
 * import { LocalModel } from './engine';
 *
 * const ac = new AbortController();              // ac.abort() cancels; nothing is left behind
 * const r = await convertCheckpoint('ckpt/DeepSeek-R1-Distill-Qwen-1.5B', 'models/r1-1.5b-q4', {
 *   dtype: 'q4',                                 // one of CONVERT_DTYPES: q4, q4f16, fp16, fp32
 *   blockSize: 32,                               // int4 block along K
 *   accuracyLevel: 4,                            // MatMulNBits int8 compute on CPU
 *   symmetric: true,                             // no zero points (the default; false: one a block)
 *   quantizeHead: true,                          // int4 lm head as well
 *   quantizeEmbedding: false,                    // true: int4 embedding table (GatherBlockQuantized)
 *   fused: 'norms-rotary',                       // onnxruntime's fused ops (FUSED_OPS); the q4 default; false: standard ops
 *   signal: ac.signal,
 *   onProgress: (p) => console.error(`${p.stage} ${p.tensorsDone}/${p.tensorsTotal} tensors, ${p.bytesDone}/${p.bytesTotal} bytes`),
 * });
 * // r.outDir holds config.json, tokenizer files, splitreason.json (r.tags: 'special' | 'text'),
 * // onnx/model_q4.onnx and onnx/model_q4.onnx_data.
 * const model = await LocalModel.load(r.outDir, { dtype: r.dtype });
 * const gen = await model.generator();
 * await gen.append(model.tokenizer.encode('1 + 1 ='), { logits: 'none' });
 * ```
 *
 * Input: config.json (model_type qwen2 or llama), model.safetensors or model.safetensors.index.json
 * with its shards (BF16, F16, F32), tokenizer.json. Bad input throws a ConvertError with one sentence.
 */
export { convertCheckpoint, type ConvertOptions, type ConvertProgress, type ConvertResult } from './convert';
export { CONVERT_DTYPES, DEFAULT_ACCURACY_LEVEL, DEFAULT_BLOCK_SIZE, DEFAULT_SYMMETRIC, fusedByDefault, type ConvertDtype } from './dtypes';
export { ConvertError, ARCHITECTURES } from './checkpoint';
export { FUSED_OPS, type FusedOps } from '../engine/builder/decoderGraph';
export { detectTags } from './tags';
