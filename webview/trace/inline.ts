/**
 * The inline grammar of one block of model text: math (`$…$`, `\(…\)`, `$$…$$`, `\[…\]`,
 * a bare `\boxed{…}`), `code`, **bold** and *italic*. Pure: it returns source ranges, and the
 * DOM builder and the LaTeX export walk the same items, so both agree on what is math.
 *
 * Every search for a closing delimiter remembers when it ran off the end of the text: a
 * hostile line of thousands of unmatched `$` or `\[` then costs linear time, not quadratic.
 */

export type InlineItem =
  /** Source text shown as written. */
  | { kind: 'text'; start: number; end: number }
  /** Source `\$` shown as `$`. */
  | { kind: 'dollar'; start: number; end: number }
  | { kind: 'math'; start: number; end: number; tex: string; display: boolean }
  /** Code span: the text between the backticks is [innerStart, innerEnd). */
  | { kind: 'code'; start: number; end: number; innerStart: number; innerEnd: number }
  | { kind: 'open' | 'close'; start: number; end: number; tag: EmphasisTag };

export type EmphasisTag = 'strong' | 'em';

export interface InlineParse {
  items: InlineItem[];
  /** A `$$` or `\[` opened and not closed: the block may continue on the next line. */
  unclosedDisplay: boolean;
}

/** Longest `\boxed{…}` argument searched for its closing brace. */
const MAX_BOXED_CHARS = 2000;

const isSpace = (c: string | undefined): boolean => c === undefined || c === ' ' || c === '\t' || c === '\n';
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

interface Delimiter {
  index: number; // position in items
  tag: EmphasisTag;
  canOpen: boolean;
  canClose: boolean;
}

export function parseInline(s: string, from = 0): InlineParse {
  const items: InlineItem[] = [];
  const delimiters: Delimiter[] = [];
  let unclosedDisplay = false;
  // Set once a search for that closer reached the end of the text without a match.
  const exhausted = { dollars: false, bracket: false, paren: false, backtick: false };
  // An inline `$` before this position has no closer (see findInlineDollar).
  let dollarFailEnd = -1;
  let textStart = from;
  let i = from;

  const flushText = (end: number): void => {
    if (end > textStart) items.push({ kind: 'text', start: textStart, end });
  };
  const emit = (item: InlineItem): void => {
    flushText(item.start);
    items.push(item);
    textStart = item.end;
    i = item.end;
  };
  const find = (needle: string, at: number, key: keyof typeof exhausted): number => {
    if (exhausted[key]) return -1;
    const j = s.indexOf(needle, at);
    if (j < 0) exhausted[key] = true;
    return j;
  };

  while (i < s.length) {
    const c = s[i];
    if (c === '\\') {
      const next = s[i + 1];
      if (next === '$') {
        emit({ kind: 'dollar', start: i, end: i + 2 });
      } else if (next === '[' || next === '(') {
        const display = next === '[';
        const close = find(display ? '\\]' : '\\)', i + 2, display ? 'bracket' : 'paren');
        if (close < 0) {
          if (display) unclosedDisplay = true;
          i += 2;
        } else {
          emit({ kind: 'math', start: i, end: close + 2, tex: s.slice(i + 2, close), display });
        }
      } else if (s.startsWith('\\boxed{', i)) {
        const close = matchBrace(s, i + 6);
        if (close < 0) i += 7;
        else emit({ kind: 'math', start: i, end: close + 1, tex: s.slice(i, close + 1), display: false });
      } else {
        i += next === undefined ? 1 : 2; // an escaped character is never a delimiter
      }
    } else if (c === '$') {
      if (s[i + 1] === '$') {
        const close = find('$$', i + 2, 'dollars');
        if (close < 0) {
          unclosedDisplay = true;
          i += 2;
        } else {
          emit({ kind: 'math', start: i, end: close + 2, tex: s.slice(i + 2, close), display: true });
        }
      } else {
        const found = isSpace(s[i + 1]) ? wholeLineDollar(s, i, from) : i < dollarFailEnd ? undefined : findInlineDollar(s, i + 1);
        if (found === undefined || found.close < 0) {
          if (found !== undefined) dollarFailEnd = found.failAt;
          i += 1;
        } else {
          emit({ kind: 'math', start: i, end: found.close + 1, tex: s.slice(i + 1, found.close), display: false });
        }
      }
    } else if (c === '`') {
      if (s[i + 1] === '`') {
        while (s[i] === '`') i++; // a run of backticks (a fence) is text here
        continue;
      }
      const close = find('`', i + 1, 'backtick');
      if (close < 0) i += 1;
      else emit({ kind: 'code', start: i, end: close + 1, innerStart: i + 1, innerEnd: close });
    } else if (c === '*') {
      const width = s[i + 1] === '*' ? 2 : 1;
      const before = s[i - 1];
      const after = s[i + width];
      const canOpen = !isSpace(after) && after !== '*';
      const canClose = i > from && !isSpace(before) && before !== '*';
      if (canOpen || canClose) {
        flushText(i);
        delimiters.push({ index: items.length, tag: width === 2 ? 'strong' : 'em', canOpen, canClose });
        items.push({ kind: 'open', start: i, end: i + width, tag: width === 2 ? 'strong' : 'em' });
        textStart = i + width;
      }
      i += width;
    } else {
      i += 1;
    }
  }
  flushText(s.length);
  pairEmphasis(items, delimiters);
  return { items, unclosedDisplay };
}

