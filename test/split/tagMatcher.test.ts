import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IdTagMatcher, type HeldToken, type TagMatch, type TagMatcher } from '../../src/split/tagMatcher';
import { TextTagMatcher } from '../../src/split/textTagMatcher';
import { tagSpellings } from '../../src/split/tagSpellings';
import { TextTokenizer } from '../../src/engine';
import { qwenTokenizerFiles } from '../../bench/checkpoint15b';
import { dirname } from 'node:path';

/** Feeds texts as tokens with ids 0, 1, 2 …; returns what was shown and each tag match. */
function run(m: TagMatcher, pieces: string[]): { shown: string; matches: TagMatch[] } {
  let shown = '';
  const matches: TagMatch[] = [];
  pieces.forEach((text, id) => {
    const r = m.push({ id, text });
    shown += r.release.map((t: HeldToken) => t.text).join('');
    if (r.tag) {
      matches.push(r);
      shown += r.lead + r.trail;
    }
  });
  return {
    shown:
      shown +
      m
        .flush()
        .map((t) => t.text)
        .join(''),
    matches,
  };
}

const TEXT_TAGS = { open: '<bigmodel>', close: '</bigmodel>' };

test('text tags merged with their neighbours are found; lead and trail are what the tokens held beside the tag', () => {
  const { shown, matches } = run(new TextTagMatcher(TEXT_TAGS), ['So 4', ' =<', 'big', 'model', '>\n', '42', '.</', 'bigmodel', '>', ' done']);
  assert.equal(shown, 'So 4 =\n42. done');
  assert.deepEqual(
    matches.map((m) => ({ tag: m.tag, span: m.span, lead: m.lead, trail: m.trail, released: m.release.map((t) => t.id) })),
    [
      { tag: 'open', span: 4, lead: ' =', trail: '\n', released: [] },
      { tag: 'close', span: 3, lead: '.', trail: '', released: [] },
    ],
  );
});

test('text that only looks like the start of a tag is held, then shown whole and in order', () => {
  const m = new TextTagMatcher(TEXT_TAGS);
  assert.deepEqual(m.push({ id: 0, text: 'x <' }).release, [], 'a token reaching into a possible tag is held whole');
  assert.deepEqual(m.push({ id: 1, text: 'bi' }).release, []);
  assert.deepEqual(
    m.push({ id: 2, text: 'g deal' }).release.map((t) => t.id),
    [0, 1, 2],
  );
  assert.deepEqual(run(new TextTagMatcher(TEXT_TAGS), ['a < b', ' and c <', '/b>']).shown, 'a < b and c </b>');
});

test('special tags are matched by id only: the same text spelled in other tokens is plain text', () => {
  const m = new IdTagMatcher({ open: [100], close: [101] });
  const texts = new Map([
    [100, '<bigmodel>'],
    [101, '</bigmodel>'],
  ]);
  const ids = [1, 100, 2, 101, 3];
  const got = ids.map((id) => m.push({ id, text: texts.get(id) ?? `t${id}` }));
  assert.deepEqual(
    got.map((g) => g.tag ?? null),
    [null, 'open', null, 'close', null],
  );
  assert.deepEqual(
    got.flatMap((g) => g.release.map((t) => t.id)),
    [1, 2, 3],
  );
  // a multi-token tag: its prefix is held until it is clear
  const multi = new IdTagMatcher({ open: [7, 8], close: [7, 9] });
  assert.deepEqual(multi.push({ id: 7, text: '<' }).release, []);
  assert.deepEqual(
    multi.push({ id: 5, text: 'x' }).release.map((t) => t.id),
    [7, 5],
  );
  assert.equal(multi.push({ id: 7, text: '<' }).tag, undefined);
  assert.equal(multi.push({ id: 9, text: '/' }).tag, 'close');
});

test('close-tag spellings from the real Qwen vocabulary accept every way the BPE writes the tag in context', () => {
  const tok = TextTokenizer.load(dirname(qwenTokenizerFiles().tokenizer));
  const vocab = 151_936;
  const s = tagSpellings(tok, '</bigmodel>', vocab);
  assert.equal(s.length, '</bigmodel>'.length);
  const start = new Map(s.start.map(([id, covered, lead]) => [id, { covered, lead }]));
  const next = new Map(s.next.map(([c, list]) => [c, new Map(list)]));
  for (const context of ['= 42</bigmodel>', 'so 42.</bigmodel>\n', 'x </bigmodel> and', '\n</bigmodel>\n\n', 'a")</bigmodel>']) {
    const ids = tok.encode(context);
    // from the first token that holds part of the tag, the tokens spell it through the automaton
    const k = ids.findIndex((id) => start.has(id) && tok.decode(ids.slice(0, ids.indexOf(id) + 1)).includes('<'));
    assert.ok(k >= 0, `no start token in ${JSON.stringify(context)}: ${ids.map((i) => JSON.stringify(tok.decode([i]))).join(' ')}`);
    const first = start.get(ids[k])!;
    assert.equal(tok.decode(first.lead) + '</bigmodel>'.slice(0, first.covered), tok.decode([ids[k]]).slice(0, tok.decode(first.lead).length + first.covered));
    let covered = first.covered;
    for (let i = k + 1; covered < s.length; i++) {
      const c = next.get(covered)?.get(ids[i]);
      assert.ok(c !== undefined, `${JSON.stringify(context)}: token ${JSON.stringify(tok.decode([ids[i]]))} does not go on from ${covered} characters`);
      covered = c;
    }
  }
  // a plain "<" is a possible start, never a spelling by itself
  assert.equal(start.get(tok.encode('<')[0])?.covered, 1);
  assert.ok(s.start.length < 1000 && s.next.every(([, l]) => l.length < 1000), 'the spellings stay small enough to send with every probe');
});
