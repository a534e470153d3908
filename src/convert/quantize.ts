/**
 * Block-wise asymmetric int4 quantization in MatMulNBits' layout (onnxruntime contrib op):
 * a weight [N, K] (torch Linear [out, in], or an embedding table used as a head) is cut into
 * blocks of `blockSize` along K; each block gets a scale and a 4-bit zero point, and
 * w ≈ (q - zp) · scale with q in 0..15. Zero is kept exactly representable.
 */
export interface Q4Weight {
  /** uint8 [N, blocks, blockSize / 2], two values a byte, the even index in the low nibble */
  packed: Uint8Array;
  /** [N · blocks] */
  scales: Float32Array;
  /** uint8 [N, ceil(blocks / 2)], packed like `packed` */
  zeroPoints: Uint8Array;
}

export function q4Shapes(n: number, k: number, blockSize: number) {
  const blocks = Math.ceil(k / blockSize);
  return { blocks, packed: [n, blocks, blockSize / 2], scales: [n * blocks], zeroPoints: [n, Math.ceil(blocks / 2)] };
}

export function quantizeQ4(w: Float32Array, n: number, k: number, blockSize: number): Q4Weight {
  const { blocks } = q4Shapes(n, k, blockSize);
  const zpRow = Math.ceil(blocks / 2);
  const packed = new Uint8Array(n * blocks * (blockSize / 2));
  const scales = new Float32Array(n * blocks);
  const zeroPoints = new Uint8Array(n * zpRow);
  for (let r = 0; r < n; r++) {
    const row = r * k;
    for (let b = 0; b < blocks; b++) {
      const from = b * blockSize;
      const to = Math.min(from + blockSize, k);
      let lo = 0;
      let hi = 0;
      for (let i = from; i < to; i++) {
        const v = w[row + i];
        if (v < lo) lo = v;
        else if (v > hi) hi = v;
      }
      const { scale, zp } = bestRange(w, row + from, row + to, lo, hi);
      scales[r * blocks + b] = scale;
      zeroPoints[r * zpRow + (b >> 1)] |= b & 1 ? zp << 4 : zp;
      const out = (r * blocks + b) * (blockSize / 2);
      for (let j = 0; j < blockSize; j++) {
        const i = from + j;
        const q = i < to ? Math.min(15, Math.max(0, Math.round(w[row + i] / scale) + zp)) : zp; // padding past K encodes 0
        packed[out + (j >> 1)] |= j & 1 ? q << 4 : q;
      }
    }
  }
  return { packed, scales, zeroPoints };
}

/** Shrink factors tried for a block's [min, max] range: clipping an outlier often lowers the error of all the other weights. */
const SHRINK = [1, 0.9, 0.8];

function blockError(w: Float32Array, from: number, to: number, scale: number, zp: number): number {
  let err = 0;
  for (let i = from; i < to; i++) {
    const q = Math.min(15, Math.max(0, Math.round(w[i] / scale) + zp));
    const d = (q - zp) * scale - w[i];
    err += d * d;
  }
  return err;
}

/**
 * The scale and zero point with the least squared error over w[from, to): each shrunk range,
 * then the winner's scale refitted by least squares to the codes it produced.
 */
function bestRange(w: Float32Array, from: number, to: number, lo: number, hi: number): { scale: number; zp: number } {
  if (!(hi > lo)) return { scale: 1, zp: 0 };
  let best = { scale: 1, zp: 0 };
  let bestErr = Infinity;
  const consider = (scale: number, zp: number) => {
    if (!(scale > 0)) return;
    const err = blockError(w, from, to, scale, zp);
    if (err < bestErr) {
      bestErr = err;
      best = { scale, zp };
    }
  };
  for (const f of SHRINK) {
    const scale = ((hi - lo) * f) / 15;
    consider(scale, Math.min(15, Math.max(0, Math.round((-lo * f) / scale))));
  }
  // w ≈ (q - zp)·s: for fixed codes the best s is Σ w(q - zp) / Σ (q - zp)².
  let num = 0;
  let den = 0;
  for (let i = from; i < to; i++) {
    const c = Math.min(15, Math.max(0, Math.round(w[i] / best.scale) + best.zp)) - best.zp;
    num += w[i] * c;
    den += c * c;
  }
  if (den > 0) consider(num / den, best.zp);
  return best;
}
