import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TextTokenizer } from '../../src/engine';
import { tempModel } from '../helpers/tempModel';

const { dir } = tempModel({ seed: 1 });
const tok = TextTokenizer.load(dir);

const samples = [
  'Compute $47 \\times 86 - 129$.',
  'Émile a 3 € — naïve café',
  '数学は楽しい。二次方程式',
  'emoji 🧮🤖👩‍🏫 and flags 🇫🇷',
  '$$\\frac{a}{b} = \\sqrt{x^2}$$ \\boxed{42}',
];

test('encode/decode round-trips text, including special tokens', () => {
  for (const s of samples) assert.equal(tok.decode(tok.encode(s)), s);
  const withTags = '<think>\nstep<bigmodel>$2 \\times 3 = 6$</bigmodel></think>';
  const ids = tok.encode(withTags);
  assert.ok(ids.includes(tok.tokenToId('<bigmodel>')!), 'the open tag is one special token');
  assert.equal(tok.decode(ids), withTags);
  assert.equal(tok.decode(ids, { skipSpecialTokens: true }), '\nstep$2 \\times 3 = 6$');
});

test('the chat template renders the DeepSeek-R1 prompt shape', () => {
  const text = tok.applyChatTemplate([{ role: 'user', content: 'Compute $1 + 2$.' }], { addGenerationPrompt: true });
  assert.equal(text, '<｜begin▁of▁sentence｜><｜User｜>Compute $1 + 2$.<｜Assistant｜><think>\n');
  assert.equal(tok.eosTokenIds.length, 1);
  assert.equal(tok.decode(tok.eosTokenIds), '<｜end▁of▁sentence｜>');
});

test('streaming detokenization never emits a broken character and never drops one', () => {
  for (const s of samples) {
    const ids = tok.encode(s);
    const d = tok.streamDecoder();
    const pieces = ids.map((id) => d.push(id));
    pieces.push(d.flush());
    for (const p of pieces) assert.ok(!p.includes('\uFFFD'), `piece ${JSON.stringify(p)} of ${s}`);
    assert.equal(pieces.join(''), s);
    // multi-byte characters span several byte tokens, so some pushes must have held text back
    if (/[^\x00-\x7f]/.test(s))
      assert.ok(
        pieces.some((p) => p === ''),
        'no token was held back',
      );
  }
});

test('a truncated stream flushes what it has', () => {
  const ids = tok.encode('ok 🧮');
  const d = tok.streamDecoder();
  const out = ids
    .slice(0, -1)
    .map((id) => d.push(id))
    .join('');
  assert.equal(out, 'ok ');
  assert.equal(d.flush(), '\uFFFD');
});
