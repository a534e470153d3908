/**
 * The ways a text close tag can be spelled by a BPE in context, as token ids for the hand-back
 * probe (engine TagSpellings): a first token may carry text before the tag (".</", " </") and a
 * last one text after it (">\n"). Built once per tokenizer and tag, by scanning the vocabulary.
 */
import type { TagSpellings, TextTokenizer } from '../engine';

const built = new WeakMap<TextTokenizer, Map<string, TagSpellings>>();

export function tagSpellings(tok: TextTokenizer, tag: string, vocabSize: number): TagSpellings {
  let byTag = built.get(tok);
  if (!byTag) built.set(tok, (byTag = new Map()));
  let s = byTag.get(tag);
  if (!s) byTag.set(tag, (s = build(tok, tag, vocabSize)));
  return s;
}

function build(tok: TextTokenizer, tag: string, vocabSize: number): TagSpellings {
  // a vocabulary entry shows printable ASCII as itself (byte-level BPE and SentencePiece alike), so
  // for such a tag the raw entries pick the few candidates worth decoding; otherwise decode them all
  const ascii = /^[\x21-\x7e]+$/.test(tag);
  const start: TagSpellings['start'] = [];
  const next = new Map<number, [number, number][]>();
  for (let id = 0; id < vocabSize; id++) {
    const raw = tok.idToToken(id);
    if (raw === undefined) continue;
    if (ascii && !raw.includes(tag[0]) && !couldContinue(raw, tag)) continue;
    const text = tok.decode([id]);
    if (!text) continue;
    const begins = beginning(text, tag);
    if (begins) start.push([id, begins.covered, begins.lead ? tok.encode(begins.lead) : []]);
    for (let c = 1; c < tag.length; c++) {
      const rest = tag.slice(c);
      if (rest.startsWith(text)) push(next, c, [id, c + text.length]);
      else if (text.startsWith(rest)) push(next, c, [id, tag.length]);
    }
  }
  return { length: tag.length, start, next: [...next.entries()] };
}

/** Whether the token's text begins the tag: all of it, or a tail that is a start of the tag, after any lead. */
function beginning(text: string, tag: string): { covered: number; lead: string } | undefined {
  const whole = text.indexOf(tag);
  if (whole >= 0) return { covered: tag.length, lead: text.slice(0, whole) };
  for (let n = Math.min(text.length, tag.length - 1); n > 0; n--)
    if (text.endsWith(tag.slice(0, n))) return { covered: n, lead: text.slice(0, text.length - n) };
  return undefined;
}

/** A cheap pre-check on the raw entry: it starts with a character of the tag past its first. */
function couldContinue(raw: string, tag: string): boolean {
  for (let c = 1; c < tag.length; c++) if (raw.startsWith(tag[c])) return true;
  return false;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
