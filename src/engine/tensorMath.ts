/** Numeric helpers shared by the engine: float16 bit patterns (Node 20 has no Float16Array). */

export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

export function halfArrayToFloat(h: Uint16Array): Float32Array {
  const out = new Float32Array(h.length);
  for (let i = 0; i < h.length; i++) out[i] = halfToFloat(h[i]);
  return out;
}

/** Shannon entropy of softmax(logits), in nats. */
export function entropy(logits: Float32Array): number {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  let z = 0;
  for (const v of logits) z += Math.exp(v - max);
  let h = 0;
  for (const v of logits) {
    const p = Math.exp(v - max) / z;
    if (p > 0) h -= p * Math.log(p);
  }
  return h;
}
