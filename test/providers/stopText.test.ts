import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StopText } from '../../src/providers/stopText';

function run(stops: string[], pieces: string[]): { out: string[]; stopped: boolean } {
  const s = new StopText(stops);
  const out = pieces.map((p) => s.push(p));
  out.push(s.flush());
  return { out, stopped: s.stopped };
}

test('text before the first stop string is emitted; the stop string and after are not', () => {
  assert.deepEqual(run(['END'], ['abc', 'dEN', 'Dxyz', 'more']), { out: ['abc', 'd', '', '', ''], stopped: true });
});

test('a held-back partial match is released when it turns out not to be a stop', () => {
  assert.deepEqual(run(['\n\n'], ['a\n', 'b\n', '\nc']), { out: ['a', '\nb', '', ''], stopped: true });
  assert.deepEqual(run(['STOP'], ['xST', 'x', 'ST']), { out: ['x', 'STx', '', 'ST'], stopped: false });
});

test('the earliest of several stop strings wins, even inside one piece', () => {
  assert.deepEqual(run(['cd', 'b'], ['abcd']), { out: ['a', ''], stopped: true });
});

test('no stop strings: everything passes straight through', () => {
  assert.deepEqual(run([], ['a', 'b']), { out: ['a', 'b', ''], stopped: false });
});
