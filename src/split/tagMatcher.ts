/**
 * Watches a token stream for a tag that may span several tokens. Tokens that could still be
 * the start of the tag are held back, so tag text never reaches the trace half-written.
 */
export class TagMatcher {
  private held: number[] = [];

  constructor(private readonly tags: Record<string, number[]>) {}

  /** Feeds one token: returns the tokens now safe to show, and the tag it completed, if any. */
  push(id: number): { release: number[]; tag?: string } {
    this.held.push(id);
    for (const [name, ids] of Object.entries(this.tags)) {
      if (endsWith(this.held, ids)) {
        const release = this.held.slice(0, this.held.length - ids.length);
        this.held = [];
        return { release, tag: name };
      }
    }
    // keep the longest suffix that is a proper prefix of some tag
    let keep = 0;
    for (const ids of Object.values(this.tags)) {
      for (let k = Math.min(ids.length - 1, this.held.length); k > keep; k--) {
        if (startsWith(ids, this.held.slice(this.held.length - k))) {
          keep = k;
          break;
        }
      }
    }
    const release = this.held.slice(0, this.held.length - keep);
    this.held = this.held.slice(this.held.length - keep);
    return { release };
  }

  flush(): number[] {
    const out = this.held;
    this.held = [];
    return out;
  }
}

function endsWith(a: number[], b: number[]): boolean {
  if (b.length === 0 || b.length > a.length) return false;
  for (let i = 0; i < b.length; i++) if (a[a.length - b.length + i] !== b[i]) return false;
  return true;
}

function startsWith(a: number[], b: number[]): boolean {
  if (b.length > a.length) return false;
  for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
