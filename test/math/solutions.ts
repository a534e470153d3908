/**
 * A generated set of worked solutions with the truth of every line known by construction:
 * arithmetic chains, linear equations, polynomial expansions, fraction arithmetic, decimals,
 * prose lines, in plain text and in each LaTeX delimiter. About half the solutions carry
 * exactly one wrong step; the lines after it continue from the wrong value, as a student's do.
 */

export type Truth = 'correct' | 'incorrect' | 'prose';
export interface Line {
  text: string;
  truth: Truth;
}
export interface Solution {
  kind: string;
  problem: string;
  lines: Line[];
}

/** mulberry32: a tiny seeded generator so the set is the same every run. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = { int(lo: number, hi: number): number; pick<T>(xs: readonly T[]): T; chance(p: number): boolean };
function rand(seed: number): Rand {
  const r = rng(seed);
  return {
    int: (lo, hi) => lo + Math.floor(r() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(r() * xs.length)],
    chance: (p) => r() < p,
  };
}

const gcd = (a: number, b: number): number => (b === 0 ? Math.abs(a) : gcd(b, a % b));

/** Wraps math as a student might: bare, `$…$`, `\(…\)`, `$$…$$`, `\[…\]`. */
function wrap(r: Rand, math: string, prose = ''): string {
  const style = r.int(0, 4);
  const m = [math, `$${math}$`, `\\(${math}\\)`, `$$${math}$$`, `\\[${math}\\]`][style];
  return prose ? `${prose} ${m}` : m;
}

/** A value nearby that is wrong: off by one, a digit slip, or a sign. */
function slip(r: Rand, v: number): number {
  const options = [v + 1, v - 1, v + 10, v - 10, -v, v + r.int(2, 9)].filter((w) => w !== v);
  return r.pick(options);
}

/** `ax + b` with signs written properly: 3x - 5, -x + 2, x. */
function linear(a: number, b: number, v = 'x'): string {
  const head = a === 1 ? v : a === -1 ? `-${v}` : `${a}${v}`;
  return b === 0 ? head : `${head} ${b < 0 ? '-' : '+'} ${Math.abs(b)}`;
}
function poly2(a: number, b: number, c: number): string {
  const parts: string[] = [];
  const term = (k: number, s: string, first: boolean) => {
    if (k === 0) return;
    const mag = Math.abs(k) === 1 && s ? '' : String(Math.abs(k));
    parts.push(first ? `${k < 0 ? '-' : ''}${mag}${s}` : `${k < 0 ? '-' : '+'} ${mag}${s}`);
  };
  term(a, 'x^2', true);
  term(b, 'x', parts.length === 0);
  term(c, '', parts.length === 0);
  return parts.join(' ') || '0';
}
const frac = (n: number, d: number) => (d === 1 ? String(n) : n < 0 ? `-\\frac{${-n}}{${d}}` : `\\frac{${n}}{${d}}`);

const PROSE = [
  'First, multiply.',
  'Now we simplify both sides.',
  'Let us collect like terms.',
  'This gives the answer.',
  'We check our work below.',
  'Next, divide by the coefficient.',
];

function arithmetic(r: Rand, wrong: boolean): Solution {
  const a = r.int(12, 99),
    b = r.int(12, 99),
    c = r.int(2, 300);
  const sign = r.pick(['+', '-'] as const);
  const problem = `Compute $${a} \\times ${b} ${sign} ${c}$.`;
  const wrongAt = wrong ? r.int(0, 1) : -1;
  let p = a * b;
  if (wrongAt === 0) p = slip(r, p);
  const s0 = sign === '+' ? p + c : p - c;
  const s = wrongAt === 1 ? slip(r, s0) : s0;
  const times = r.pick(['\\times', '\\cdot', '×', '*']);
  const lines: Line[] = [
    { text: wrap(r, `${a} ${times} ${b} = ${p}`), truth: wrongAt === 0 ? 'incorrect' : 'correct' },
    { text: wrap(r, `${p} ${sign} ${c} = ${s}`), truth: wrongAt === 1 ? 'incorrect' : 'correct' },
  ];
  if (r.chance(0.3)) lines.unshift({ text: r.pick(PROSE), truth: 'prose' });
  return { kind: 'arithmetic', problem, lines };
}

function arithmeticChain(r: Rand, wrong: boolean): Solution {
  const a = r.int(2, 30),
    b = r.int(2, 30),
    c = r.int(2, 30),
    d = r.int(2, 12);
  const problem = `Evaluate $${a} + ${b} \\cdot ${c} - ${d}^2$.`;
  const wrongAt = wrong ? r.int(1, 3) : -1;
  let v1 = b * c;
  if (wrongAt === 1) v1 = slip(r, v1);
  let v2 = d * d;
  if (wrongAt === 2) v2 = slip(r, v2);
  let v3 = a + v1 - v2;
  if (wrongAt === 3) v3 = slip(r, v3);
  const text = `${a} + ${b} \\cdot ${c} - ${d}^2 = ${a} + ${v1} - ${v2} = ${v3}`;
  return { kind: 'chain', problem, lines: [{ text: wrap(r, text), truth: wrong ? 'incorrect' : 'correct' }] };
}