/** Index of the `}` that closes the `{` at `open`, or -1. */
export function matchBrace(s: string, open: number): number {
  let depth = 0;
  const stop = Math.min(s.length, open + MAX_BOXED_CHARS);
  for (let j = open; j < stop; j++) {
    const c = s[j];
    if (c === '\\') j++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return j;
  }
  return -1;
}

/**
 * The closing `$` of inline math opened just before `from` (Pandoc's rule, so prices like
 * "$5 and $6" stay text): the closer follows a non-space and is not followed by a digit.
 * Whether a `$` can close does not depend on where the search began, so when the search fails
 * at `failAt` (the end of the text, or a `$$`) it fails for every opener before `failAt`.
 */
function findInlineDollar(s: string, from: number): { close: number; failAt: number } {
  for (let j = from; j < s.length; j++) {
    const c = s[j];
    if (c === '\\') j++;
    else if (c === '$') {
      if (s[j + 1] === '$') return { close: -1, failAt: j }; // inline math does not run into display math
      if (j > from && !isSpace(s[j - 1]) && !isDigit(s[j + 1])) return { close: j, failAt: -1 };
    }
  }
  return { close: -1, failAt: s.length };
}

/** After the closing `$` of a line that is one formula: nothing, or sentence punctuation. */
const LINE_END = /^[\s.,;:!?]*$/;

/**
 * Inline math padded with spaces (`$  4042 - 129 = 3913$`, as the toy pair writes it) where it
 * is unambiguous: the `$` opens the line, the next `$` closes it and ends the line. Pandoc's
 * rule (findInlineDollar) refuses the padding so that "$5 and $6" stays text; a line that is
 * one formula cannot be a price.
 */
function wholeLineDollar(s: string, open: number, from: number): { close: number; failAt: number } | undefined {
  if (s.slice(from, open).trim() !== '') return undefined;
  for (let j = open + 1; j < s.length; j++) {
    const c = s[j];
    if (c === '\\') j++;
    else if (c === '$') {
      if (s[j + 1] === '$' || s.slice(open + 1, j).trim() === '' || !LINE_END.test(s.slice(j + 1))) return undefined;
      return { close: j, failAt: -1 };
    }
  }
  return undefined;
}

/**
 * Pairs `**`/`*` like brackets: a closer matches only the innermost open delimiter of the same
 * kind, so the pairs always nest. Unpaired delimiters turn back into text.
 */
function pairEmphasis(items: InlineItem[], delimiters: Delimiter[]): void {
  const stack: Delimiter[] = [];
  const paired = new Set<number>();
  for (const d of delimiters) {
    const top = stack[stack.length - 1];
    if (d.canClose && top !== undefined && top.tag === d.tag) {
      stack.pop();
      paired.add(top.index);
      paired.add(d.index);
      const item = items[d.index];
      items[d.index] = { kind: 'close', start: item.start, end: item.end, tag: d.tag };
    } else if (d.canOpen) {
      stack.push(d);
    }
  }
  for (const d of delimiters) {
    if (!paired.has(d.index)) {
      const item = items[d.index];
      items[d.index] = { kind: 'text', start: item.start, end: item.end };
    }
  }
}
