/**
 * For the `verify` trigger: where to rewind a line of small-model text that the CAS checker
 * finds wrong, so the large model can write it instead. The rewind keeps what the checker
 * accepted: a chain is cut at its first false part (right after the last `=` it accepts), an
 * equation that does not follow from the one before is cut at its start.
 */
import { SolutionChecker, type StepCheck } from '../math';

export interface RewindPoint {
  /** Offset in the line to rewind to: the text before it stays, the text from it on is rewritten. */
  offset: number;
  check: StepCheck;
}

export interface VerifyOptions {
  /**
   * Also rewind where an accepted chain runs into a part the checker cannot read (`= 1 \times  =`).
   * Default true: for the split loop malformed math is worth rewriting; a student's work is never flagged for it.
   */
  unreadable?: boolean;
}

/** Checks lines one after another (the split loop keeps one per solve). */
export class LineVerifier {
  private readonly checker: SolutionChecker;

  constructor(problem: string, private readonly options: VerifyOptions = {}) {
    this.checker = new SolutionChecker(problem);
  }

  /** The next completed line; null when it is fine (or the checker cannot tell). */
  push(line: string): RewindPoint | null {
    const check = this.checker.check(line);
    if (check.verdict === 'incorrect') return { offset: check.falseFrom ?? 0, check };
    if (check.verdict === 'unknown' && check.unreadableFrom !== undefined && (this.options.unreadable ?? true)) return { offset: check.unreadableFrom, check };
    return null;
  }
}

/** One-shot form: `line` judged after the problem and the lines before it. */
export function verifyPoint(line: string, problem: string, previousLines: readonly string[] = [], options: VerifyOptions = {}): RewindPoint | null {
  const v = new LineVerifier(problem, options);
  for (const l of previousLines) if (l.trim()) v.push(l);
  return v.push(line);
}
