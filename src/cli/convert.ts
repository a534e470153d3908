/** `splitreason convert`: a Hugging Face checkpoint folder → a model folder the engine loads. */
import { parseArgs } from 'node:util';
import { CONVERT_DTYPES, DEFAULT_ACCURACY_LEVEL, DEFAULT_BLOCK_SIZE, FUSED_OPS, convertCheckpoint, fusedByDefault } from '../convert';
import { intArg, oneOf, UsageError } from './args';
import { ProgressBar } from './progressBar';

export const CONVERT_HELP = `usage: splitreason convert HF_DIR OUT_DIR [--dtype ${CONVERT_DTYPES.join('|')}] [--block-size ${DEFAULT_BLOCK_SIZE}]
                           [--accuracy-level ${DEFAULT_ACCURACY_LEVEL}] [--asymmetric] [--quantize-head]
                           [--quantize-embedding]
                           [--fused ${FUSED_OPS.join('|')}|--no-fused]
Reads config.json, tokenizer files and model.safetensors (or model.safetensors.index.json and its
shards; BF16, F16 or F32) of a Qwen2 or Llama checkpoint and writes OUT_DIR (must not exist):
config.json, tokenizer files, splitreason.json and onnx/model_<dtype>.onnx + .onnx_data
(fp32: onnx/model.onnx). One tensor is in memory at a time.
  --dtype           q4: int4 MatMulNBits weights (default); q4f16: the same with float16 scales,
                    embeddings and KV cache; fp16: float16 weights; fp32: float32 weights
  --block-size      int4 block length along the input dimension (a power of two ≥ 16)
  --accuracy-level  MatMulNBits compute: 4 = int8 on CPU (fast), 0 = float
  --asymmetric      int4 with a zero point a block (fits lopsided blocks, decodes slower on CPU);
                    the default is symmetric: no zero points
  --quantize-head   quantize the lm head too (smaller, faster; the head stays float otherwise)
  --quantize-embedding
                    store the embedding table as int4 blocks too (a smaller file; a tied head
                    shares it); it stays float otherwise
  --fused           onnxruntime's fused operators (onnxruntime only): all = norms, rotary and
                    GroupQueryAttention; norms-rotary = those two, attention as MatMul/Softmax.
                    --no-fused: standard ONNX operators. Default: ${CONVERT_DTYPES.map((d) => `${d} ${fusedByDefault(d) || 'no-fused'}`).join(', ')}`;

export async function convertCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dtype: { type: 'string' },
      'block-size': { type: 'string' },
      'accuracy-level': { type: 'string' },
      asymmetric: { type: 'boolean' },
      'quantize-head': { type: 'boolean' },
      'quantize-embedding': { type: 'boolean' },
      fused: { type: 'string' },
      'no-fused': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(CONVERT_HELP);
    return 0;
  }
  if (positionals.length !== 2) throw new UsageError(`convert needs HF_DIR and OUT_DIR\n${CONVERT_HELP}`);
  const [hfDir, outDir] = positionals;
  const dtype = oneOf(values.dtype, 'dtype', CONVERT_DTYPES, 'q4');
  const blockSize = intArg(values['block-size'], 'block-size', DEFAULT_BLOCK_SIZE, 16);
  const accuracyLevel = intArg(values['accuracy-level'], 'accuracy-level', DEFAULT_ACCURACY_LEVEL, 0);
  if (accuracyLevel > 4) throw new UsageError(`--accuracy-level must be an integer from 0 to 4, got '${accuracyLevel}'`);
  if (values.fused && values['no-fused']) throw new UsageError('give --fused or --no-fused, not both');
  const fused = values['no-fused'] ? false : values.fused === undefined ? undefined : oneOf(values.fused, 'fused', FUSED_OPS, 'all');

  const bar = new ProgressBar('tensors');
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  try {
    const r = await convertCheckpoint(hfDir, outDir, {
      dtype,
      blockSize,
      accuracyLevel,
      symmetric: !values.asymmetric,
      quantizeHead: values['quantize-head'] ?? false,
      quantizeEmbedding: values['quantize-embedding'] ?? false,
      fused,
      signal: ac.signal,
      onProgress: (p) => p.stage === 'weights' && bar.update({ done: p.tensorsDone, total: p.tensorsTotal, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal }),
    });
    bar.finish();
    console.error(`wrote ${r.onnxFile} (${r.dtype}, tags: ${r.tags}) in ${r.seconds.toFixed(1)} s`);
    return 0;
  } catch (e) {
    bar.finish();
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
