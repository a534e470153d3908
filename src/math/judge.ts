/**
 * Judges a solution one line at a time (see index.ts for the rules in short). A checker keeps
 * what later lines are judged against: the last equation (the problem's at first) and the last
 * expression (for `= …` continuation lines).
 */
import { type MathJson, expand, parseLatex, solveFor, toLatex } from './cas';
import { type Comparison, compareExpressions, compareNumbers, sampleEnvs } from './compare';
import { KNOWN_HEADS, Rat, evalExact, freeSymbols, heads } from './exact';
import { type Part, type Statement, isAllMath, normalize, readable, statements } from './extract';

import { NO_SOLUTION, SOLUTIONS_JOINER } from './expectedText';
import type { Verdict } from './verdict';

/** Three letters in a row not after a backslash: prose inside math, which the checker does not read as algebra. */
const WORDS = /(?<![\\a-zA-Z])[a-zA-Z]{3,}/;

export type { Verdict };

export interface StepCheck {
  verdict: Verdict;
  /** One sentence for the student. */
  message: string;
  /** What the CAS expected where the step is wrong (a value, an expression, or a solution). */
  expected?: string;
  /** Offset in the line where the first false part starts (after the last `=` the checker accepts); set when incorrect. */
  falseFrom?: number;
  /** When unknown because a later part of an accepted chain is unreadable (`= 1 \\times  =`): where reading stopped. */
  unreadableFrom?: number;
}

interface Expr {
  json: MathJson;
  text: string;
  vars: string[];
}
interface Equation {
  lhs: Expr;
  rhs: Expr;
  text: string;
}

/** What a problem asks, as far as the checker needs to know. */
type Mode = 'solve' | 'simplify' | 'unsure';

const SIMPLIFY_VERBS = /\b(expand|simplify|compute|calculate|evaluate|multiply|factori[sz]e|what is|find the value|work out)\b/i;
const CONSTANTS = new Set(['Pi', 'ExponentialE']);

function readExpr(part: Part): Expr | undefined {
  const text = normalize(part.text);
  if (!text) return undefined;
  const json = parseLatex(text);
  if (json === undefined) return undefined;
  const vars = [...freeSymbols(json)];
  // Multi-letter symbols are prose the CAS read as a product or a name; unknown heads are functions we cannot evaluate.
  if (vars.some((v) => !/^[a-zA-Z](_[a-zA-Z0-9]+)?$/.test(v) && !CONSTANTS.has(v))) return undefined;
  if ([...heads(json)].some((h) => !KNOWN_HEADS.has(h))) return undefined;
  return { json, text: readable(part.text), vars };
}

function hasDecimal(...texts: string[]): boolean {
  return texts.some((t) => /\d\.\d/.test(t));
}

function unknown(message: string): StepCheck {
  return { verdict: 'unknown', message };
}

function formatValue(r: Rat, decimal: boolean): string {
  return r.toText(decimal);
}

function formatSolutions(variable: string, values: Rat[]): string {
  if (values.length === 0) return NO_SOLUTION;
  return [...values]
    .sort((a, b) => (a.sub(b).n < 0n ? -1 : 1))
    .map((v) => `${variable} = ${v.toText()}`)
    .join(SOLUTIONS_JOINER);
}

/** Exact rational roots the CAS finds for `lhs = rhs`, each verified by substitution; undefined if it finds none or any root is not rational. */
function verifiedRoots(eq: Equation, variable: string): Rat[] | undefined {
  const roots = solveFor(eq.lhs.json, eq.rhs.json, variable);
  if (!roots) return undefined;
  const out: Rat[] = [];
  for (const r of roots) {
    const v = evalExact(r);
    if (!v || !satisfies(eq, variable, v)) return undefined;
    if (!out.some((o) => o.equals(v))) out.push(v);
  }
  return out;
}

/**
 * The degree of `lhs - rhs` as a polynomial in `variable`, from exact finite differences at
 * 0…9 (the differences of a degree-d polynomial vanish from order d+1); undefined when it is
 * not a polynomial of degree ≤ 8 there (a denominator, a root, another variable).
 */
function degreeIn(eq: Equation, variable: string): number | undefined {
  let level: Rat[] = [];
  for (let k = 0n; k < 10n; k++) {
    const env = new Map([[variable, new Rat(k)]]);
    const l = evalExact(eq.lhs.json, env);
    const r = evalExact(eq.rhs.json, env);
    if (!l || !r) return undefined;
    level.push(l.sub(r));
  }
  for (let d = 0; level.length > 1; d++) {
    if (level.every((x) => x.equals(level[0]))) return d;
    level = level.slice(1).map((x, i) => x.sub(level[i]));
  }
  return undefined;
}

interface Solutions {
  /** Rational solutions, each verified by substitution. */
  roots: Rat[];
  /** True when these are all the solutions: as many as the polynomial's degree. */
  complete: boolean;
}