function linearEquation(r: Rand, wrong: boolean): Solution {
  const a = r.int(2, 9) * r.pick([1, -1]);
  const x = r.int(-12, 12);
  const b = r.int(-20, 20) || 7;
  const c = a * x + b;
  const problem = r.pick([`Solve $${linear(a, b)} = ${c}$.`, `Solve ${linear(a, b)} = ${c} for x.`, `Find x if \\(${linear(a, b)} = ${c}\\).`]);
  const wrongAt = wrong ? r.int(0, 2) : -1;
  const lines: Line[] = [];
  if (r.chance(0.4)) lines.push({ text: wrap(r, `${linear(a, b)} = ${c}`), truth: 'correct' });
  // step 0: move b; a sign slip writes c + b instead of c - b
  const moved = wrongAt === 0 ? `${c} ${b < 0 ? '-' : '+'} ${Math.abs(b)}` : `${c} ${b < 0 ? '+' : '-'} ${Math.abs(b)}`;
  let rhs = wrongAt === 0 ? c + b : c - b;
  const prose0 = r.pick(['', `Subtract ${b} from both sides:`, 'So']);
  lines.push({ text: wrap(r, `${a}x = ${moved}`, prose0), truth: wrongAt === 0 ? 'incorrect' : 'correct' });
  // step 1: the arithmetic on the right
  const shown = wrongAt === 1 ? slip(r, rhs) : rhs;
  lines.push({ text: wrap(r, `${a}x = ${shown}`), truth: wrongAt === 1 ? 'incorrect' : 'correct' });
  rhs = shown;
  // step 2: divide; a slip in the quotient
  const g = gcd(rhs, a) * (a < 0 ? -1 : 1);
  const [n, d] = [rhs / g, a / g];
  const n2 = wrongAt === 2 ? slip(r, n) : n;
  const answer = frac(n2 / gcd(n2, d), d / gcd(n2, d));
  if (r.chance(0.3)) lines.push({ text: r.pick(PROSE), truth: 'prose' });
  lines.push({ text: wrap(r, `x = ${answer}`, r.pick(['', 'Hence', 'Therefore'])), truth: wrongAt === 2 ? 'incorrect' : 'correct' });
  return { kind: 'linear', problem, lines };
}

function expansion(r: Rand, wrong: boolean): Solution {
  const p = r.int(-9, 9) || 2,
    q = r.int(-9, 9) || -3;
  const factors = `(${linear(1, p)})(${linear(1, q)})`;
  const problem = r.pick([`Expand $${factors}$.`, `Expand ${factors}.`, `Multiply out \\(${factors}\\).`]);
  const wrongAt = wrong ? r.int(0, 1) : -1;
  // step 0: distribute: x^2 + qx + px + pq
  const pq = wrongAt === 0 ? -p * q : p * q;
  const distributed = `x^2 ${q < 0 ? '-' : '+'} ${Math.abs(q)}x ${p < 0 ? '-' : '+'} ${Math.abs(p)}x ${pq < 0 ? '-' : '+'} ${Math.abs(pq)}`;
  let b = p + q;
  if (wrongAt === 1) b = slip(r, b);
  const continuation = r.chance(0.5);
  const lines: Line[] = [
    { text: wrap(r, `${factors} = ${distributed}`), truth: wrongAt === 0 ? 'incorrect' : 'correct' },
    { text: wrap(r, `${continuation ? '= ' : ''}${poly2(1, b, pq)}`), truth: wrongAt === 1 ? 'incorrect' : 'correct' },
  ];
  if (r.chance(0.3)) lines.splice(1, 0, { text: 'Now combine like terms.', truth: 'prose' });
  return { kind: 'expansion', problem, lines };
}

function fractions(r: Rand, wrong: boolean): Solution {
  const b = r.int(2, 9),
    d = r.int(2, 9);
  const a = r.int(1, b - 1) || 1,
    c = r.int(1, d - 1) || 1;
  const problem = `Compute $\\frac{${a}}{${b}} + \\frac{${c}}{${d}}$.`;
  const wrongAt = wrong ? r.int(0, 1) : -1;
  const den = b * d;
  let num = a * d + c * b;
  const l0 =
    wrongAt === 0
      ? `\\frac{${a}}{${b}} + \\frac{${c}}{${d}} = \\frac{${a + c}}{${b + d}}`
      : `\\frac{${a}}{${b}} + \\frac{${c}}{${d}} = \\frac{${a * d}}{${den}} + \\frac{${c * b}}{${den}}`;
  const lines: Line[] = [{ text: wrap(r, l0), truth: wrongAt === 0 ? 'incorrect' : 'correct' }];
  if (wrongAt === 0) return { kind: 'fractions', problem, lines };
  if (wrongAt === 1) num = slip(r, num);
  const g = gcd(num, den);
  lines.push({ text: wrap(r, `= \\frac{${num}}{${den}}${g > 1 ? ` = ${frac(num / g, den / g)}` : ''}`), truth: wrongAt === 1 ? 'incorrect' : 'correct' });
  return { kind: 'fractions', problem, lines };
}

