/**
 * For the `verify` trigger: where to rewind a line of small-model text that the CAS checker
 * finds wrong, so the large model can write it instead. The rewind keeps what the checker
 * accepted: a chain is cut at its first false part (right after the last `=` it accepts), an
 * equation that does not follow from the one before is cut at its start.
 */
import { SolutionChecker, statements, type StepCheck } from '../math';

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
  /**
   * When the problem's only math is an arithmetic expression to work out, a line that is only an
   * arithmetic expression restates it (`$ 420 - 776 + 3354$` after the product is worked out) and
   * must have its value. Default true for the split loop, where a mis-copied term is otherwise
   * carried to a wrong answer by lines that are each right; a student may write side sums, so the
   * checker itself does not assume this.
   */
  restatements?: boolean;
}

/** An arithmetic expression with at least one operator: digits, operators, brackets, spaces, `\times`/`\cdot`/`\div`. */
const ARITHMETIC = /^(?=.*\d\s*(?:[-+*/×·÷]|\\times|\\cdot|\\div))(?:[\d\s.+\-*/×·÷()]|\\times|\\cdot|\\div|\\left|\\right)+$/;

/** The one math part of `text` when that is all the math there is and it is arithmetic. */
function loneArithmetic(text: string): { text: string; start: number } | undefined {
  const stmts = statements(text, true);
  if (stmts.length !== 1 || stmts[0].parts.length !== 1 || stmts[0].otherRelation) return undefined;
  const [part] = stmts[0].parts;
  return ARITHMETIC.test(part.text.trim()) ? part : undefined;
}

/** What closes the math a partial line left open: `$`, `$$`, `\)` or `\]`; '' when none is open. */
export function closingDelimiter(line: string): string {
  const text = line.replace(/\\\$/g, '');
  const dollars = text.match(/\$\$|\$/g) ?? [];
  const open = dollars.reduce<string | undefined>((o, d) => (o === undefined ? d : o === d ? undefined : o), undefined);
  if (open) return open;
  const bracket = /\\([[(])(?![^]*\\[\])])[^]*$/.exec(text);
  return bracket ? (bracket[1] === '(' ? '\\)' : '\\]') : '';
}

/** Checks lines one after another (the split loop keeps one per solve). */
export class LineVerifier {
  private readonly checker: SolutionChecker;
  /** the expression the problem asks to work out, when restatements are checked */
  private readonly expression?: string;

  constructor(
    problem: string,
    private readonly options: VerifyOptions = {},
  ) {
    this.checker = new SolutionChecker(problem);
    if (options.restatements ?? true) this.expression = loneArithmetic(problem)?.text;
  }

  /** The next completed line; null when it is fine (or the checker cannot tell). */
  push(line: string): RewindPoint | null {
    return this.judge(this.checker, line) ?? this.restatement(line);
  }

  /**
   * A line still being written, judged as it stands against the lines pushed before (its open math
   * closed, so it is not read as prose); the checker does not move on.
   */
  peek(line: string): RewindPoint | null {
    // (what stands before an `=` is the left side of an equation, never a restatement)
    return this.judge(this.checker.fork(), line + closingDelimiter(line));
  }

  private judge(checker: SolutionChecker, line: string): RewindPoint | null {
    const check = checker.check(line);
    if (check.verdict === 'incorrect') return { offset: check.falseFrom ?? 0, check };
    if (check.verdict === 'unknown' && check.unreadableFrom !== undefined && (this.options.unreadable ?? true)) return { offset: check.unreadableFrom, check };
    return null;
  }

  /** A lone arithmetic line whose value is not the problem's: rewound to the start of its expression. */
  private restatement(line: string): RewindPoint | null {
    const restated = this.expression !== undefined ? loneArithmetic(line) : undefined;
    if (!restated) return null;
    const check = new SolutionChecker('').check(`$${this.expression} = ${restated.text}$`);
    if (check.verdict !== 'incorrect') return null;
    return {
      offset: restated.start,
      check: { ...check, message: `This restates the problem's ${this.expression}, but its value is not the same: ${check.message}` },
    };
  }
}

/** One-shot form: `line` judged after the problem and the lines before it. */
export function verifyPoint(line: string, problem: string, previousLines: readonly string[] = [], options: VerifyOptions = {}): RewindPoint | null {
  const v = new LineVerifier(problem, options);
  for (const l of previousLines) if (l.trim()) v.push(l);
  return v.push(line);
}