/** The rational solutions the CAS finds, plus small candidates that satisfy the equation. */
function solutionsOf(eq: Equation, variable: string): Solutions {
  const cas = verifiedRoots(eq, variable);
  const roots = [...(cas ?? [])];
  for (const c of CANDIDATES) if (satisfies(eq, variable, c) === true && !roots.some((r) => r.equals(c))) roots.push(c);
  const degree = degreeIn(eq, variable);
  const complete = degree !== undefined ? degree > 0 && roots.length === degree : cas !== undefined && roots.length === cas.length;
  return { roots, complete };
}

/** true/false when substitution decides it exactly; undefined when a side cannot be evaluated there (division by zero, √2). */
function satisfies(eq: Equation, variable: string, value: Rat): boolean | undefined {
  const env = new Map([[variable, value]]);
  const l = evalExact(eq.lhs.json, env);
  const r = evalExact(eq.rhs.json, env);
  return l && r ? l.equals(r) : undefined;
}

function difference(eq: Equation): MathJson {
  return ['Subtract', eq.lhs.json, eq.rhs.json];
}

/** Is one equation a non-zero constant multiple of the other (lhs − rhs), at every sample point? */
function proportional(a: Equation, b: Equation, vars: string[]): boolean {
  let ratio: Rat | undefined;
  let points = 0;
  for (const env of sampleEnvs(vars)) {
    const fa = evalExact(difference(a), env);
    const fb = evalExact(difference(b), env);
    if (!fa || !fb) continue;
    if (fb.isZero() || fa.isZero()) {
      if (fa.isZero() !== fb.isZero()) return false;
      continue;
    }
    const q = fa.div(fb)!;
    if (ratio && !ratio.equals(q)) return false;
    ratio = q;
    points++;
  }
  return points >= 4;
}

/** Small integers and simple fractions, tried as solutions when the CAS finds none. */
const CANDIDATES: readonly Rat[] = (() => {
  const out: Rat[] = [];
  for (let q = 1n; q <= 6n; q++) for (let p = -24n; p <= 24n; p++) if (q === 1n || p % q !== 0n) out.push(new Rat(p, q));
  return out;
})();

export class SolutionChecker {
  private readonly mode: Mode;
  private equation: Equation | undefined;
  private lastExpr: Expr | undefined;

  /** `problem` is the task as given ("Solve $2x + 3 = 11$."); its equation is what the first equation line must be equivalent to. */
  constructor(problem = '') {
    const stmts = statements(problem);
    for (const s of stmts) {
      const exprs = s.parts.map(readExpr);
      if (s.otherRelation || exprs.some((e) => !e)) continue;
      const [lhs, rhs] = exprs as Expr[];
      if (s.parts.length === 2 && lhs.vars.length + rhs.vars.length > 0) {
        this.equation = { lhs, rhs, text: `${lhs.text} = ${rhs.text}` };
        break;
      }
    }
    if (this.equation) this.mode = 'solve';
    else if (SIMPLIFY_VERBS.test(problem)) {
      this.mode = 'simplify';
      // "Expand (x+3)(x-5)": the expression a first `= …` line continues.
      const lone = mathRuns(problem)
        .map((p) => readExpr(p))
        .filter((e): e is Expr => !!e);
      this.lastExpr = lone.at(-1);
    } else this.mode = 'unsure';
  }

  /** A checker that goes on from where this one is, leaving this one as it is (to judge a line still being written). */
  fork(): SolutionChecker {
    return Object.assign(Object.create(SolutionChecker.prototype) as SolutionChecker, this);
  }

  /** Judges the next line of the solution. Never throws: what cannot be read is `unknown`. */
  check(line: string): StepCheck {
    try {
      return this.checkLine(line);
    } catch (e) {
      return unknown(`The checker could not judge this line (${(e as Error).message}).`);
    }
  }

  private checkLine(line: string): StepCheck {
    const stmts = statements(line);
    if (stmts.length === 0) {
      const lone = this.loneExpression(line);
      return lone ?? unknown('No equation to check on this line.');
    }
    if (stmts.length === 1 && stmts[0].parts.length === 1) {
      const lone = this.loneExpression(line);
      if (lone) return lone;
    }
    const set = this.solutionSet(stmts);
    if (set) return set;
    const results = stmts.map((s) => this.checkStatement(s));
    const wrong = results.find((r) => r.verdict === 'incorrect');
    if (wrong) return wrong;
    const open = results.find((r) => r.verdict === 'unknown');
    if (open) return open;
    return { verdict: 'correct', message: results.map((r) => r.message).join(' ') };
  }

