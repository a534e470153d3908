/**
 * The steps a tutor reveals: the trace's lines, tags removed, in order. Pure (no DOM), so the
 * reveal logic is the same whatever renders it.
 */

const TAGS = /<\/?bigmodel>|<\/?think>/g;

export interface Steps {
  /** Complete lines (or the last one once the trace is done), empty lines dropped. */
  steps: string[];
}

/** Splits trace text into steps; a line still being written is not a step until its newline (or `done`). */
export function stepsOf(rawText: string, done: boolean): Steps {
  const text = rawText.replace(TAGS, '');
  const lines = text.split('\n');
  if (!done) lines.pop(); // the unfinished last line
  return { steps: lines.map((l) => l.trim()).filter((l) => l.length > 0) };
}

/**
 * A hint for a step without its result: everything after the last `=` of each formula becomes
 * `?`, and numbers in prose become `…`. The shape of the step shows; its answer does not.
 */
export function hintFor(step: string): string {
  const masked = step.replace(/(\$\$?|\\\(|\\\[)([\s\S]*?)(\$\$?|\\\)|\\\])/g, (_m, open: string, body: string, close: string) => {
    const at = body.lastIndexOf('=');
    return at < 0 ? `${open}${body}${close}` : `${open}${body.slice(0, at + 1)} ?${close}`;
  });
  if (masked !== step) return masked;
  const at = step.lastIndexOf('=');
  if (at >= 0) return `${step.slice(0, at + 1)} ?`;
  return step.replace(/\d+(?:\.\d+)?/g, '…');
}
