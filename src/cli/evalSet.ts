/** Evaluation sets: JSON lines of {problem, answer}; answers compare as numbers when they are numbers. */
import { readFileSync } from 'node:fs';

export interface EvalItem {
  problem: string;
  answer: string;
}

export function readEvalSet(file: string): EvalItem[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the evaluation set ${file}: ${(e as Error).message}`);
  }
  const items: EvalItem[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let row: { problem?: unknown; answer?: unknown };
    try {
      row = JSON.parse(line);
    } catch {
      throw new Error(`${file}:${i + 1}: not a JSON object (each line must be {"problem": "...", "answer": ...})`);
    }
    if (typeof row.problem !== 'string' || (typeof row.answer !== 'string' && typeof row.answer !== 'number'))
      throw new Error(`${file}:${i + 1}: needs a string "problem" and a string or number "answer"`);
    items.push({ problem: row.problem, answer: String(row.answer) });
  });
  if (items.length === 0) throw new Error(`${file}: no problems in it`);
  return items;
}

/** `\boxed{3,913}` vs 3913, `-12` vs `−12`, `$7$` vs 7. */
export function sameAnswer(got: string | null, expected: string): boolean {
  if (got === null) return false;
  const norm = (s: string) =>
    s
      .replace(/[\s$,]/g, '')
      .replace(/\\!/g, '')
      .replace(/−/g, '-');
  const a = norm(got);
  const b = norm(expected);
  const na = Number(a);
  const nb = Number(b);
  if (a !== '' && b !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na === nb;
  return a === b;
}
