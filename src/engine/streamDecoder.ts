/**
 * Incremental detokenization. Decoding token by token breaks multi-byte characters (a byte
 * token alone decodes to U+FFFD) and loses tokenizer context (SentencePiece's leading-space
 * marker), so each step decodes a short window and emits only the text that became final.
 */
export class StreamDecoder {
  private ids: number[] = [];
  /** Start of the window re-decoded for context. */
  private prefixStart = 0;
  /** Tokens before this were already emitted. */
  private readStart = 0;

  constructor(private readonly decode: (ids: number[]) => string) {}

  /** Adds one token; returns the newly completed text (often '', never half a character). */
  push(id: number): string {
    this.ids.push(id);
    const prefix = this.decode(this.ids.slice(this.prefixStart, this.readStart));
    const text = this.decode(this.ids.slice(this.prefixStart));
    if (text.length > prefix.length && !text.endsWith('\uFFFD')) {
      this.prefixStart = this.readStart;
      this.readStart = this.ids.length;
      return text.slice(prefix.length);
    }
    return '';
  }

  /** Whatever is still held back (an incomplete character at the very end decodes as U+FFFD). */
  flush(): string {
    const prefix = this.decode(this.ids.slice(this.prefixStart, this.readStart));
    const text = this.decode(this.ids.slice(this.prefixStart));
    this.prefixStart = this.readStart = this.ids.length;
    return text.slice(prefix.length);
  }
}
