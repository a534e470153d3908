import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlockStream, MAX_BLOCK_CHARS, MAX_DISPLAY_LINES, type Block } from '../../webview/trace/blockStream';

const text = (b: Block): string => b.runs.map((r) => r.text).join('');
const texts = (bs: Block[]): string[] => bs.map(text);

test('each line is a block; the unfinished last line stays open', () => {
  const s = new BlockStream();
  s.push(0, 'first line\nsecond');
  s.push(0, ' line\nthi');
  assert.deepEqual(texts(s.takeClosed()), ['first line', 'second line']);
  assert.equal(text(s.open), 'thi');
  assert.deepEqual(s.takeClosed(), [], 'closed blocks are handed out once');
});

test('<think> and </think> split across text events move blocks between the parts and never show', () => {
  const s = new BlockStream();
  s.push(0, '<thi');
  s.push(0, 'nk>\nstep one\nstep two</th');
  assert.equal(s.open.part, 'think');
  s.push(0, 'ink>\nThe answer is 4.');
  const closed = s.takeClosed();
  assert.deepEqual(
    closed.map((b) => [b.part, text(b)]),
    [
      ['think', 'step one'],
      ['think', 'step two'],
    ],
  );
  assert.equal(s.open.part, 'answer');
  assert.equal(text(s.open), 'The answer is 4.');
});

test('text before any marker is reasoning (the chat template opens <think> in the prompt)', () => {
  const s = new BlockStream();
  s.push(0, 'reasoning\n</think>\nanswer\n');
  assert.deepEqual(
    s.takeClosed().map((b) => [b.part, text(b)]),
    [
      ['think', 'reasoning'],
      ['answer', 'answer'],
    ],
  );
});

test('a display formula over several lines is one block', () => {
  const s = new BlockStream();
  s.push(0, 'so\n$$\na + b\n= c');
  s.push(0, '\n$$\nnext\n');
  assert.deepEqual(texts(s.takeClosed()), ['so', '$$\na + b\n= c\n$$', 'next']);
  const t = new BlockStream();
  t.push(0, '\\[ x \n = y \\]\nz\n');
  assert.deepEqual(texts(t.takeClosed()), ['\\[ x \n = y \\]', 'z']);
});

test('an unterminated display formula gives up after MAX_DISPLAY_LINES lines', () => {
  const s = new BlockStream();
  s.push(0, '$$ \\int\n' + 'x\n'.repeat(MAX_DISPLAY_LINES * 2));
  const closed = s.takeClosed();
  assert.equal(text(closed[0]).split('\n').length, MAX_DISPLAY_LINES);
  assert.ok(closed.length > MAX_DISPLAY_LINES / 2, 'later lines are blocks of their own');
});

test('segments that start and end mid-line become runs of one block', () => {
  const s = new BlockStream();
  s.mark(0);
  s.push(0, 'First the product. ');
  s.mark(1);
  s.push(1, 'Split 86 as 80 + 6,\nso 4042');
  s.mark(2);
  s.push(2, '. Now subtract.\n');
  const [a, b] = s.takeClosed();
  assert.deepEqual(a.runs, [
    { seg: 0, text: 'First the product. ' },
    { seg: 1, text: 'Split 86 as 80 + 6,' },
  ]);
  assert.deepEqual(b.runs, [
    { seg: 1, text: 'so 4042' },
    { seg: 2, text: '. Now subtract.' },
  ]);
});

test('a segment that writes nothing leaves an empty run where it began', () => {
  const s = new BlockStream();
  s.push(0, 'We add. ');
  s.mark(1);
  s.mark(2);
  s.push(2, 'The lcm is 12.\n');
  assert.deepEqual(s.takeClosed()[0].runs, [
    { seg: 0, text: 'We add. ' },
    { seg: 1, text: '' },
    { seg: 2, text: 'The lcm is 12.' },
  ]);
});

test('a possible marker held back is plain text when another segment writes next, or at the end', () => {
  const s = new BlockStream();
  s.push(0, 'if x <');
  assert.equal(text(s.open), 'if x ', '"<" could start </think>: held');
  s.push(1, ' 3 then');
  assert.deepEqual(s.open.runs, [
    { seg: 0, text: 'if x <' },
    { seg: 1, text: ' 3 then' },
  ]);
  const t = new BlockStream();
  t.push(0, 'ends with </thi');
  t.end();
  assert.deepEqual(texts(t.takeClosed()), ['ends with </thi']);
});

test('blank lines: none at the start of a part, one gap for a run of them', () => {
  const s = new BlockStream();
  s.push(0, '<think>\n\n\nA\n\n\n\nB\n');
  assert.deepEqual(texts(s.takeClosed()), ['A', '', 'B']);
});

test('a 1 MB line is cut into bounded blocks and nothing is lost', () => {
  const line = 'lorem ipsum $x_1$ dolor '.repeat(Math.ceil((1 << 20) / 24)).slice(0, 1 << 20);
  const s = new BlockStream();
  for (let i = 0; i < line.length; i += 65536) s.push(0, line.slice(i, i + 65536));
  s.end();
  const closed = s.takeClosed();
  assert.ok(closed.length >= (1 << 20) / MAX_BLOCK_CHARS);
  for (const b of closed) assert.ok(text(b).length <= MAX_BLOCK_CHARS, `block of ${text(b).length} chars`);
  assert.equal(texts(closed).join(''), line);
});

test('cutting a long line never splits a surrogate pair', () => {
  const line = 'x' + '\u{1d465}'.repeat(MAX_BLOCK_CHARS); // odd offset, no spaces
  const s = new BlockStream();
  s.push(0, line);
  s.end();
  const closed = texts(s.takeClosed());
  assert.equal(closed.join(''), line);
  const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  for (const t of closed) assert.doesNotMatch(t, loneSurrogate, 'each block is well-formed UTF-16');
});

test('\\r\\n line ends are plain line ends', () => {
  const s = new BlockStream();
  s.push(0, 'a\r');
  s.push(0, '\nb\r\n');
  assert.deepEqual(texts(s.takeClosed()), ['a', 'b']);
});
