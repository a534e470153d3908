/**
 * Finds the math in one line of a student's solution: `$…$`, `\(…\)`, `$$…$$`, `\[…\]`, or plain
 * text such as `So 2x + 3 = 11.`. Each statement is split into the parts of its chain
 * (`a = b = c`), with offsets into the line so a wrong part can be pointed at.
 */

export interface Part {
  /** The part's text as written (empty for the missing left side of a `= …` continuation). */
  text: string;
  /** Offset of `text` in the line. */
  start: number;
}

export interface Statement {
  parts: Part[];
  /** Offset of the statement in the line. */
  start: number;
  /** A relation other than `=` (≠, <, ≤, …): the checker does not judge these. */
  otherRelation: boolean;
}

const DELIMITED = /\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]|\\\(([\s\S]+?)\\\)|(?<!\\)\$((?:\\\$|[^$])+?)\$/g;

/** LaTeX commands between statements: implications, spacing, `or`, and `\text{…}` words. */
const SEPARATOR_COMMAND =
  /\\(?:Rightarrow|Longrightarrow|implies|iff|Leftrightarrow|therefore|to|quad|qquad|lor|vee|text\{[^}]*\}|mathrm\{[^}]*\}|textrm\{[^}]*\})/;
/** A comma outside braces and parentheses (inside them it separates arguments or coordinates). */
const SEPARATOR_COMMA = /,(?![^{(]*[})])/;
/** `\\`, LaTeX's line break. */
const LINE_BREAK = /\\\\/;
/** Separators between statements inside math: implications, `\text{…}` words, spacing commands, commas, `or`. */
const MATH_SEPARATOR = new RegExp([SEPARATOR_COMMAND.source, '⇒|→|⟹|∴|;', SEPARATOR_COMMA.source, LINE_BREAK.source].join('|'), 'g');

/** A word of two or more letters not part of a LaTeX command is prose; it ends a plain-text math run. */
const PROSE_SEPARATOR = /(?<![\\a-zA-Z])[a-zA-Z]{2,}(?![a-zA-Z])|[:;!?]|,\s|\.(?=\s|$)|⇒|→|⟹|∴/g;

const LIST_MARKER = /^\s*(?:[-*+>]\s+|#{1,6}\s+|\d+[.)]\s+|\(\d+\)\s+|step\s*\d+\s*[:.)-]\s*)/i;

const OTHER_RELATION = /\\(?:neq?|le|ge|leq|geq|lt|gt|approx|sim|equiv|in|subset)(?![a-zA-Z])|[<>≤≥≠≈]/;

function splitBy(text: string, offset: number, sep: RegExp): Part[] {
  const out: Part[] = [];
  let last = 0;
  for (const m of text.matchAll(new RegExp(sep.source, 'g'))) {
    out.push({ text: text.slice(last, m.index), start: offset + last });
    last = m.index + m[0].length;
  }
  out.push({ text: text.slice(last), start: offset + last });
  return out;
}

function trimPart(p: Part): Part {
  const lead = p.text.length - p.text.trimStart().length;
  let text = p.text.trim();
  text = text.replace(/[.,;:]+$/, '').trimEnd();
  return { text, start: p.start + lead };
}

/** Splits at top-level `=` (not inside braces or brackets, not part of `<=`, `>=`, `==`). */
function chainParts(p: Part): Part[] {
  const out: Part[] = [];
  let depth = 0;
  let last = 0;
  for (let i = 0; i < p.text.length; i++) {
    const c = p.text[i];
    if (c === '{' || c === '(' || c === '[') depth++;
    else if (c === '}' || c === ')' || c === ']') depth--;
    else if (c === '=' && depth === 0 && !'<>!='.includes(p.text[i - 1] ?? ' ') && p.text[i + 1] !== '=') {
      out.push(trimPart({ text: p.text.slice(last, i), start: p.start + last }));
      last = i + 1;
    }
  }
  out.push(trimPart({ text: p.text.slice(last), start: p.start + last }));
  return out;
}

/** `(x = 4)`: a statement in parentheses, as students write solution sets. */
function unwrapParentheses(p: Part): Part {
  const m = /^\(([^()]*=[^()]*)\)$/.exec(p.text);
  return m ? { text: m[1], start: p.start + 1 } : p;
}

function statement(p: Part): Statement | undefined {
  const t = unwrapParentheses(trimPart(p));
  if (!/[0-9a-zA-Z]/.test(t.text)) return undefined;
  return { parts: chainParts(t), start: t.start, otherRelation: OTHER_RELATION.test(t.text) };
}

/**
 * The statements of a line, in order. A line of prose yields none. In plain text only runs
 * that state a relation count unless `bareExpressions` (then `Expand (x+3)(x-5)` yields one).
 */
export function statements(line: string, bareExpressions = false): Statement[] {
  const pieces: Part[] = [];
  for (const m of line.matchAll(DELIMITED)) {
    const groupIndex = [1, 2, 3, 4].find((g) => m[g] !== undefined) ?? 1;
    const inner = m[groupIndex];
    const start = m.index + m[0].indexOf(inner);
    pieces.push(...splitBy(inner, start, MATH_SEPARATOR));
  }
  if (pieces.length === 0) {
    const marker = LIST_MARKER.exec(line);
    const from = marker ? marker[0].length : 0;
    for (const run of splitBy(line.slice(from), from, PROSE_SEPARATOR)) {
      // A lone `x` between prose words is not a step unless the caller asks for bare expressions.
      if (!bareExpressions && !/[=<>≤≥≠]/.test(run.text)) continue;
      // `= …` continues the line before only when the line starts with it, not after a prose word.
      if (run.text.trimStart().startsWith('=') && line.slice(from, run.start).trim() !== '') continue;
      pieces.push(run);
    }
  }
  return pieces.map(statement).filter((s): s is Statement => s !== undefined);
}

/** Plain-text and Unicode math into LaTeX the CAS reads. */
export function normalize(text: string): string {
  return text
    .replace(/×|✕|⋅|·|\*/g, (c) => (c === '×' || c === '✕' ? '\\times ' : '\\cdot '))
    .replace(/÷/g, '\\div ')
    .replace(/[−–—]/g, '-')
    .replace(/²/g, '^2')
    .replace(/³/g, '^3')
    .replace(/√/g, '\\sqrt ')
    .replace(/\\[dt]frac/g, '\\frac')
    .replace(/\\(?:left|right|displaystyle|,|;|!|:)/g, ' ')
    .replace(/\\boxed\{([^{}]*)\}/g, '$1')
    .trim();
}

/** True when the line is nothing but math (after a list marker): no prose words around it. */
export function isAllMath(line: string): boolean {
  const body = line.replace(LIST_MARKER, '').replace(DELIMITED, ' ').trim();
  if (body === '') return new RegExp(DELIMITED.source).test(line);
  return !new RegExp(PROSE_SEPARATOR.source).test(body.replace(/[.,;]+$/, ''));
}

/** LaTeX operators as a reader sees them, for messages (`47 \\times 86` → `47 × 86`). */
export function readable(text: string): string {
  return text
    .replace(/\\times\s*/g, '× ')
    .replace(/\\cdot\s*/g, '· ')
    .replace(/\\div\s*/g, '÷ ')
    .replace(/\\(?:left|right)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}
