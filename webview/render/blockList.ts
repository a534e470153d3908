/**
 * The blocks of one part (reasoning or answer) in the DOM, laid out so that the browser's work
 * per token stays flat as the trace grows. Closed blocks go into chunks of CHUNK_SIZE; the open
 * block sits after them, on its own. Re-rendering the open block then dirties only itself and
 * its ancestors, whose other child (the closed blocks) keeps its cached layout; closing a block
 * re-lays out one chunk and a short list of chunks, not every line of the trace.
 */
export const CHUNK_SIZE = 64;

export class BlockList {
  private readonly closed: HTMLElement;
  private chunk: HTMLElement | null = null;
  private inChunk = 0;
  private open: HTMLElement | null = null;

  constructor(private readonly host: HTMLElement) {
    this.closed = document.createElement('div');
    this.closed.className = 'sr-blocks';
    host.append(this.closed);
  }

  append(block: HTMLElement): void {
    if (!this.chunk || this.inChunk >= CHUNK_SIZE) {
      this.chunk = document.createElement('div');
      this.chunk.className = 'sr-chunk';
      this.closed.append(this.chunk);
      this.inChunk = 0;
    }
    this.chunk.append(block);
    this.inChunk++;
  }

  /** Shows `block` as the open block (null: none), replacing the previous one. */
  setOpen(block: HTMLElement | null): void {
    if (this.open && block) this.open.replaceWith(block);
    else if (block) this.host.append(block);
    else this.open?.remove();
    this.open = block;
  }

  clear(): void {
    this.closed.replaceChildren();
    this.chunk = null;
    this.inChunk = 0;
    this.setOpen(null);
  }
}
