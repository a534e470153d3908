import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineVerifier, verifyPoint } from '../../src/split';
import { closingDelimiter } from '../../src/split/verifyPoint';

const PROBLEM = 'Compute $47 \\times 86 - 129$.';

/** The text a rewind keeps. */
const kept = (line: string, at: { offset: number } | null) => (at ? line.slice(0, at.offset) : null);

test('a chain is cut after the last = the checker accepts', () => {
  const line = '$47 \\times 86 = 47 \\times 80 + 47 \\times 6 = 3760 + 292 = 4052$';
  const at = verifyPoint(line, PROBLEM);
  assert.equal(kept(line, at), '$47 \\times 86 = 47 \\times 80 + 47 \\times 6 = ');
  assert.equal(at?.check.expected, '4042');
  // the first link wrong: cut right after the first "="
  assert.equal(kept('47 × 86 = 4032', verifyPoint('47 × 86 = 4032', PROBLEM)), '47 × 86 = ');
});

test('a line that is fine, prose, or undecidable gives null', () => {
  assert.equal(verifyPoint('$47 \\times 86 = 47 \\times 80 + 47 \\times 6 = 3760 + 282 = 4042$', PROBLEM), null);
  assert.equal(verifyPoint('First, split 86 into 80 and 6.', PROBLEM), null);
  assert.equal(verifyPoint('$\\sqrt{2} = 1.414$', PROBLEM), null);
  // a lone expression, unless taken as restating the problem (see below)
  assert.equal(verifyPoint('$  72 -   99$', PROBLEM, [], { restatements: false }), null);
});

test('an equation that does not follow from the one before is cut at its start', () => {
  const prev = ['Subtract 3: $2x = 8$'];
  const line = 'So $x = 5$.';
  const at = verifyPoint(line, 'Solve $2x + 3 = 11$.', prev);
  assert.equal(kept(line, at), 'So $');
  assert.equal(at?.check.expected, 'x = 4');
  assert.equal(verifyPoint('So $x = 4$.', 'Solve $2x + 3 = 11$.', prev), null);
});

test('a continuation line is judged against the line before it', () => {
  const v = new LineVerifier(PROBLEM);
  assert.equal(v.push('$47 \\times 86 = 47 \\times 80 + 47 \\times 6$'), null);
  const line = '$= 3760 + 282 = 4032$';
  assert.equal(kept(line, v.push(line)), '$= 3760 + 282 = ');
});

test('an accepted chain that runs into unreadable math is cut there unless told not to', () => {
  // what the toy small model writes alone
  const line = '$47 \\times 86 = 47 \\times 80 + 47 \\times 6 = 1 \\times  =  = 18 \\times  0 +      229$';
  assert.equal(kept(line, verifyPoint(line, PROBLEM)), '$47 \\times 86 = 47 \\times 80 + 47 \\times 6 = ');
  assert.equal(verifyPoint(line, PROBLEM, [], { unreadable: false }), null);
  // a first part the checker cannot read is not a chain it accepted
  assert.equal(verifyPoint('$\\frac{ = 3$', PROBLEM), null);
});

test('a lone arithmetic line restates the problem: a mis-copied term is rewound to the start of its expression', () => {
  const problem = 'Compute $341 - 11 \\times 75 + 349 - 567$.';
  const product = '$11 \\times 75 = 11 \\times 70 + 11 \\times 5 =  770 +   55 =  825$';
  const wrong = '$   341 -    925 +    349 -    567$';
  const at = verifyPoint(wrong, problem, [product]);
  assert.equal(kept(wrong, at), '$   ');
  assert.equal(at?.check.expected, '-702');
  assert.equal(verifyPoint('$   341 -    825 +    349 -    567$', problem, [product]), null);
  // not asked for (a student's side sums), or a problem that is not one expression to work out: not judged
  assert.equal(verifyPoint(wrong, problem, [product], { restatements: false }), null);
  assert.equal(verifyPoint(wrong, 'Solve $2x + 3 = 11$.'), null);
  // a lone number or prose is no restatement
  assert.equal(verifyPoint('$ 925$', problem), null);
  assert.equal(verifyPoint('Now add the rest.', problem), null);
});

test('peek judges a line still being written, with its math closed, and the checker does not move on', () => {
  const v = new LineVerifier(PROBLEM);
  // the left side of an equation, cut at its `=`: no restatement, nothing to judge yet
  assert.equal(v.peek('$47 \\times 86 '), null);
  const partial = '$47 \\times 86 = 47 \\times 80 + 47 \\times 6 = 3760 + 292 ';
  assert.equal(kept(partial, v.peek(partial)), '$47 \\times 86 = 47 \\times 80 + 47 \\times 6 = ');
  // prose where a value belongs is caught before the line ends
  const runaway = '$47 \\times 86 = 47 \\times 80 + 47 \\times 6 = Compute35 \\times 10 + Compute0 \\times 1 ';
  assert.equal(kept(runaway, v.peek(runaway)), '$47 \\times 86 = 47 \\times 80 + 47 \\times 6 = ');
  // peeking left the checker where it was: a continuation still continues the problem's expression
  // (had the peek at `47 × 86 = 4042` moved it on, 3760 + 282 = 4042 would be accepted)
  assert.equal(v.peek('$47 \\times 86 = 4042 '), null);
  assert.equal(v.push('$= 3760 + 282$')?.check.expected, '3913');
});

test('closingDelimiter closes the math a partial line left open', () => {
  assert.equal(closingDelimiter('$1 + 2 = 3'), '$');
  assert.equal(closingDelimiter('$1 + 2$ and $3'), '$');
  assert.equal(closingDelimiter('$1 + 2 = 3$'), '');
  assert.equal(closingDelimiter('$$x = 2'), '$$');
  assert.equal(closingDelimiter('\\(x = 1'), '\\)');
  assert.equal(closingDelimiter('\\(x\\) and \\[y = '), '\\]');
  assert.equal(closingDelimiter('costs \\$5 so'), '');
});
