/**
 * A trace as Markdown, for readers without the extension (GitHub, Jupyter, VS Code's own
 * Markdown): the problem, the whole reasoning with its math intact, what the large model wrote
 * between ⟪ and ⟫, and the boxed answer. Model text is untrusted: outside math, `<` and `&`
 * become entities (no raw HTML reaches a renderer); inside math they become \lt / \gt, which
 * every TeX renderer reads. Math is `$…$` / `$$…$$` (what GitHub, Jupyter and markdown-it's
 * KaTeX plugins share); `\(…\)` and `\[…\]` are rewritten to them.
 */
import type { TraceEvent } from './events';

export const BIG_OPEN = '⟪';
export const BIG_CLOSE = '⟫';

interface Span {
  text: string;
  big: boolean;
}

/** The reasoning text in order, each piece tagged with who wrote it. */
function spans(events: readonly TraceEvent[]): Span[] {
  const source = new Map<number, boolean>();
  const out: Span[] = [];
  for (const e of events) {
    if (e.type === 'segment') source.set(e.id, e.source === 'big');
    else if (e.type === 'text' && e.text) {
      const big = source.get(e.id) ?? false;
      const last = out.at(-1);
      if (last && last.big === big) last.text += e.text;
      else out.push({ text: e.text, big });
    }
  }
  return out;
}

/** A stretch of the text, [from, to) in it; for math, `text` is the formula without delimiters. */
type Piece = { from: number; to: number } & ({ math: false } | { math: true; text: string; display: boolean });

const MATH = /\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]|\$((?:[^$\\\n]|\\[\s\S])+?)\$|\\\(([\s\S]+?)\\\)/g;

/** Splits text into math and prose (a `$` without its pair stays prose). */
function pieces(text: string): Piece[] {
  const out: Piece[] = [];
  let at = 0;
  for (const m of text.matchAll(MATH)) {
    if (m.index > at) out.push({ math: false, from: at, to: m.index });
    const display = m[1] !== undefined || m[2] !== undefined;
    at = m.index + m[0].length;
    out.push({ math: true, text: m[1] ?? m[2] ?? m[3] ?? m[4] ?? '', display, from: m.index, to: at });
  }
  if (at < text.length) out.push({ math: false, from: at, to: text.length });
  return out;
}

function proseMarkdown(text: string): string {
  return text
    .replace(/<\/?think>/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/\$/g, '\\$')
    .replace(/\n/g, '  \n'); // a line of reasoning stays a line
}

/** `<` and `>` as TeX commands: the same symbols, and no tag for an HTML parser to find. */
function texSafe(tex: string): string {
  return tex.replace(/\s*<\s*/g, ' \\lt ').replace(/\s*>\s*/g, ' \\gt ');
}

function mathMarkdown(tex: string, display: boolean): string {
  const safe = texSafe(tex).replace(/\$/g, '\\$');
  // display math as its own block: `$$` opening a line inside a paragraph would swallow what follows
  return display ? `\n\n$$\n${safe.trim()}\n$$\n\n` : `$${safe.trim()}$`;
}

/**
 * Marks the large model's text without cutting a formula: a mark that would fall inside math
 * moves out to the formula's edge, so a formula the two models wrote together is marked whole.
 */
function reasoningMarkdown(all: Span[]): string {
  const text = all.map((s) => s.text).join('');
  const bigAt = new Uint8Array(text.length);
  let at = 0;
  for (const s of all) {
    if (s.big) bigAt.fill(1, at, at + s.text.length);
    at += s.text.length;
  }
  let md = '';
  let open = false;
  const mark = (big: boolean) => {
    if (big !== open) md += big ? BIG_OPEN : BIG_CLOSE;
    open = big;
  };
  for (const p of pieces(text)) {
    if (p.math) {
      mark(bigAt.subarray(p.from, p.to).includes(1));
      md += mathMarkdown(p.text, p.display);
      continue;
    }
    // prose: a mark at each change of author
    let run = p.from;
    for (let i = p.from; i < p.to; i++) {
      if ((bigAt[i] === 1) === open) continue;
      md += proseMarkdown(text.slice(run, i));
      mark(bigAt[i] === 1);
      run = i;
    }
    md += proseMarkdown(text.slice(run, p.to));
  }
  if (open) md += BIG_CLOSE;
  // marks hug the text they mark, not the line breaks around it
  return md
    .replace(new RegExp(`(\\s+)${BIG_CLOSE}`, 'g'), `${BIG_CLOSE}$1`)
    .replace(new RegExp(`${BIG_OPEN}(\\s+)`, 'g'), `$1${BIG_OPEN}`)
    .replace(/[ \t]*\n[ \t]*\n\s*/g, '\n\n')
    .trim();
}

/** `$\boxed{…}$` when the answer is safe to typeset, else the answer as code. */
function answerMarkdown(answer: string): string {
  let depth = 0;
  for (const c of answer) {
    depth += c === '{' ? 1 : c === '}' ? -1 : 0;
    if (depth < 0) break;
  }
  if (depth === 0 && !/[$\n]/.test(answer)) return `$\\boxed{${texSafe(answer)}}$`;
  const ticks = '`'.repeat((answer.match(/`+/g) ?? ['']).reduce((n, t) => Math.max(n, t.length), 0) + 1);
  return `${ticks} ${answer.replace(/\n/g, ' ')} ${ticks}`;
}

export function traceMarkdown(events: readonly TraceEvent[]): string {
  const start = events.find((e) => e.type === 'start');
  const done = events.filter((e) => e.type === 'done').at(-1);
  const stats = events.filter((e) => e.type === 'stats').at(-1);
  const all = spans(events);
  const parts: string[] = [];
  if (start) parts.push(`**Problem.** ${reasoningMarkdown([{ text: start.problem, big: false }])}`);
  const bigModel = start ? ` (${proseMarkdown(start.bigModel)})` : '';
  if (all.some((s) => s.big)) parts.push(`*${BIG_OPEN} … ${BIG_CLOSE} marks what the large model${bigModel} wrote.*`);
  const reasoning = reasoningMarkdown(all);
  if (reasoning) parts.push(reasoning);
  for (const e of events) if (e.type === 'error') parts.push(`**Error:** ${proseMarkdown(e.message)}`);
  if (!done) parts.push('*SplitReason is solving…*');
  else if (done.answer !== null) parts.push(`**Answer:** ${answerMarkdown(done.answer)}`);
  else parts.push(`**No final answer** (${done.reason}).`);
  if (stats) {
    const total = stats.smallTokens + stats.bigTokens;
    const models = start ? ` · ${proseMarkdown(start.smallModel)} + ${proseMarkdown(start.bigModel)}` : '';
    parts.push(`<sub>SplitReason${models} · ${total} tokens, ${(stats.offloadFraction * 100).toFixed(1)} % offloaded</sub>`);
  }
  return parts.join('\n\n') + '\n';
}
