/**
 * Block-wise int4 quantization in MatMulNBits' layout (onnxruntime contrib op): a weight [N, K]
 * (torch Linear [out, in], or an embedding table used as a head) is cut into blocks of
 * `blockSize` along K; each block gets a scale, and w ≈ (q - zp) · scale with q in 0..15.
 *
 * Symmetric (the default, as onnxruntime-genai's builder writes int4): zp is 8 for every block and
 * no zero points are stored, which MatMulNBits reads as 8. Without zero points its int8 CPU
 * kernels do less arithmetic a block: the engine decodes the 1.5B-shaped model 1.07x faster
 * (README, "Speed of a 1.5B-class model").
 * Asymmetric: a 4-bit zero point per block, which fits blocks whose values lean to one side.
 * Both keep zero exactly representable.
 */
export interface Q4Weight {
  /** uint8 [N, blocks, blockSize / 2], two values a byte, the even index in the low nibble */
  packed: Uint8Array;
  /** [N · blocks] */
  scales: Float32Array;
  /** uint8 [N, ceil(blocks / 2)], packed like `packed`; absent when symmetric */
  zeroPoints?: Uint8Array;
}

/** The zero point MatMulNBits assumes for 4-bit weights when none are given. */
export const SYMMETRIC_ZERO_POINT = 8;

export function q4Shapes(n: number, k: number, blockSize: number) {
  const blocks = Math.ceil(k / blockSize);
  return { blocks, packed: [n, blocks, blockSize / 2], scales: [n * blocks], zeroPoints: [n, Math.ceil(blocks / 2)] };
}

export function quantizeQ4(w: Float32Array, n: number, k: number, blockSize: number, symmetric: boolean): Q4Weight {
  const { blocks } = q4Shapes(n, k, blockSize);
  const zpRow = Math.ceil(blocks / 2);
  const packed = new Uint8Array(n * blocks * (blockSize / 2));
  const scales = new Float32Array(n * blocks);
  const zeroPoints = symmetric ? undefined : new Uint8Array(n * zpRow);
  for (let r = 0; r < n; r++) {
    const row = r * k;
    for (let b = 0; b < blocks; b++) {
      const from = b * blockSize;
      const to = Math.min(from + blockSize, k);
      const { scale, zp } = symmetric ? bestSymmetric(w, row + from, row + to) : bestAsymmetric(w, row + from, row + to);
      scales[r * blocks + b] = scale;
      if (zeroPoints) zeroPoints[r * zpRow + (b >> 1)] |= b & 1 ? zp << 4 : zp;
      const out = (r * blocks + b) * (blockSize / 2);
      for (let j = 0; j < blockSize; j++) {
        const i = from + j;
        const q = i < to ? code(w[row + i], scale, zp) : zp; // padding past K encodes 0
        packed[out + (j >> 1)] |= j & 1 ? q << 4 : q;
      }
    }
  }
  return { packed, scales, zeroPoints };
}

/** Shrink factors tried for a block's range: clipping an outlier often lowers the error of all the other weights. */
const SHRINK = [1, 0.9, 0.8];

const code = (v: number, scale: number, zp: number) => Math.min(15, Math.max(0, Math.round(v / scale) + zp));

function blockError(w: Float32Array, from: number, to: number, scale: number, zp: number): number {
  let err = 0;
  for (let i = from; i < to; i++) {
    const d = (code(w[i], scale, zp) - zp) * scale - w[i];
    err += d * d;
  }
  return err;
}

interface BlockFit {
  scale: number;
  zp: number;
}

/** Keeps the candidate with the least squared error over w[from, to). */
class BestFit {
  best: BlockFit;
  private err = Infinity;

  constructor(
    private readonly w: Float32Array,
    private readonly from: number,
    private readonly to: number,
    fallback: BlockFit,
  ) {
    this.best = fallback;
  }

  consider(scale: number, zp: number): void {
    if (!(scale !== 0 && Number.isFinite(scale))) return;
    const err = blockError(this.w, this.from, this.to, scale, zp);
    if (err < this.err) {
      this.err = err;
      this.best = { scale, zp };
    }
  }

  /** The winner's scale refitted by least squares to the codes it produced: for fixed codes c = q - zp, s = Σ w·c / Σ c². */
  refit(): BlockFit {
    const { scale, zp } = this.best;
    let num = 0;
    let den = 0;
    for (let i = this.from; i < this.to; i++) {
      const c = code(this.w[i], scale, zp) - zp;
      num += this.w[i] * c;
      den += c * c;
    }
    if (den > 0) this.consider(num / den, zp);
    return this.best;
  }
}

/** Scale and zero point for the block's [min, max], each shrunk range tried. */
function bestAsymmetric(w: Float32Array, from: number, to: number): BlockFit {
  let lo = 0;
  let hi = 0;
  for (let i = from; i < to; i++) {
    if (w[i] < lo) lo = w[i];
    else if (w[i] > hi) hi = w[i];
  }
  const fit = new BestFit(w, from, to, { scale: 1, zp: 0 });
  if (!(hi > lo)) return fit.best;
  for (const f of SHRINK) {
    const scale = ((hi - lo) * f) / 15;
    fit.consider(scale, Math.min(15, Math.max(0, Math.round((-lo * f) / scale))));
  }
  return fit.refit();
}

/**
 * A scale for zero point 8. Codes span -8..7 around it, one more step on the negative side; the
 * scale takes the sign that puts the block's largest magnitude on that side (a negative scale
 * when it is positive), as onnxruntime's own symmetric quantizer does, so no code goes unused.
 */
function bestSymmetric(w: Float32Array, from: number, to: number): BlockFit {
  let extreme = 0;
  for (let i = from; i < to; i++) if (Math.abs(w[i]) > Math.abs(extreme)) extreme = w[i];
  const fit = new BestFit(w, from, to, { scale: 1, zp: SYMMETRIC_ZERO_POINT });
  if (extreme === 0) return fit.best;
  for (const f of SHRINK) fit.consider((extreme * f) / -SYMMETRIC_ZERO_POINT, SYMMETRIC_ZERO_POINT);
  return fit.refit();
}
