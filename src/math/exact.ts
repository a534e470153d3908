/**
 * Exact rational arithmetic over MathJSON, the tree the CAS adapter hands back. Arithmetic
 * steps are judged here rather than by the CAS's own evaluation because the CAS mixes
 * decimals and rationals into rounded bignums, and a rounded value can never prove
 * "47 × 86 = 4032" wrong with certainty; BigInt fractions can.
 */
import type { MathJson } from './cas';

export class Rat {
  readonly n: bigint;
  readonly d: bigint;
  constructor(n: bigint, d: bigint = 1n) {
    if (d === 0n) throw new RangeError('division by zero');
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const g = gcd(n < 0n ? -n : n, d);
    this.n = g > 1n ? n / g : n;
    this.d = g > 1n ? d / g : d;
  }
  static of(x: number | string): Rat | undefined {
    const s = typeof x === 'number' ? (Number.isFinite(x) ? String(x) : '') : x.trim();
    const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(s);
    if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
    const frac = m[3] ?? '';
    let n = BigInt((m[2] || '0') + frac);
    let d = 10n ** BigInt(frac.length);
    const e = Number(m[4] ?? 0);
    if (Math.abs(e) > 400) return undefined;
    if (e > 0) n *= 10n ** BigInt(e);
    else if (e < 0) d *= 10n ** BigInt(-e);
    return new Rat(m[1] === '-' ? -n : n, d);
  }
  add(o: Rat): Rat {
    return new Rat(this.n * o.d + o.n * this.d, this.d * o.d);
  }
  sub(o: Rat): Rat {
    return new Rat(this.n * o.d - o.n * this.d, this.d * o.d);
  }
  mul(o: Rat): Rat {
    return new Rat(this.n * o.n, this.d * o.d);
  }
  div(o: Rat): Rat | undefined {
    return o.n === 0n ? undefined : new Rat(this.n * o.d, this.d * o.n);
  }
  neg(): Rat {
    return new Rat(-this.n, this.d);
  }
  isZero(): boolean {
    return this.n === 0n;
  }
  equals(o: Rat): boolean {
    return this.n === o.n && this.d === o.d;
  }
  toNumber(): number {
    return Number(this.n) / Number(this.d);
  }
  /** Integer power; undefined when the result would be absurdly large or divides by zero. */
  pow(k: bigint): Rat | undefined {
    if (k < 0n) return this.n === 0n ? undefined : new Rat(this.d, this.n).pow(-k);
    if (k > 4096n || (k > 64n && (this.n > 1n || this.n < -1n || this.d > 1n))) return undefined;
    return new Rat(this.n ** k, this.d ** k);
  }
  /** Written as a student would: integers plain, finite decimals when `decimal`, else a/b. */
  toText(decimal = false): string {
    if (this.d === 1n) return this.n.toString();
    if (decimal) {
      const digits = finiteDecimalDigits(this.d);
      if (digits !== undefined && digits <= 12) {
        const scaled = ((this.n < 0n ? -this.n : this.n) * 10n ** BigInt(digits)) / this.d;
        const s = scaled.toString().padStart(digits + 1, '0');
        return `${this.n < 0n ? '-' : ''}${s.slice(0, -digits)}.${s.slice(-digits)}`;
      }
    }
    return `${this.n}/${this.d}`;
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a || 1n;
}

function finiteDecimalDigits(d: bigint): number | undefined {
  let twos = 0,
    fives = 0;
  while (d % 2n === 0n) {
    d /= 2n;
    twos++;
  }
  while (d % 5n === 0n) {
    d /= 5n;
    fives++;
  }
  return d === 1n ? Math.max(twos, fives) : undefined;
}

function integerRoot(n: bigint, k: number): bigint | undefined {
  if (n < 0n)
    return k % 2 === 1
      ? (() => {
          const r = integerRoot(-n, k);
          return r === undefined ? undefined : -r;
        })()
      : undefined;
  if (n < 2n) return n;
  const r = BigInt(Math.round(Math.pow(Number(n), 1 / k)));
  for (const c of [r - 1n, r, r + 1n]) if (c >= 0n && c ** BigInt(k) === n) return c;
  return undefined;
}

function ratRoot(x: Rat, k: number): Rat | undefined {
  const n = integerRoot(x.n, k);
  const d = integerRoot(x.d, k);
  return n === undefined || d === undefined ? undefined : new Rat(n, d);
}

/** Values for the free variables; symbols outside it make the evaluation fail. */
export type Env = ReadonlyMap<string, Rat>;

/** The exact value of a MathJSON expression, or undefined when it is not a rational number (√2, π, …) or not understood. */
export function evalExact(e: MathJson, env: Env = new Map()): Rat | undefined {
  try {
    return exact(e, env);
  } catch {
    return undefined;
  }
}

function exact(e: MathJson, env: Env): Rat | undefined {
  if (typeof e === 'number') return Rat.of(e);
  if (typeof e === 'string') return env.get(e);
  if (!Array.isArray(e)) return typeof e.num === 'string' ? Rat.of(e.num.replace(/\(\d+\)$/, '')) : undefined;
  const [head, ...args] = e;
  const all = (): Rat[] | undefined => {
    const out: Rat[] = [];
    for (const a of args) {
      const v = exact(a, env);
      if (!v) return undefined;
      out.push(v);
    }
    return out;
  };
  const v = all();
  if (!v || v.length === 0) return undefined;
  switch (head) {
    case 'Add':
      return v.reduce((a, b) => a.add(b));
    case 'Subtract':
      return v.length === 1 ? v[0].neg() : v.slice(1).reduce((a, b) => a.sub(b), v[0]);
    case 'Negate':
      return v[0].neg();
    case 'Multiply':
      return v.reduce((a, b) => a.mul(b));
    case 'Delimiter':
      return v.length === 1 ? v[0] : undefined;
    case 'Rational':
    case 'Divide':
      return v.length === 2 ? v[0].div(v[1]) : undefined;
    case 'Square':
      return v[0].mul(v[0]);
    case 'Abs':
      return v[0].n < 0n ? v[0].neg() : v[0];
    case 'Sqrt':
      return ratRoot(v[0], 2);
    case 'Root':
      return v.length === 2 && v[1].d === 1n && v[1].n > 0n && v[1].n < 64n ? ratRoot(v[0], Number(v[1].n)) : undefined;
    case 'Power': {
      if (v.length !== 2) return undefined;
      const [b, k] = v;
      const p = b.pow(k.n);
      if (k.d === 1n || !p) return p;
      return k.d < 64n ? ratRoot(p, Number(k.d)) : undefined;
    }
    default:
      return undefined;
  }
}

const FLOAT_FUNCTIONS: Record<string, (...x: number[]) => number> = {
  Add: (...x) => x.reduce((a, b) => a + b),
  Subtract: (...x) => (x.length === 1 ? -x[0] : x.slice(1).reduce((a, b) => a - b, x[0])),
  Negate: (x) => -x,
  Multiply: (...x) => x.reduce((a, b) => a * b),
  Delimiter: (x) => x,
  Divide: (a, b) => a / b,
  Rational: (a, b) => a / b,
  Power: (a, b) => Math.pow(a, b),
  Square: (x) => x * x,
  Sqrt: Math.sqrt,
  Root: (a, k) => Math.pow(a, 1 / k),
  Abs: Math.abs,
  Exp: Math.exp,
  Ln: Math.log,
  Log: (x, b) => (b === undefined ? Math.log10(x) : Math.log(x) / Math.log(b)),
  Sin: Math.sin,
  Cos: Math.cos,
  Tan: Math.tan,
};
const FLOAT_CONSTANTS: Record<string, number> = { Pi: Math.PI, ExponentialE: Math.E };

/** A floating-point value, for what exact arithmetic cannot reach (√2, π, sin); NaN when not understood. */
export function evalFloat(e: MathJson, env: ReadonlyMap<string, number> = new Map()): number {
  if (typeof e === 'number') return e;
  if (typeof e === 'string') return env.get(e) ?? FLOAT_CONSTANTS[e] ?? NaN;
  if (!Array.isArray(e)) return typeof e.num === 'string' ? Number(e.num.replace(/\(\d+\)$/, '')) : NaN;
  const [head, ...args] = e;
  const f = typeof head === 'string' ? FLOAT_FUNCTIONS[head] : undefined;
  if (!f || args.length === 0) return NaN;
  return f(...args.map((a) => evalFloat(a, env)));
}

/** Symbols a MathJSON expression uses, constants (π, e) excluded. */
export function freeSymbols(e: MathJson, out = new Set<string>()): Set<string> {
  if (typeof e === 'string') {
    if (!(e in FLOAT_CONSTANTS)) out.add(e);
  } else if (Array.isArray(e)) {
    for (const a of e.slice(1)) freeSymbols(a, out);
  }
  return out;
}

/** Every head in an expression (to refuse what the checker does not understand). */
export function heads(e: MathJson, out = new Set<string>()): Set<string> {
  if (Array.isArray(e)) {
    if (typeof e[0] === 'string') out.add(e[0]);
    for (const a of e.slice(1)) heads(a, out);
  }
  return out;
}

export const KNOWN_HEADS: ReadonlySet<string> = new Set(Object.keys(FLOAT_FUNCTIONS));
