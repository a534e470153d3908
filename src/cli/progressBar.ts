/**
 * A progress line on stderr: redrawn in place on a terminal, plain lines (every 10 %) when
 * stderr is a file or pipe, so logs stay readable.
 */
export interface ProgressCounts {
  done: number;
  total: number;
  bytesDone: number;
  bytesTotal: number;
}

const MB = 2 ** 20;

export class ProgressBar {
  private readonly started = Date.now();
  private lastDraw = 0;
  private lastDecile = -1;

  constructor(
    private readonly unit: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  update(p: ProgressCounts): void {
    const frac = p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : p.total > 0 ? p.done / p.total : 1;
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = frac > 0 && frac < 1 ? `${Math.ceil((elapsed * (1 - frac)) / frac)} s left` : `${elapsed.toFixed(1)} s`;
    const text = `${p.done}/${p.total} ${this.unit}  ${(p.bytesDone / MB).toFixed(0)}/${(p.bytesTotal / MB).toFixed(0)} MB  ${eta}`;
    if (this.out.isTTY) {
      const now = Date.now();
      if (now - this.lastDraw < 100 && p.done < p.total) return;
      this.lastDraw = now;
      const width = 24;
      const filled = Math.round(frac * width);
      this.out.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${text}\x1b[K`);
      return;
    }
    const decile = Math.floor(frac * 10);
    if (decile === this.lastDecile) return;
    this.lastDecile = decile;
    this.out.write(`${(frac * 100).toFixed(0).padStart(3)}%  ${text}\n`);
  }

  /** Ends the in-place line so later output starts on a fresh one. */
  finish(): void {
    if (this.out.isTTY) this.out.write('\n');
  }
}
