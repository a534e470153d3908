/**
 * generate()'s tokens on their way out of the engine process. A message costs the sender a pipe
 * write (0.2–0.5 ms a token on the build machine, measured with --cpu-prof), a few percent of a
 * small model's step: tokens made less than TOKEN_FLUSH_MS after the last message wait for the
 * next one. A model slower than that per token still sends each token at once.
 */
const TOKEN_FLUSH_MS = 10;

export class TokenBatcher {
  private tokens: number[] = [];
  private sentAt = 0;

  constructor(private readonly send: (tokens: number[]) => void) {}

  push(token: number): void {
    this.tokens.push(token);
    if (performance.now() - this.sentAt >= TOKEN_FLUSH_MS) this.flush();
  }

  /** Sends what is waiting; the caller flushes before the reply that ends the call. */
  flush(): void {
    if (!this.tokens.length) return;
    this.send(this.tokens);
    this.tokens = [];
    this.sentAt = performance.now();
  }
}
