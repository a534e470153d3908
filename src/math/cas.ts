/**
 * The one module that talks to the computer algebra system, so it can be swapped.
 *
 * Chosen: @cortex-js/compute-engine 0.30.2 (MIT, maintained by Arno Gourdol / CortexJS).
 * It parses LaTeX directly into MathJSON (a plain-JSON tree the rest of src/math reads),
 * expands and simplifies symbolically, and solves univariate equations. Later versions use
 * Node 22's Set methods (`isDisjointFrom`), which VS Code's Node 20 extension host lacks;
 * 0.30.2 has none and runs on Node 20. @khanacademy/kas compares expressions and equations
 * well but evaluates in floating point (0.1 + 0.2 → 0.30000000000000004) and reads a subset
 * of LaTeX; mathjs reads no LaTeX at all.
 */
import { ComputeEngine, type SemiBoxedExpression } from '@cortex-js/compute-engine';

/** MathJSON (https://cortexjs.io/math-json/): numbers, symbols, `[head, ...args]`, `{num}` for big numbers. */
export type MathJson = number | string | { num: string } | MathJson[];

let engine: ComputeEngine | undefined;
function ce(): ComputeEngine {
  engine ??= new ComputeEngine();
  return engine;
}

/** Our MathJSON type is looser than the engine's (any array, not a head-first tuple); the engine validates what it boxes. */
const boxable = (e: MathJson): SemiBoxedExpression => e as SemiBoxedExpression;

function hasError(e: MathJson): boolean {
  if (!Array.isArray(e)) return false;
  return e[0] === 'Error' || e[0] === 'ErrorCode' || e.some((a, i) => i > 0 && hasError(a));
}

/** LaTeX (or plain `2x + 3`) → canonical MathJSON; undefined when the CAS reports a syntax error. */
export function parseLatex(latex: string): MathJson | undefined {
  try {
    const json = ce().parse(latex).json as MathJson;
    return hasError(json) ? undefined : json;
  } catch {
    return undefined;
  }
}

/** Is `a - b` symbolically zero after expanding and simplifying? false means "not shown", not "different". */
export function symbolicallyEqual(a: MathJson, b: MathJson): boolean {
  try {
    const diff = ce()
      .box(['Expand', ['Subtract', boxable(a), boxable(b)]])
      .evaluate()
      .simplify();
    return diff.json === 0;
  } catch {
    return false;
  }
}

/** The expanded, simplified form of an expression, as MathJSON (what a student's line was expected to be). */
export function expand(e: MathJson): MathJson | undefined {
  try {
    const r = ce()
      .box(['Expand', boxable(e)])
      .evaluate()
      .simplify().json as MathJson;
    return hasError(r) ? undefined : r;
  } catch {
    return undefined;
  }
}

/** Solutions of `lhs = rhs` for one variable as MathJSON values; undefined when the CAS cannot solve it. Possibly incomplete: callers verify. */
export function solveFor(lhs: MathJson, rhs: MathJson, variable: string): MathJson[] | undefined {
  try {
    const roots = ce()
      .box(['Equal', boxable(lhs), boxable(rhs)])
      .solve(variable);
    return roots && roots.length > 0 ? roots.map((r) => r.json as MathJson) : undefined;
  } catch {
    return undefined;
  }
}

/** LaTeX for a MathJSON expression (messages and expected values). */
export function toLatex(e: MathJson): string {
  try {
    return ce().box(boxable(e)).latex;
  } catch {
    return JSON.stringify(e);
  }
}
