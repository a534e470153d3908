/**
 * Problems of the toy task (issue 3), generated here independently of tools/toy/problems.py:
 * `Compute $E$.`, 2-4 operations from +, -, \times, at least one product of two 2-digit
 * numbers, no chained products, other operands 1-999; the answer by standard precedence.
 */
import { seededRandom } from '../../src/engine/random';

export interface ToyProblem {
  text: string;
  answer: number;
  /** the [a, b] of each product, left to right */
  products: [number, number][];
}

const int = (rand: () => number, lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

export function toyProblem(rand: () => number): ToyProblem {
  const nOps = int(rand, 2, 4);
  let ops: string[];
  do {
    ops = Array.from({ length: nOps }, () => '+-*'[int(rand, 0, 2)]);
  } while (!ops.includes('*') || ops.some((op, i) => op === '*' && ops[i + 1] === '*'));
  const operands = Array.from({ length: nOps + 1 }, (_, i) => (ops[i - 1] === '*' || ops[i] === '*' ? int(rand, 10, 99) : int(rand, 1, 999)));
  const products: [number, number][] = [];
  const terms = [operands[0]];
  const signs = [1];
  ops.forEach((op, i) => {
    const v = operands[i + 1];
    if (op === '*') {
      products.push([operands[i], v]);
      terms[terms.length - 1] *= v;
    } else {
      terms.push(v);
      signs.push(op === '+' ? 1 : -1);
    }
  });
  const tex = operands.map((v, i) => (i === 0 ? `${v}` : `${ops[i - 1] === '*' ? '\\times' : ops[i - 1]} ${v}`)).join(' ');
  return { text: `Compute $${tex}$.`, answer: terms.reduce((acc, t, i) => acc + signs[i] * t, 0), products };
}

export function toyProblems(n: number, seed: number): ToyProblem[] {
  const rand = seededRandom(seed); // the same problems every run
  return Array.from({ length: n }, () => toyProblem(rand));
}

/** The partial products of each multiplication, right-aligned to 4 characters as the traces write them. */
export const partials = (p: ToyProblem): string[] => p.products.flatMap(([a, b]) => [a * (b - (b % 10)), a * (b % 10)].map((x) => String(x).padStart(4)));
