/**
 * OpenAI `stop` semantics over streamed text: the output ends just before the first stop
 * string, which is not included. Text that might be the start of a stop string is held
 * back until the next piece shows whether it is.
 */
export class StopText {
  private held = '';
  private done = false;

  constructor(private readonly stops: readonly string[]) {
    this.stops = stops.filter((s) => s.length > 0);
  }

  get stopped(): boolean {
    return this.done;
  }

  /** Adds decoded text; returns what can be emitted now. After a stop, returns ''. */
  push(text: string): string {
    if (this.done) return '';
    this.held += text;
    let cut = -1;
    for (const s of this.stops) {
      const at = this.held.indexOf(s);
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) {
      this.done = true;
      const out = this.held.slice(0, cut);
      this.held = '';
      return out;
    }
    const keep = this.partialStopLength();
    const out = this.held.slice(0, this.held.length - keep);
    this.held = this.held.slice(this.held.length - keep);
    return out;
  }

  /** The text still held back, once the stream has ended without a stop. */
  flush(): string {
    const out = this.done ? '' : this.held;
    this.held = '';
    return out;
  }

  /** Length of the longest tail of `held` that is a proper prefix of some stop string. */
  private partialStopLength(): number {
    let best = 0;
    for (const s of this.stops) {
      for (let n = Math.min(s.length - 1, this.held.length); n > best; n--) {
        if (this.held.endsWith(s.slice(0, n))) {
          best = n;
          break;
        }
      }
    }
    return best;
  }
}
