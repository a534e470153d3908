/**
 * The problem text the split loop gets for "explain this step": the student's work and what
 * the checker found, with an instruction to give a hint rather than the answer.
 */
import type { StepCheck } from './judge';

export interface HintRequest {
  problem: string;
  /** The solution's non-empty lines, in order. */
  steps: readonly string[];
  /** Index into `steps` of the step to explain. */
  index: number;
  check: StepCheck;
}

export function hintProblem(r: HintRequest): string {
  const shown = r.steps.slice(0, r.index + 1).map((s, i) => `Step ${i + 1}: ${s}`);
  const found = r.check.expected
    ? `A computer algebra system found it wrong: ${r.check.message} (expected ${r.check.expected})`
    : `A computer algebra system found it wrong: ${r.check.message}`;
  return [
    `A student is working on this problem: ${r.problem || '(no problem text given)'}`,
    `Their work so far:`,
    ...shown,
    `Step ${r.index + 1} is wrong. ${found}`,
    `Give the student a short hint that helps them find and fix the mistake in step ${r.index + 1} themselves.`,
    `Do not give the corrected step or the final answer.`,
  ].join('\n');
}

/** The first incorrect step of a checked solution, or -1. */
export function firstIncorrect(checks: readonly StepCheck[]): number {
  return checks.findIndex((c) => c.verdict === 'incorrect');
}
