/**
 * Checks a student's solution one step at a time with a computer algebra system.
 *
 *   import { SolutionChecker, checkSolution } from '../math';
 *
 *   const results = checkSolution('Solve $2x + 3 = 11$.', ['$2x = 14$', '$x = 7$']);
 *   // [{ verdict: 'incorrect', expected: 'x = 4', falseFrom: 0,
 *   //    message: '2x = 14 does not follow from 2x + 3 = 11: it gives x = 7, the line before gives x = 4.' },
 *   //  { verdict: 'correct', message: 'Equivalent to 2x = 14.' }]
 *
 *   const checker = new SolutionChecker('Compute $47 \\times 86$.');   // line by line, as text streams in
 *   checker.check('$47 \\times 86 = 4032$');  // { verdict: 'incorrect', expected: '4042', message: '47 × 86 = 4042, not 4032.' }
 *
 * What a line may hold: math in `$…$`, `\(…\)`, `$$…$$`, `\[…\]` or plain text (`2x + 3 = 11`).
 * - Numbers are checked exactly (integers, fractions, decimals); chains `a = b = c` link by link.
 * - Polynomial and rational identities: symbolically through the CAS, then by exact sampling.
 * - Equations: equivalent (same solutions) to the equation before, the first to the problem's.
 * - `= …` continues the previous line's last expression.
 * - `unknown` whenever the checker is not sure (prose, inequalities, √2 = 1.414): never a false `incorrect`.
 * The CAS itself sits behind ./cas.ts alone, so it can be swapped.
 */
export { SolutionChecker, checkSolution, checkAttempt, type StepCheck, type Verdict } from './judge';
export { statements, type Statement, type Part } from './extract';
export { hintProblem, firstIncorrect, type HintRequest } from './hint';
export { VERDICTS } from './verdict';
