/**
 * Trace events to a terminal: the text as it streams, offloaded segments coloured (plain
 * text when stdout is not a TTY or NO_COLOR is set), then a one-line summary.
 */
import type { StatsEvent, TraceEvent } from '../split';

const BIG = '\x1b[36m'; // cyan
const FAILED = '\x1b[31m';
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

export class TraceWriter {
  private source = new Map<number, 'small' | 'big'>();
  private stats?: StatsEvent;
  private device = '';
  /** each distinct large-model failure is printed once; a down server fails every later step the same way */
  private readonly reported = new Set<string>();

  constructor(
    private readonly out: (s: string) => void,
    private readonly color: boolean,
  ) {}

  write(e: TraceEvent): void {
    switch (e.type) {
      case 'start':
        this.device = e.device;
        break;
      case 'segment':
        this.source.set(e.id, e.source);
        break;
      case 'text':
        this.out(this.color && this.source.get(e.id) === 'big' ? `${BIG}${e.text}${RESET}` : e.text);
        break;
      case 'segmentEnd':
        if (e.reason === 'failed') {
          const error = e.error ?? 'unknown error';
          if (!this.reported.has(error)) this.out(this.paint(FAILED, `\n[large model failed: ${error}; the small model continues]\n`));
          this.reported.add(error);
        }
        break;
      case 'stats':
        this.stats = e;
        break;
      case 'error':
        this.out(this.paint(FAILED, `\n[error: ${e.message}]\n`));
        break;
      case 'done':
        this.out('\n' + this.paint(DIM, summary(e.answer, e.reason, this.stats, this.device)) + '\n');
        break;
    }
  }

  private paint(code: string, s: string): string {
    return this.color ? `${code}${s}${RESET}` : s;
  }
}

export function summary(answer: string | null, reason: string, s: StatsEvent | undefined, device: string): string {
  const parts = [`answer: ${answer ?? '(none)'}`];
  if (reason !== 'eos') parts.push(`stopped: ${reason}`);
  if (s) {
    parts.push(`${s.smallTokens + s.bigTokens} tokens (small ${s.smallTokens}, large ${s.bigTokens}, ${(s.offloadFraction * 100).toFixed(1)}% offloaded)`);
    parts.push(`${s.tokensPerSecond.toFixed(1)} tok/s`);
    if (s.costEstimate > 0) parts.push(`~$${s.costEstimate.toFixed(4)}`);
  }
  parts.push(device);
  return parts.join(' · ');
}
