import { test } from 'node:test';
import assert from 'node:assert/strict';
import { segmentedTex, texSegmentOf, trustSegmentClass } from '../../webview/render/segmentTex';

const big = (seg: number): boolean => seg === 2;

test("the large model's pieces are wrapped, the rest left as written (the toy pair's formula)", () => {
  assert.equal(
    segmentedTex(
      [
        { seg: 1, text: '47 \\times 80 + 47 \\times 6 = ' },
        { seg: 2, text: '3760' },
        { seg: 3, text: ' +' },
        { seg: 2, text: ' 282' },
        { seg: 3, text: ' = 4042' },
      ],
      big,
    ),
    '47 \\times 80 + 47 \\times 6 = \\htmlClass{sr-texseg-2}{3760} + \\htmlClass{sr-texseg-2}{282} = 4042',
  );
});

test('scripts, groups and delimiters keep their shape', () => {
  assert.equal(
    segmentedTex(
      [
        { seg: 1, text: 'x^' },
        { seg: 2, text: '2' },
      ],
      big,
    ),
    'x^{\\htmlClass{sr-texseg-2}{2}}',
  );
  assert.equal(
    segmentedTex(
      [
        { seg: 1, text: '\\frac{' },
        { seg: 2, text: '1' },
        { seg: 1, text: '}{2}' },
      ],
      big,
    ),
    '\\frac{\\htmlClass{sr-texseg-2}{1}}{2}',
  );
  assert.equal(
    segmentedTex(
      [
        { seg: 2, text: '\\frac{1}{2}' },
        { seg: 1, text: ' + 1' },
      ],
      big,
    ),
    '\\htmlClass{sr-texseg-2}{\\frac{1}{2}} + 1',
  );
  assert.equal(
    segmentedTex(
      [
        { seg: 1, text: '\\left' },
        { seg: 2, text: '( x' },
        { seg: 1, text: ' \\right)' },
      ],
      big,
    ),
    '\\left( \\htmlClass{sr-texseg-2}{x} \\right)',
  );
});

test('a cut inside a control word, or a group left open, cannot be wrapped', () => {
  assert.equal(
    segmentedTex(
      [
        { seg: 1, text: '47 \\tim' },
        { seg: 2, text: 'es 80' },
      ],
      big,
    ),
    null,
  );
  assert.equal(
    segmentedTex(
      [
        { seg: 2, text: '\\frac{1' },
        { seg: 1, text: '' },
      ],
      big,
    ),
    null,
  );
});

test("a model's own HTML commands become text; only our class passes the trust check", () => {
  const tex = segmentedTex(
    [
      { seg: 1, text: '\\htmlClass{sr-texseg-2}{9} + \\href{javascript:x}{y} + ' },
      { seg: 2, text: '1' },
    ],
    big,
  );
  assert.ok(tex !== null && !/\\htmlClass\{sr-texseg-2\}\{9\}/.test(tex) && !tex.includes('\\href'), tex ?? 'null');
  assert.ok(tex.includes('\\backslash\\mathrm{htmlClass}') && tex.includes('\\backslash\\mathrm{href}'), tex);
  assert.equal(trustSegmentClass({ command: '\\htmlClass', class: 'sr-texseg-12' }), true);
  for (const ctx of [
    { command: '\\htmlClass', class: 'sr-texseg-12 sr-big' },
    { command: '\\htmlClass', class: 'evil' },
    { command: '\\href', class: 'sr-texseg-1' },
    { command: '\\htmlStyle' },
  ]) {
    assert.equal(trustSegmentClass(ctx), false, JSON.stringify(ctx));
  }
  assert.equal(texSegmentOf('enclosing sr-texseg-7'), 7);
  assert.equal(texSegmentOf('enclosing'), null);
});
