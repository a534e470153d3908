/**
 * Splits the streamed text of a trace into blocks, the unit of incremental rendering: a block
 * is a line, or several lines while a display-math `$$`/`\[` is open. A closed block never
 * changes again, so the view renders it once; only the open (last) block changes.
 *
 * `<think>` and `</think>` arrive inside text events (possibly split across them) and move the
 * stream between the reasoning part and the answer part. The controller's own `<bigmodel>`
 * tags are not in the text: segments carry that information, as runs of the segment's id.
 */
import { firstMarker, partialMarkerLength } from '../../src/text/partialMarker';
import { parseInline } from './inline';

export type Part = 'think' | 'answer';

/** Text written by one segment. A run with empty text marks where a segment began. */
export interface Run {
  seg: number;
  text: string;
}

export interface Block {
  part: Part;
  runs: Run[];
}

/**
 * A line longer than this is cut into several blocks. Model lines are far shorter; the cap
 * keeps the re-render of the open block bounded when a hostile trace sends a 1 MB line.
 */
export const MAX_BLOCK_CHARS = 4096;
/** A display-math block left open longer than this is closed as text. */
export const MAX_DISPLAY_LINES = 40;

const MARKERS = ['<think>', '</think>'] as const;

export class BlockStream {
  private part: Part = 'think';
  private runs: Run[] = [];
  private chars = 0;
  private lines = 1;
  private closed: Block[] = [];
  /** A possible start of a marker at the end of the last text, waiting for the next text. */
  private held = '';
  private heldSeg = 0;
  /** Whether the current part has a closed block with text yet (no blank lines before it). */
  private partStarted = false;
  private lastClosedBlank = false;
  private dropNewline = false;
  /** Bumped whenever the open block changes, so the view can skip unchanged frames. */
  version = 0;

  get currentPart(): Part {
    return this.part;
  }

  /** The open block: its runs are live and change with the next push. */
  get open(): Block {
    return { part: this.part, runs: this.runs };
  }

  /** Blocks closed since the last call, in order. */
  takeClosed(): Block[] {
    const out = this.closed;
    this.closed = [];
    return out;
  }

  /** Segment `seg` begins here. */
  mark(seg: number): void {
    this.releaseHeld(seg);
    this.addRun(seg, '');
    this.version++;
  }

  /** Appends text written by segment `seg`. */
  push(seg: number, text: string): void {
    if (text.length === 0) return;
    this.releaseHeld(seg);
    let s = this.held + text.replace(/\r/g, '');
    this.held = '';
    for (;;) {
      const hit = firstMarker(s, MARKERS);
      if (!hit) break;
      this.appendText(seg, s.slice(0, hit.at));
      this.switchPart(hit.marker === '<think>' ? 'think' : 'answer');
      s = s.slice(hit.at + hit.marker.length);
    }
    const keep = partialMarkerLength(s, MARKERS);
    if (keep > 0) {
      this.held = s.slice(s.length - keep);
      this.heldSeg = seg;
      s = s.slice(0, s.length - keep);
    }
    this.appendText(seg, s);
    this.version++;
  }

  /** The stream has ended: held text is plain text after all, and the open block closes. */
  end(): void {
    this.flushHeld();
    this.closeBlock();
    this.version++;
  }

  /** A marker never spans two segments: text held by another segment is plain text. */
  private releaseHeld(nextSeg: number): void {
    if (this.held && this.heldSeg !== nextSeg) this.flushHeld();
  }

  private flushHeld(): void {
    const h = this.held;
    this.held = '';
    if (h) this.appendText(this.heldSeg, h);
  }

  private switchPart(part: Part): void {
    this.closeBlock();
    if (part !== this.part) {
      this.part = part;
      this.partStarted = false;
      this.lastClosedBlank = false;
    }
    this.dropNewline = true;
  }

  private appendText(seg: number, text: string): void {
    if (this.dropNewline && text.length > 0) {
      this.dropNewline = false;
      if (text[0] === '\n') text = text.slice(1);
    }
    let rest = text;
    while (rest.length > 0) {
      const nl = rest.indexOf('\n');
      const line = nl < 0 ? rest : rest.slice(0, nl);
      this.appendLine(seg, line);
      if (nl < 0) break;
      if (this.lines < MAX_DISPLAY_LINES && this.chars < MAX_BLOCK_CHARS && parseInline(this.text()).unclosedDisplay) {
        this.addRun(seg, '\n');
        this.lines++;
      } else {
        this.closeBlock(true);
      }
      rest = rest.slice(nl + 1);
    }
  }

  /** Text without newlines; cut into blocks of at most MAX_BLOCK_CHARS. */
  private appendLine(seg: number, line: string): void {
    while (this.chars + line.length > MAX_BLOCK_CHARS) {
      const room = MAX_BLOCK_CHARS - this.chars;
      if (room <= 0) {
        this.closeBlock();
        continue;
      }
      const cut = cutPoint(line, room);
      this.addRun(seg, line.slice(0, cut));
      this.closeBlock();
      line = line.slice(cut);
    }
    this.addRun(seg, line);
  }

  private addRun(seg: number, text: string): void {
    const last = this.runs[this.runs.length - 1];
    if (last && last.seg === seg) last.text += text;
    else this.runs.push({ seg, text });
    this.chars += text.length;
  }

  private text(): string {
    let t = '';
    for (const r of this.runs) t += r.text;
    return t;
  }

  /** `newline`: a line break closes it, so a blank block is a paragraph gap worth keeping. */
  private closeBlock(newline = false): void {
    if (this.chars === 0) {
      // Blank lines at the start of a part or after another blank line vanish, and segment
      // marks carry over to the next block.
      if (newline && this.partStarted && !this.lastClosedBlank) {
        this.closed.push({ part: this.part, runs: [] });
        this.lastClosedBlank = true;
      }
      this.runs = this.runs.filter((r) => r.text === '');
    } else {
      this.closed.push({ part: this.part, runs: this.runs });
      this.partStarted = true;
      this.lastClosedBlank = false;
      this.runs = [];
    }
    this.chars = 0;
    this.lines = 1;
  }
}

/** Where to cut an over-long line: at a space near the limit if there is one, never inside a surrogate pair. */
function cutPoint(line: string, room: number): number {
  const space = line.lastIndexOf(' ', room - 1);
  let cut = space >= 0 && space > room - 200 ? space + 1 : room;
  const code = line.charCodeAt(cut - 1);
  if (cut > 1 && code >= 0xd800 && code <= 0xdbff) cut--;
  return cut;
}
