/**
 * Copy as Markdown / Copy as LaTeX / Insert into editor: the trace as text. Pure, built from
 * the raw text on demand (a click, not a token), so its cost does not matter while streaming.
 */
import { extractBoxed } from '../../src/split/events';
import { parseInline } from './inline';

export interface Transcript {
  problem: string;
  /** The raw text of every text event, `<think>` markers included. */
  rawText: string;
  /** The answer from the `done` event, when there was one. */
  answer: string | null;
}

/** The reasoning (inside `<think>`, or before a lone `</think>`) and the answer after it. */
export function splitParts(raw: string): { think: string; answer: string } {
  let think = '';
  let answer = '';
  let inThink = true; // the chat template opens <think> in the prompt, so text starts inside it
  const re = /<\/?think>/g;
  let last = 0;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    if (inThink) think += raw.slice(last, m.index);
    else answer += raw.slice(last, m.index);
    inThink = m[0] === '<think>';
    last = m.index + m[0].length;
  }
  if (inThink) think += raw.slice(last);
  else answer += raw.slice(last);
  return { think: think.trim(), answer: answer.trim() };
}

function finalAnswer(t: Transcript, answerText: string, thinkText: string): string | null {
  return t.answer ?? extractBoxed(answerText) ?? extractBoxed(thinkText);
}

export function toMarkdown(t: Transcript): string {
  const { think, answer } = splitParts(t.rawText);
  const out: string[] = [];
  if (t.problem.trim()) out.push(`**Problem.** ${t.problem.trim()}`);
  if (think) out.push('**Reasoning**', think);
  if (answer) out.push('**Solution**', answer);
  const final = finalAnswer(t, answer, think);
  if (final !== null && !answer.includes('\\boxed{')) out.push(`**Answer:** $\\boxed{${final}}$`);
  return out.join('\n\n') + '\n';
}

/** The solution for the editor: the text after `</think>`, else the boxed answer, else the reasoning. */
export function insertText(t: Transcript): string {
  const { think, answer } = splitParts(t.rawText);
  if (answer) return answer + '\n';
  const final = finalAnswer(t, answer, think);
  if (final !== null) return `$\\boxed{${final}}$\n`;
  return think ? think + '\n' : '';
}

export function toLatex(t: Transcript): string {
  const { think, answer } = splitParts(t.rawText);
  const out: string[] = [];
  if (t.problem.trim()) out.push('\\section*{Problem}', linesToLatex(t.problem));
  if (think) out.push('\\subsection*{Reasoning}', linesToLatex(think));
  if (answer) out.push('\\subsection*{Solution}', linesToLatex(answer));
  const final = finalAnswer(t, answer, think);
  if (final !== null) out.push(`\\[\\boxed{${final}}\\]`);
  return out.join('\n\n') + '\n';
}

/** Each non-empty line becomes a paragraph; math stays TeX, everything else is escaped for LaTeX. */
function linesToLatex(text: string): string {
  const paragraphs: string[] = [];
  // Display math can span lines: parse line groups the way the block stream does.
  let pending = '';
  for (const line of text.split('\n')) {
    pending = pending ? pending + '\n' + line : line;
    if (parseInline(pending).unclosedDisplay) continue;
    if (pending.trim()) paragraphs.push(inlineToLatex(pending.trim()));
    pending = '';
  }
  if (pending.trim()) paragraphs.push(inlineToLatex(pending.trim()));
  return paragraphs.join('\n\n');
}

function inlineToLatex(s: string): string {
  let out = '';
  for (const item of parseInline(s).items) {
    switch (item.kind) {
      case 'text':
        out += escapeLatex(s.slice(item.start, item.end));
        break;
      case 'dollar':
        out += '\\$';
        break;
      case 'math':
        out += item.display ? `\\[${item.tex}\\]` : `$${item.tex}$`;
        break;
      case 'code':
        out += `\\texttt{${escapeLatex(s.slice(item.innerStart, item.innerEnd))}}`;
        break;
      case 'open':
        out += item.tag === 'strong' ? '\\textbf{' : '\\emph{';
        break;
      case 'close':
        out += '}';
        break;
    }
  }
  return out;
}

const LATEX_SPECIALS: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '{': '\\{',
  '}': '\\}',
  $: '\\$',
  '&': '\\&',
  '#': '\\#',
  '%': '\\%',
  _: '\\_',
  '^': '\\textasciicircum{}',
  '~': '\\textasciitilde{}',
};

export function escapeLatex(s: string): string {
  return s.replace(/[\\{}$&#%_^~]/g, (c) => LATEX_SPECIALS[c]);
}
