/**
 * Token sampling as a chain of small steps (llama.cpp's design): each step narrows or
 * reshapes a candidate list; the last one picks. A spec (plain data) builds the chain, so it
 * can cross into the worker and a seed reproduces a run exactly.
 */
import { seededRandom } from './random';
import type { SamplerSpec } from './types';

export interface Candidates {
  ids: Int32Array;
  /** logits, then probabilities once `softmax` ran */
  values: Float32Array;
  size: number;
}

export type SamplerStep = (c: Candidates) => void;

export function argmax(logits: Float32Array): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  return best;
}

/** Keep the k largest, sorted descending. */
export function topK(k: number): SamplerStep {
  return (c) => {
    if (k <= 0 || k >= c.size) return sortDescending(c, c.size);
    sortDescending(c, k);
  };
}

export function temperature(t: number): SamplerStep {
  return (c) => {
    for (let i = 0; i < c.size; i++) c.values[i] /= t;
  };
}

export const softmax: SamplerStep = (c) => {
  let max = -Infinity;
  for (let i = 0; i < c.size; i++) max = Math.max(max, c.values[i]);
  let sum = 0;
  for (let i = 0; i < c.size; i++) sum += c.values[i] = Math.exp(c.values[i] - max);
  for (let i = 0; i < c.size; i++) c.values[i] /= sum;
};

/** Nucleus: the smallest prefix (candidates sorted) whose probability reaches p. */
export function topP(p: number): SamplerStep {
  return (c) => {
    if (p >= 1) return;
    let cum = 0;
    for (let i = 0; i < c.size; i++) {
      cum += c.values[i];
      if (cum >= p) {
        c.size = i + 1;
        break;
      }
    }
  };
}

export function pickWith(rand: () => number): (c: Candidates) => number {
  return (c) => {
    let total = 0;
    for (let i = 0; i < c.size; i++) total += c.values[i];
    let r = rand() * total;
    for (let i = 0; i < c.size; i++) {
      r -= c.values[i];
      if (r <= 0) return c.ids[i];
    }
    return c.ids[c.size - 1];
  };
}

export interface Sampler {
  sample(logits: Float32Array): number;
}

/** Default cap on candidates when only top-p is given, so a 150k vocabulary is not fully sorted per token. */
const TOP_P_CANDIDATES = 1024;

export function createSampler(spec: SamplerSpec = {}): Sampler {
  const inner = chain(spec);
  const banned = spec.banned ?? [];
  if (banned.length === 0) return inner;
  // on a copy: the engine keeps the last logits for entropy and lastLogits()
  return {
    sample(logits) {
      const l = logits.slice();
      for (const id of banned) if (id >= 0 && id < l.length) l[id] = -Infinity;
      return inner.sample(l);
    },
  };
}

function chain(spec: SamplerSpec): Sampler {
  const t = spec.temperature ?? 0;
  if (!(t > 0)) return { sample: argmax };
  if (spec.topP !== undefined && !(spec.topP > 0 && spec.topP <= 1)) throw new Error(`topP must be in (0, 1], got ${spec.topP}`);
  const k = spec.topK && spec.topK > 0 ? spec.topK : spec.topP !== undefined && spec.topP < 1 ? TOP_P_CANDIDATES : 0;
  const steps: SamplerStep[] = [topK(k), temperature(t), softmax, topP(spec.topP ?? 1)];
  const pick = pickWith(seededRandom(spec.seed ?? (Math.random() * 2 ** 32) >>> 0));
  return {
    sample(logits) {
      const c: Candidates = { ids: new Int32Array(logits.length), values: Float32Array.from(logits), size: logits.length };
      for (let i = 0; i < c.size; i++) c.ids[i] = i;
      for (const step of steps) step(c);
      return pick(c);
    },
  };
}

/**
 * Moves the n largest candidates to the front, sorted descending (ties: lower id first).
 * Selecting before sorting keeps this O(V) for n ≪ V: a 150k vocabulary is not sorted per token.
 */
function sortDescending(c: Candidates, n: number): void {
  let order: number[];
  if (n < c.size) {
    const kth = nthLargest(c.values.slice(0, c.size), n);
    order = [];
    for (let i = 0; i < c.size; i++) if (c.values[i] >= kth) order.push(i);
  } else {
    order = Array.from({ length: c.size }, (_, i) => i);
  }
  order.sort((a, b) => c.values[b] - c.values[a] || c.ids[a] - c.ids[b]);
  order.length = Math.min(order.length, n);
  const ids = order.map((i) => c.ids[i]);
  const values = order.map((i) => c.values[i]);
  c.ids.set(ids);
  c.values.set(values);
  c.size = n;
}

/** The n-th largest value (1-based), by quickselect; reorders `a`. */
function nthLargest(a: Float32Array, n: number): number {
  let lo = 0;
  let hi = a.length - 1;
  const k = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] > pivot) i++;
      while (a[j] < pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}
