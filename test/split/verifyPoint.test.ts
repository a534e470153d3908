import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineVerifier, verifyPoint } from '../../src/split';

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
  assert.equal(verifyPoint('$  72 -   99$', PROBLEM), null);
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