function decimals(r: Rand, wrong: boolean): Solution {
  const a = r.int(11, 99) / 10,
    b = r.int(11, 99) / 10;
  const exact = Math.round(a * b * 100) / 100;
  const shown = wrong ? Math.round((exact + r.pick([0.1, -0.1, 1, 0.01])) * 100) / 100 : exact;
  const problem = `What is ${a} × ${b}?`;
  return {
    kind: 'decimals',
    problem,
    lines: [
      { text: wrap(r, `${a} \\times ${b} = ${shown}`), truth: wrong ? 'incorrect' : 'correct' },
      { text: 'That is the product.', truth: 'prose' },
    ],
  };
}

function quadratic(r: Rand, wrong: boolean): Solution {
  const p = r.int(-9, 9);
  let q = r.int(-9, 9);
  if (p === q) q = p + 3;
  const problem = `Solve $${poly2(1, -(p + q), p * q)} = 0$.`;
  const wrongAt = wrong ? r.int(0, 1) : -1;
  // step 0: factor; a sign slip factors with +q instead of -q
  const q0 = wrongAt === 0 ? (q === 0 ? 5 : -q) : q;
  const factor = (root: number) => (root === 0 ? 'x' : `(${linear(1, -root)})`);
  const lines: Line[] = [{ text: wrap(r, `${factor(p)}${factor(q0)} = 0`), truth: wrongAt === 0 ? 'incorrect' : 'correct' }];
  // step 1: the roots of the line before; a slip in one root
  const roots = wrongAt === 1 ? [p, slip(r, q0)] : [p, q0];
  if (wrongAt === 1 && roots[1] === p) roots[1] = p + 11;
  lines.push({
    text: r.pick([`$x = ${roots[0]}$ or $x = ${roots[1]}$`, `x = ${roots[0]} or x = ${roots[1]}`, `\\(x = ${roots[0]}\\) or \\(x = ${roots[1]}\\)`]),
    truth: wrongAt === 1 ? 'incorrect' : 'correct',
  });
  return { kind: 'quadratic', problem, lines };
}

function rational(r: Rand, wrong: boolean): Solution {
  const a = r.int(1, 9);
  const problem = `Simplify $\\frac{x^2 - ${a * a}}{x - ${a}}$.`;
  const b = wrong ? slip(r, a) : a;
  const lines: Line[] = [
    { text: wrap(r, `\\frac{x^2 - ${a * a}}{x - ${a}} = \\frac{(x - ${a})(x + ${a})}{x - ${a}}`), truth: 'correct' },
    { text: wrap(r, `= ${linear(1, b)}`), truth: wrong ? 'incorrect' : 'correct' },
  ];
  return { kind: 'rational', problem, lines };
}

function distributive(r: Rand, wrong: boolean): Solution {
  const a = r.int(2, 7),
    b = r.int(-9, 9) || 4,
    x = r.int(-10, 10);
  const c = a * (x + b);
  const problem = `Solve $${a}(${linear(1, b)}) = ${c}$.`;
  const wrongAt = wrong ? r.int(0, 1) : -1;
  // step 0: expand; the classic slip multiplies only the first term
  const ab = wrongAt === 0 ? b : a * b;
  const lines: Line[] = [{ text: wrap(r, `${linear(a, ab)} = ${c}`, r.pick(['', 'Expand:'])), truth: wrongAt === 0 ? 'incorrect' : 'correct' }];
  const rhs = c - ab;
  const shown = wrongAt === 1 ? slip(r, rhs) : rhs;
  lines.push({ text: wrap(r, `${a}x = ${shown}`), truth: wrongAt === 1 ? 'incorrect' : 'correct' });
  const g = gcd(shown, a);
  lines.push({ text: wrap(r, `x = ${frac(shown / g, a / g)}`), truth: 'correct' });
  return { kind: 'distributive', problem, lines };
}

const KINDS = [arithmetic, arithmeticChain, linearEquation, expansion, fractions, decimals, quadratic, rational, distributive];

/** `count` solutions, cycling through the kinds; every second one has exactly one wrong step. */
export function generateSolutions(count: number, seed = 12): Solution[] {
  const r = rand(seed);
  return Array.from({ length: count }, (_, i) => KINDS[i % KINDS.length](r, Math.floor(i / KINDS.length) % 2 === 1));
}