  /**
   * In a simplify problem a bare algebraic line is the next form of the previous expression
   * (`x^2 - 5x + 3x - 15` after `(x+3)(x-5)`). Bare arithmetic is not: `47 × 80` alone is
   * more likely a side calculation than a claim that it equals what came before.
   */
  private loneExpression(line: string): StepCheck | undefined {
    if (this.mode !== 'simplify' || !this.lastExpr || !isAllMath(line)) return undefined;
    const runs = mathRuns(line);
    if (runs.length !== 1 || !readExpr(runs[0])?.vars.length) return undefined;
    return this.checkStatement({ parts: [{ text: '', start: runs[0].start }, runs[0]], start: runs[0].start, otherRelation: false });
  }

  /** `x = 2 or x = 3` (several `v = number` statements in one line): a solution set, judged against the equation. */
  private solutionSet(stmts: Statement[]): StepCheck | undefined {
    if (stmts.length < 2 || !this.equation) return undefined;
    const values: Rat[] = [];
    let variable: string | undefined;
    for (const s of stmts) {
      if (s.parts.length !== 2 || s.otherRelation) return undefined;
      const v = s.parts[0].text.trim();
      const value = readExpr(s.parts[1]);
      const r = value && value.vars.length === 0 ? evalExact(value.json) : undefined;
      if (!/^[a-zA-Z]$/.test(v) || (variable && v !== variable) || !r) return undefined;
      variable = v;
      values.push(r);
    }
    return this.judgeSolutions(variable!, values, stmts[0].start);
  }

  private judgeSolutions(variable: string, values: Rat[], start: number): StepCheck {
    const eq = this.equation!;
    const eqVars = [...new Set([...eq.lhs.vars, ...eq.rhs.vars])];
    const text = formatSolutions(variable, values);
    if (eqVars.length !== 1 || eqVars[0] !== variable) return unknown(`Cannot compare ${text} with ${eq.text}.`);
    const { roots, complete } = solutionsOf(eq, variable);
    const expected = complete ? formatSolutions(variable, roots) : undefined;
    for (const v of values) {
      if (satisfies(eq, variable, v) === false) {
        return {
          verdict: 'incorrect',
          message: `${variable} = ${v.toText()} does not satisfy ${eq.text}${expected ? `; it gives ${expected}` : ''}.`,
          expected,
          falseFrom: start,
        };
      }
    }
    const missing = roots.find((r) => !values.some((v) => v.equals(r)));
    if (missing)
      return {
        verdict: 'incorrect',
        message: `${eq.text} also has the solution ${variable} = ${missing.toText()}.`,
        expected: expected ?? `${variable} = ${missing.toText()}`,
        falseFrom: start,
      };
    if (complete && values.every((v) => satisfies(eq, variable, v) === true)) return { verdict: 'correct', message: `${text} solves ${eq.text}.` };
    return unknown(`${text} satisfies ${eq.text}, but the checker cannot tell whether solutions are missing.`);
  }

  private checkStatement(s: Statement): StepCheck {
    if (s.otherRelation) return unknown('The checker judges equations only, not inequalities.');
    const continuation = s.parts[0].text === '';
    if (continuation && !this.lastExpr) return unknown('This line continues an expression the checker has not seen.');
    const exprs: Expr[] = [];
    for (const [i, p] of s.parts.entries()) {
      // a run of letters that is no command (`Compute87`) is words, not a product of variables
      const e = i === 0 && continuation ? this.lastExpr : WORDS.test(p.text) ? undefined : readExpr(p);
      if (!e) return { ...unknown(`The checker cannot read "${p.text}".`), ...(i > 0 ? { unreadableFrom: p.start } : {}) };
      exprs.push(e);
    }
    this.lastExpr = exprs.at(-1);
    if (exprs.length === 1) return unknown('An expression with nothing to compare it with.');
    const vars = [...new Set(exprs.flatMap((e) => e.vars))];
    let equationVerdict: StepCheck | undefined;
    const notes: string[] = [];
    for (let i = 1; i < exprs.length; i++) {
      const a = exprs[i - 1];
      const b = exprs[i];
      const constant = a.vars.length === 0 && b.vars.length === 0;
      const cmp: Comparison = constant ? compareNumbers(a.json, b.json, b.text) : compareExpressions(a.json, b.json, vars);
      if (cmp === 'equal') continue;
      if (cmp === 'unsure') return unknown(`The checker cannot decide whether ${a.text} = ${b.text}.`);
      if (constant) {
        const value = evalExact(a.json);
        const expected = value ? formatValue(value, hasDecimal(a.text, b.text)) : undefined;
        if (!expected) return unknown(`The checker cannot decide whether ${a.text} = ${b.text}.`);
        return { verdict: 'incorrect', message: `${a.text} = ${expected}, not ${b.text}.`, expected, falseFrom: s.parts[i].start };
      }
      // An identity was claimed (a continuation, a later link of a chain, or any line of a simplify problem).
      const claimsIdentity = this.mode === 'simplify' || (continuation && i === 1) || equationVerdict !== undefined;
      if (claimsIdentity) {
        if (this.mode !== 'simplify' && !(continuation && i === 1)) return unknown(`The checker cannot tell what ${a.text} = ${b.text} claims.`);
        const e = expand(a.json);
        const expected = e !== undefined ? toLatex(e) : undefined;
        return {
          verdict: 'incorrect',
          message: expected ? `${a.text} = ${expected}, not ${b.text}.` : `${a.text} ≠ ${b.text}.`,
          expected,
          falseFrom: s.parts[i].start,
        };
      }
      equationVerdict = this.judgeEquation({ lhs: a, rhs: b, text: `${a.text} = ${b.text}` }, s.start);
      if (equationVerdict.verdict === 'incorrect') return equationVerdict;
      notes.push(equationVerdict.message);
    }
    if (equationVerdict) return equationVerdict.verdict === 'correct' ? { ...equationVerdict, message: notes.join(' ') } : equationVerdict;
    return { verdict: 'correct', message: vars.length === 0 ? 'The arithmetic is right.' : 'The identity holds.' };
  }

