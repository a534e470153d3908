/**
 * OpenAI `stop` semantics over streamed text: the output ends just before the first stop
 * string, which is not included. Text that might be the start of a stop string is held
 * back until the next piece shows whether it is.
 */
import { firstMarker, partialMarkerLength } from '../text/partialMarker';

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
    const hit = firstMarker(this.held, this.stops);
    if (hit) {
      this.done = true;
      const out = this.held.slice(0, hit.at);
      this.held = '';
      return out;
    }
    const keep = partialMarkerLength(this.held, this.stops);
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
}
