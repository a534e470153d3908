/** The ONNX files convert writes: a subset of the engine's dtypes (one list, derived from the engine's type). */
import type { FusedOps } from '../engine/builder/decoderGraph';
import type { Dtype } from '../engine/types';

export const CONVERT_DTYPES = ['q4', 'q4f16', 'fp16', 'fp32'] as const satisfies readonly Dtype[];
export type ConvertDtype = (typeof CONVERT_DTYPES)[number];

export const DEFAULT_BLOCK_SIZE = 32;
/** MatMulNBits' accuracy_level: 4 = int8 compute on CPU (the fast path), 0 = as the weights' type. */
export const DEFAULT_ACCURACY_LEVEL = 4;

/** int4 weights in MatMulNBits (q4, q4f16). */
export const isQuantized = (d: ConvertDtype) => d === 'q4' || d === 'q4f16';
/**
 * Whether convert writes the fused contrib operators (GraphOptions.fused) unless told otherwise:
 * only where bench/fusedOps.ts measured them faster on the CPU.
 */
export const fusedByDefault = (_d: ConvertDtype): FusedOps | false => false;
/** float16 storage for the unquantized matrices and the KV cache (fp16, q4f16). */
export const isHalf = (d: ConvertDtype) => d === 'fp16' || d === 'q4f16';
