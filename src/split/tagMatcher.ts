/**
 * Watches the small model's tokens for its offload tags. Tokens that could still be the start of
 * a tag are held back, so tag text never reaches the trace half-written. Two kinds, chosen by
 * splitreason.json's `tags`: a tag that is its own token ids ('special', the default: matched by
 * id), or ordinary text the BPE merges with its neighbours ('text': matched in the decoded text,
 * textTagMatcher.ts).
 */
import type { TagKind } from './splitConfig';
import { TextTagMatcher } from './textTagMatcher';

/** One token and the text it completed (a multi-byte character completes on its last token). */
export interface HeldToken {
  id: number;
  text: string;
}

export type TagName = 'open' | 'close';

export interface TagMatch {
  /** tokens now safe to show, oldest first */
  release: HeldToken[];
  tag?: TagName;
  /** with a tag: how many of the latest tokens hold it, from the token it starts in */
  span: number;
  /** with a tag: text of its first token before the tag starts ('' when the tag starts a token) */
  lead: string;
  /** with a tag: text of its last token after the tag ends */
  trail: string;
}

export interface TagMatcher {
  push(token: HeldToken): TagMatch;
  /** The stream ended: held tokens are plain text after all. */
  flush(): HeldToken[];
}

export function tagMatcher(kind: TagKind | undefined, tags: { open: { ids: number[]; text: string }; close: { ids: number[]; text: string } }): TagMatcher {
  return kind === 'text'
    ? new TextTagMatcher({ open: tags.open.text, close: tags.close.text })
    : new IdTagMatcher({ open: tags.open.ids, close: tags.close.ids });
}

/** A tag as its exact token ids. */
export class IdTagMatcher implements TagMatcher {
  private held: HeldToken[] = [];

  constructor(private readonly tags: Record<TagName, number[]>) {}

  push(token: HeldToken): TagMatch {
    this.held.push(token);
    const ids = this.held.map((t) => t.id);
    for (const [name, tag] of Object.entries(this.tags) as [TagName, number[]][]) {
      if (endsWith(ids, tag)) {
        const release = this.held.slice(0, this.held.length - tag.length);
        this.held = [];
        return { release, tag: name, span: tag.length, lead: '', trail: '' };
      }
    }
    // keep the longest suffix that is a proper prefix of some tag
    let keep = 0;
    for (const tag of Object.values(this.tags)) {
      for (let k = Math.min(tag.length - 1, ids.length); k > keep; k--) {
        if (startsWith(tag, ids.slice(ids.length - k))) {
          keep = k;
          break;
        }
      }
    }
    const release = this.held.slice(0, this.held.length - keep);
    this.held = this.held.slice(this.held.length - keep);
    return { release, span: 0, lead: '', trail: '' };
  }

  flush(): HeldToken[] {
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
