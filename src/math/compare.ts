/**
 * Are two expressions equal? Exactly for numbers; for expressions with variables, first
 * symbolically through the CAS, then by exact evaluation at sample points (a polynomial or
 * rational identity that fails is caught at almost every point), then in floating point for
 * what exact arithmetic cannot reach. `different` is only said when a value proves it.
 */
import { type MathJson, symbolicallyEqual } from './cas';
import { type Env, Rat, evalExact, evalFloat } from './exact';

export type Comparison = 'equal' | 'different' | 'unsure';

/** Sample values: small integers and fractions, fixed so a verdict never changes between runs. */
const SAMPLES: readonly Rat[] = [
  new Rat(7n, 3n),
  new Rat(-5n, 2n),
  new Rat(11n),
  new Rat(-13n, 7n),
  new Rat(3n, 5n),
  new Rat(17n, 4n),
  new Rat(-9n),
  new Rat(29n, 6n),
];

/** Assignments of sample values to the variables, a different rotation each time. */
export function sampleEnvs(vars: readonly string[]): Env[] {
  return SAMPLES.map((_, k) => new Map(vars.map((v, j) => [v, SAMPLES[(k + 3 * j) % SAMPLES.length]])));
}

function floatEnv(env: Env): Map<string, number> {
  return new Map([...env].map(([k, v]) => [k, v.toNumber()]));
}

function closeEnough(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Decimal places of a plain decimal literal (`3.14` → 2), for values the student rounded. */
function decimalPlaces(text: string): number | undefined {
  const m = /^-?\d+\.(\d+)$/.exec(text.trim());
  return m ? m[1].length : undefined;
}

/** Compares two constant expressions; `bText` lets a rounded decimal (√2 = 1.414) count as unsure, not wrong. */
export function compareNumbers(a: MathJson, b: MathJson, bText = ''): Comparison {
  const ea = evalExact(a);
  const eb = evalExact(b);
  if (ea && eb) return ea.equals(eb) ? 'equal' : 'different';
  const fa = evalFloat(a);
  const fb = evalFloat(b);
  if (!Number.isFinite(fa) || !Number.isFinite(fb)) return 'unsure';
  if (closeEnough(fa, fb)) return 'equal';
  const places = decimalPlaces(bText);
  if (places !== undefined && Math.abs(fa - fb) <= 0.5 * 10 ** -places * (1 + 1e-9)) return 'unsure';
  return 'different';
}

/** Compares two expressions in the given variables. */
export function compareExpressions(a: MathJson, b: MathJson, vars: readonly string[]): Comparison {
  if (symbolicallyEqual(a, b)) return 'equal';
  let agreed = 0;
  for (const env of sampleEnvs(vars)) {
    const ea = evalExact(a, env);
    const eb = evalExact(b, env);
    if (ea && eb) {
      if (!ea.equals(eb)) return 'different';
      agreed++;
      continue;
    }
    const fa = evalFloat(a, floatEnv(env));
    const fb = evalFloat(b, floatEnv(env));
    if (!Number.isFinite(fa) || !Number.isFinite(fb)) continue;
    if (!closeEnough(fa, fb)) {
      // A large gap is a proof; a tiny one may be rounding in a long float computation.
      if (Math.abs(fa - fb) > 1e-6 * Math.max(1, Math.abs(fa), Math.abs(fb))) return 'different';
      continue;
    }
    agreed++;
  }
  return agreed >= 4 ? 'equal' : 'unsure';
}
