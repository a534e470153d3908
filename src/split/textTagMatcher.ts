/**
 * Tags that are ordinary text in the vocabulary ('text' in splitreason.json): the BPE merges a
 * tag's characters with its neighbours ("=<", "bigmodel", ">\n"), so no fixed token sequence
 * finds it. This matcher looks for the tag in the decoded text instead and holds back every token
 * that reaches into a possible start of one; a token is never split when released.
 */
import { firstMarker, partialMarkerLength } from '../text/partialMarker';
import type { HeldToken, TagMatch, TagMatcher, TagName } from './tagMatcher';

export class TextTagMatcher implements TagMatcher {
  private held: HeldToken[] = [];
  private readonly markers: string[];

  constructor(private readonly tags: Record<TagName, string>) {
    this.markers = [tags.open, tags.close];
  }

  push(token: HeldToken): TagMatch {
    this.held.push(token);
    const text = this.held.map((t) => t.text).join('');
    const hit = firstMarker(text, this.markers);
    if (hit) {
      // checked after every token, so a tag always ends in the latest one
      const end = hit.at + hit.marker.length;
      const first = this.tokenAt(hit.at);
      const startOfFirst = this.held.slice(0, first).reduce((n, t) => n + t.text.length, 0);
      const match: TagMatch = {
        release: this.held.slice(0, first),
        tag: hit.marker === this.tags.open ? 'open' : 'close',
        span: this.held.length - first,
        lead: text.slice(startOfFirst, hit.at),
        trail: text.slice(end),
      };
      this.held = [];
      return match;
    }
    const keepFrom = text.length - partialMarkerLength(text, this.markers);
    const k = keepFrom === text.length ? this.held.length : this.tokenAt(keepFrom);
    const release = this.held.slice(0, k);
    this.held = this.held.slice(k);
    return { release, span: 0, lead: '', trail: '' };
  }

  flush(): HeldToken[] {
    const out = this.held;
    this.held = [];
    return out;
  }

  /** Index of the held token whose text covers character `at` of the held text. */
  private tokenAt(at: number): number {
    let pos = 0;
    for (let k = 0; k < this.held.length; k++) {
      pos += this.held[k].text.length;
      if (at < pos) return k;
    }
    return this.held.length - 1;
  }
}
