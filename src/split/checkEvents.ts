/**
 * Interleaves CAS `check` events into a solve's event stream: each time a line of the trace
 * completes, an equation line gets its verdict right after the text that completed it. A
 * transformer around the controller's stream, so the controller knows nothing of the checker.
 */
import { SolutionChecker, statements } from '../math';
import type { CheckEvent, TraceEvent } from './events';
import { CLOSE_TAG, OPEN_TAG, stripTags } from './prompt';

const THINK_TAGS = [OPEN_TAG, CLOSE_TAG, '<think>', '</think>'];

/** One line being written: its text and which segment wrote each run of it. */
class LineBuffer {
  text = '';
  private runs: { from: number; segment: number }[] = [];
  add(segment: number, text: string): void {
    if (this.runs.at(-1)?.segment !== segment) this.runs.push({ from: this.text.length, segment });
    this.text += text;
  }
  segmentAt(offset: number): number {
    let seg = this.runs[0]?.segment ?? -1;
    for (const r of this.runs) if (r.from <= offset) seg = r.segment;
    return seg;
  }
  clear(): void {
    this.text = '';
    this.runs = [];
  }
}

function checkLine(checker: SolutionChecker, buffer: LineBuffer, lastSegment: number): CheckEvent | undefined {
  const raw = buffer.text;
  const line = stripTags(raw, THINK_TAGS).trim();
  if (!line || !statements(line).some((s) => s.parts.length > 1)) {
    if (line) checker.check(line); // still the context later lines are judged against
    return undefined;
  }
  const c = checker.check(line);
  // Offsets are in the tag-free line; tags are short, so map through the raw text's first occurrence.
  const at = c.falseFrom !== undefined ? raw.indexOf(line.slice(c.falseFrom)) : -1;
  const segment = at >= 0 ? buffer.segmentAt(at) : lastSegment;
  return { type: 'check', segment, line, verdict: c.verdict, ...(c.expected !== undefined ? { expected: c.expected } : {}), message: c.message };
}

/** The controller's events with a `check` event after each completed equation line. */
export async function* withChecks(events: AsyncIterable<TraceEvent>): AsyncGenerator<TraceEvent> {
  let checker = new SolutionChecker('');
  const buffer = new LineBuffer();
  let lastSegment = -1;
  for await (const e of events) {
    if (e.type === 'start') {
      checker = new SolutionChecker(e.problem);
      buffer.clear();
    }
    if (e.type === 'done' && buffer.text) {
      const c = checkLine(checker, buffer, lastSegment);
      buffer.clear();
      if (c) yield c;
    }
    yield e;
    if (e.type !== 'text') continue;
    lastSegment = e.id;
    const pieces = e.text.split('\n');
    for (let i = 0; i < pieces.length; i++) {
      buffer.add(e.id, pieces[i]);
      if (i === pieces.length - 1) break;
      const c = checkLine(checker, buffer, lastSegment);
      buffer.clear();
      if (c) yield c;
    }
  }
}
