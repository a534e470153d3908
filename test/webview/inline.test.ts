import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInline, type InlineItem } from '../../webview/trace/inline';

/** Items as readable tuples: [kind, source text] plus the TeX for math. */
function show(s: string): (string | boolean)[][] {
  return parseInline(s).items.map((it: InlineItem) => {
    const src = s.slice(it.start, it.end);
    if (it.kind === 'math') return ['math', it.tex, it.display];
    if (it.kind === 'open' || it.kind === 'close') return [it.kind, it.tag];
    return [it.kind, src];
  });
}

test('inline and display math in all four delimiters', () => {
  assert.deepEqual(show('so $47 \\times 86$ is \\(4042\\)'), [
    ['text', 'so '],
    ['math', '47 \\times 86', false],
    ['text', ' is '],
    ['math', '4042', false],
  ]);
  assert.deepEqual(show('$$a+b$$ and \\[c\\]'), [
    ['math', 'a+b', true],
    ['text', ' and '],
    ['math', 'c', true],
  ]);
});

test('a bare \\boxed{} is math, with nested braces', () => {
  assert.deepEqual(show('The answer is \\boxed{\\frac{19}{12}}.'), [
    ['text', 'The answer is '],
    ['math', '\\boxed{\\frac{19}{12}}', false],
    ['text', '.'],
  ]);
});

test('prices are not math (Pandoc dollar rules), \\$ is a dollar', () => {
  assert.deepEqual(show('$5 and $6'), [['text', '$5 and $6']]);
  assert.deepEqual(show('costs \\$5, $x$'), [
    ['text', 'costs '],
    ['dollar', '\\$'],
    ['text', '5, '],
    ['math', 'x', false],
  ]);
  assert.deepEqual(show('a $ b $ c'), [['text', 'a $ b $ c']], 'space after the opener: not math');
});

test('a line that is one formula is math even with spaces inside the dollars (the toy pair writes them)', () => {
  assert.deepEqual(show('$  4042 -    129 =   3913$'), [['math', '  4042 -    129 =   3913', false]]);
  assert.deepEqual(show('  $ x + 1 $.'), [
    ['text', '  '],
    ['math', ' x + 1 ', false],
    ['text', '.'],
  ]);
  // Not unambiguous: text before the opener, text after the closer, or an empty formula.
  assert.deepEqual(show('pay $ 5 and $6'), [['text', 'pay $ 5 and $6']]);
  assert.deepEqual(show('$ 5 and $6 more'), [['text', '$ 5 and $6 more']]);
  assert.deepEqual(show('$ $'), [['text', '$ $']]);
});

test('unterminated math is text; an open $$ or \\[ is reported', () => {
  assert.deepEqual(show('$\\frac{1}{2'), [['text', '$\\frac{1}{2']]);
  assert.equal(parseInline('$$\\int_0^1').unclosedDisplay, true);
  assert.equal(parseInline('\\[ x').unclosedDisplay, true);
  assert.equal(parseInline('$$x$$ $y$').unclosedDisplay, false);
  assert.equal(
    parseInline('\\boxed{3').items.every((i) => i.kind === 'text'),
    true,
  );
});

test('bold, italic and code; math inside emphasis', () => {
  assert.deepEqual(show('**Check:** $1+1$ *ok* `x*y`'), [
    ['open', 'strong'],
    ['text', 'Check:'],
    ['close', 'strong'],
    ['text', ' '],
    ['math', '1+1', false],
    ['text', ' '],
    ['open', 'em'],
    ['text', 'ok'],
    ['close', 'em'],
    ['text', ' '],
    ['code', '`x*y`'],
  ]);
});

test('emphasis pairs always nest; unpaired stars stay text', () => {
  for (const s of ['**a *b** c*', '*a **b* c**', '2 * 3 * 4', '**open', 'a* b*', '***x***']) {
    const depth: string[] = [];
    for (const it of parseInline(s).items) {
      if (it.kind === 'open') depth.push(it.tag);
      if (it.kind === 'close') assert.equal(depth.pop(), it.tag, `${s}: close matches the innermost open`);
    }
    assert.deepEqual(depth, [], `${s}: every open is closed`);
  }
  assert.ok(
    parseInline('2 * 3 * 4').items.every((i) => i.kind === 'text'),
    'stars between spaces are no delimiters',
  );
});

test('items cover the text in order without gaps', () => {
  const s = 'x $a$ \\$ **b** `c` \\(d\\) $$e$$ \\boxed{f} *g';
  let at = 0;
  for (const it of parseInline(s).items) {
    assert.equal(it.start, at);
    at = it.end;
  }
  assert.equal(at, s.length);
});

test('a line of thousands of unmatched delimiters parses to text', () => {
  for (const s of ['$a '.repeat(1500), '\\['.repeat(2000), '$$'.repeat(1) + 'x'.repeat(4000), '`'.repeat(3000), '\\boxed{'.repeat(500)]) {
    const items = parseInline(s).items;
    assert.ok(
      items.every((i) => i.kind === 'text'),
      'no math, no code',
    );
  }
});
