/**
 * How often a notebook cell's output is rewritten while a solve streams. VS Code's API
 * replaces an output item whole, so a long trace re-sent at a fixed rate costs more with every
 * token; instead the pause after a write grows with what that write carried, which keeps the
 * bytes sent per second bounded however long the trace gets.
 */
/** The shortest pause between two writes (ms): the renderer re-typesets on each. */
export const MIN_WRITE_MS = 200;
/** Bytes a second the streaming output may send, at most. */
export const MAX_BYTES_PER_SECOND = 256 * 1024;

/** The pause before the next write, after a write of `bytes`. */
export function writeDelayMs(bytes: number): number {
  return Math.max(MIN_WRITE_MS, Math.ceil((1000 * bytes) / MAX_BYTES_PER_SECOND));
}
