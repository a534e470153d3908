/** The ONNX files convert writes: a subset of the engine's dtypes (one list, derived from the engine's type). */
import type { FusedOps } from '../engine/builder/decoderGraph';
import type { Dtype } from '../engine/types';

export const CONVERT_DTYPES = ['q4', 'q4f16', 'fp16', 'fp32'] as const satisfies readonly Dtype[];
export type ConvertDtype = (typeof CONVERT_DTYPES)[number];

export const DEFAULT_BLOCK_SIZE = 32;
/** MatMulNBits' accuracy_level: 4 = int8 compute on CPU (the fast path), 0 = as the weights' type. */
export const DEFAULT_ACCURACY_LEVEL = 4;
/** int4 without zero points, as onnxruntime-genai's builder writes it: faster on CPU (src/convert/quantize.ts). */
export const DEFAULT_SYMMETRIC = true;

/** int4 weights in MatMulNBits (q4, q4f16). */
export const isQuantized = (d: ConvertDtype) => d === 'q4' || d === 'q4f16';
/**
 * The fused contrib operators (GraphOptions.fused) convert writes unless told otherwise: only
 * where bench/fusedOps.ts measured them faster. q4 (the CPU dtype): fused norms and rotary
 * decoded the 1.5B-shaped model 1.07x faster on 2 cores; GroupQueryAttention ('all') did not pay
 * there. The GPU dtypes and fp32 (the any-runtime format) stay standard until measured.
 */
export const fusedByDefault = (d: ConvertDtype): FusedOps | false => (d === 'q4' ? 'norms-rotary' : false);
/** float16 storage for the unquantized matrices and the KV cache (fp16, q4f16). */
export const isHalf = (d: ConvertDtype) => d === 'fp16' || d === 'q4f16';
