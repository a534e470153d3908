/**
 * Exact provenance inside math: a formula that several segments wrote is typeset once, with the
 * pieces the large model wrote wrapped in `\htmlClass{sr-texseg-<id>}{…}` so that only those
 * characters are tinted. KaTeX lets `\htmlClass` through only when its trust function says so
 * (trustSegmentClass: that command with exactly one class of this form and nothing else), and
 * every HTML-extension command the model itself wrote (`\htmlClass`, `\htmlId`, `\htmlStyle`,
 * `\htmlData`, `\href`, `\url`, `\includegraphics`) is replaced by its name as plain text first,
 * so a model cannot borrow the tint, set an id, a style or a link.
 *
 * Wrapping works on TeX tokens: a segment boundary inside a control word, a group that would
 * open in one wrap and close outside it, or any other cut that leaves the TeX unbalanced gives
 * null, and the caller typesets the formula whole (math.ts also falls back when KaTeX refuses
 * the wrapped TeX).
 */

/** Prefix of the one class name `\htmlClass` may carry; the segment id follows. */
export const TEX_SEGMENT_CLASS_PREFIX = 'sr-texseg-';
const TEX_SEGMENT_CLASS = /^sr-texseg-(\d{1,9})$/;

/** KaTeX `trust`: only `\htmlClass{sr-texseg-<id>}`. */
export function trustSegmentClass(context: { command: string; class?: string }): boolean {
  return context.command === '\\htmlClass' && typeof context.class === 'string' && TEX_SEGMENT_CLASS.test(context.class);
}

/** The segment id of an element's `sr-texseg-<id>` class, or null. */
export function texSegmentOf(className: string): number | null {
  for (const c of className.split(/\s+/)) {
    const m = TEX_SEGMENT_CLASS.exec(c);
    if (m) return Number(m[1]);
  }
  return null;
}

/** Commands that would reach HTML with trust on; written by a model they become their name as text. */
const HTML_COMMANDS = /^\\(html[A-Za-z]*|href|url|includegraphics)$/;
/** Tokens that structure a formula: a wrap group never starts with one or runs across one at its own level. */
const STRUCTURAL = new Set([
  '&',
  '\\\\',
  '\\cr',
  '\\left',
  '\\right',
  '\\middle',
  '\\begin',
  '\\end',
  '\\over',
  '\\atop',
  '\\choose',
  '\\above',
  '\\limits',
  '\\nolimits',
  '#',
  '%',
  "'",
]);
const SCRIPTS = new Set(['^', '_']);
/** Their next token is a delimiter, written as it is. */
const DELIMITED = new Set(['\\left', '\\right', '\\middle']);

interface Token {
  text: string;
  seg: number;
}

/** A piece of a formula's TeX and the segment that wrote it, in order. */
export interface TexPiece {
  seg: number;
  text: string;
}

/**
 * The formula with every piece of a segment for which `wrap(seg)` holds wrapped in
 * `\htmlClass`, or null when the pieces cannot be wrapped without changing the formula's shape.
 */
export function segmentedTex(pieces: readonly TexPiece[], wrap: (seg: number) => boolean): string | null {
  const tokens = tokenize(pieces);
  if (!tokens) return null;
  let out = '';
  let open: number | null = null; // the segment of the open wrap group
  let depth = 0; // braces opened inside the open wrap group
  let script = false; // the previous token was ^ or _: this one is its argument
  let delimiter = false; // the previous token was \left, \right or \middle
  const close = (): void => {
    if (open !== null) out += '}';
    open = null;
  };
  const begin = (seg: number): void => {
    out += `\\htmlClass{${TEX_SEGMENT_CLASS_PREFIX}${seg}}{`;
    open = seg;
    depth = 0;
  };
  for (const t of tokens) {
    const text = HTML_COMMANDS.test(t.text) ? `\\backslash\\mathrm{${t.text.slice(1)}}` : t.text;
    const wanted = wrap(t.seg);
    const wasScript = script;
    script = false;
    if (delimiter && !/^\s+$/.test(t.text)) {
      delimiter = false;
      close();
      out += text;
      continue;
    }
    if (open !== null && depth > 0) {
      // Inside braces the group opened: they close inside it too, whoever writes the rest.
      if (t.text === '{') depth++;
      else if (t.text === '}') depth--;
      out += text;
      continue;
    }
    if (t.text === '{' || t.text === '}' || STRUCTURAL.has(t.text) || SCRIPTS.has(t.text)) {
      if (t.text === '{' && open !== null && open === t.seg && wanted) {
        depth++;
        out += text;
        continue;
      }
      close();
      out += text;
      script = SCRIPTS.has(t.text);
      delimiter = DELIMITED.has(t.text);
      continue;
    }
    if (/^\s+$/.test(t.text)) {
      if (open !== t.seg) close(); // a group ends where its segment's text ends
      out += text;
      continue;
    }
    if (wasScript) {
      // A script's argument is one token: wrap it in braces of its own.
      close();
      out += wanted ? `{\\htmlClass{${TEX_SEGMENT_CLASS_PREFIX}${t.seg}}{${text}}}` : text;
      continue;
    }
    if (!wanted) {
      close();
      out += text;
      continue;
    }
    if (open !== t.seg) {
      close();
      begin(t.seg);
    }
    out += text;
  }
  if (open !== null && depth > 0) return null;
  close();
  return out;
}

/** TeX tokens with their segment; null when a token is split between two segments. */
function tokenize(pieces: readonly TexPiece[]): Token[] | null {
  let text = '';
  const owner: number[] = [];
  for (const p of pieces) {
    text += p.text;
    for (let i = 0; i < p.text.length; i++) owner.push(p.seg);
  }
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    let j = i + 1;
    const c = text[i];
    if (c === '\\') {
      if (/[A-Za-z]/.test(text[i + 1] ?? '')) {
        j = i + 1;
        while (j < text.length && /[A-Za-z]/.test(text[j])) j++;
      } else {
        j = Math.min(text.length, i + 2);
      }
    } else if (/\s/.test(c)) {
      while (j < text.length && /\s/.test(text[j]) && owner[j] === owner[i]) j++;
    } else {
      const code = text.charCodeAt(i);
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) j = i + 2;
    }
    for (let k = i + 1; k < j; k++) if (owner[k] !== owner[i]) return null;
    tokens.push({ text: text.slice(i, j), seg: owner[i] });
    i = j;
  }
  return tokens;
}