  /** An equation line: equivalent (same solution set) to the equation before it? */
  private judgeEquation(eq: Equation, start: number): StepCheck {
    const before = this.equation;
    this.equation = eq;
    if (!before) return unknown(`${eq.text}: there is no earlier equation to compare it with.`);
    const vars = [...new Set([...eq.lhs.vars, ...eq.rhs.vars, ...before.lhs.vars, ...before.rhs.vars])];
    if (proportional(eq, before, vars)) return { verdict: 'correct', message: `Equivalent to ${before.text}.` };
    if (vars.length !== 1) return unknown(`The checker cannot decide whether ${eq.text} follows from ${before.text}.`);
    const [v] = vars;
    const old = solutionsOf(before, v);
    const roots = old.roots;
    const expected = old.complete ? formatSolutions(v, roots) : undefined;
    const given = eq.lhs.text.trim() === v && eq.rhs.vars.length === 0 ? evalExact(eq.rhs.json) : undefined;
    const ours = given ? { roots: [given], complete: true } : solutionsOf(eq, v);
    const mine = ours.roots;
    for (const r of mine) {
      if (satisfies(before, v, r) === false) {
        const previous = expected ? `, the line before gives ${expected}` : '';
        return {
          verdict: 'incorrect',
          message: `${eq.text} does not follow from ${before.text}: it gives ${formatSolutions(v, [r])}${previous}.`,
          expected,
          falseFrom: start,
        };
      }
    }
    for (const r of roots) {
      if (satisfies(eq, v, r) === false) {
        return { verdict: 'incorrect', message: `${eq.text} does not follow from ${before.text}, which gives ${expected}.`, expected, falseFrom: start };
      }
    }
    // The CAS may miss roots (it does not solve x^2 = 3x): small rational candidates that satisfy one equation and not the other still prove a difference.
    for (const c of CANDIDATES) {
      const inBefore = satisfies(before, v, c);
      const inThis = satisfies(eq, v, c);
      if (inBefore === undefined || inThis === undefined || inBefore === inThis) continue;
      const which = inBefore
        ? `${before.text} has the solution ${v} = ${c.toText()}, which ${eq.text} loses`
        : `${eq.text} has the solution ${v} = ${c.toText()}, which ${before.text} does not`;
      return {
        verdict: 'incorrect',
        message: `${eq.text} does not follow from ${before.text}: ${which}.`,
        expected: expected ?? (inBefore ? `${v} = ${c.toText()}` : undefined),
        falseFrom: start,
      };
    }
    if (old.complete && ours.complete && roots.length === mine.length && roots.every((r) => mine.some((m) => m.equals(r)))) {
      return { verdict: 'correct', message: `Same solutions as ${before.text} (${expected}).` };
    }
    return unknown(`The checker cannot decide whether ${eq.text} follows from ${before.text}.`);
  }
}

/** Math without a relation in a text (the expression of "Expand (x+3)(x-5)"). */
function mathRuns(text: string): Part[] {
  return statements(text, true)
    .filter((s) => s.parts.length === 1)
    .map((s) => s.parts[0]);
}

/** Judges every non-empty line of a solution in order. */
export function checkSolution(problem: string, lines: readonly string[]): StepCheck[] {
  const checker = new SolutionChecker(problem);
  return lines.map((l) => checker.check(l));
}

/** A student's attempt at the next step, judged after the problem and the steps before it (tutor mode). */
export function checkAttempt(problem: string, steps: readonly string[], attempt: string): StepCheck {
  const checker = new SolutionChecker(problem);
  for (const s of steps) checker.check(s);
  return checker.check(attempt);
}
