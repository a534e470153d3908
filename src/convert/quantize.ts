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
      const scale = hi > lo ? (hi - lo) / 15 : 1;
      const zp = Math.min(15, Math.max(0, Math.round(-lo / scale)));
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
