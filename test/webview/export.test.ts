import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeLatex, insertText, splitParts, toLatex, toMarkdown } from '../../webview/trace/export';
import { loadTrace } from '../helpers/traces';

function transcriptOf(name: string) {
  const events = loadTrace(name);
  let rawText = '';
  let problem = '';
  let answer: string | null = null;
  for (const e of events) {
    if (e.type === 'text') rawText += e.text;
    if (e.type === 'start') problem = e.problem;
    if (e.type === 'done') answer = e.answer;
  }
  return { problem, rawText, answer };
}

test('splitParts: reasoning inside <think>, or before a lone </think>; answer after', () => {
  assert.deepEqual(splitParts('<think>\nr1\n</think>\nans'), { think: 'r1', answer: 'ans' });
  assert.deepEqual(splitParts('r1\n</think>\n\nans\n'), { think: 'r1', answer: 'ans' });
  assert.deepEqual(splitParts('only reasoning'), { think: 'only reasoning', answer: '' });
});

test('Copy as Markdown: problem, reasoning and solution, tags removed', () => {
  const md = toMarkdown(transcriptOf('toy.jsonl'));
  assert.equal(
    md,
    [
      '**Problem.** Compute $47 \\times 86 - 129$.',
      '**Reasoning**',
      'I need to compute $47 \\times 86 - 129$.\nFirst the product. Split 86 as 80 + 6: $47 \\times 80 = 3760$ and $47 \\times 6 = 282$, so\n' +
        '$$47 \\times 86 = 3760 + 282 = 4042$$\nThe product is $4042$. Now subtract: $4042 - 129 = 3913$.\n**Check:** $3913 + 129 = 4042$, correct.',
      '**Solution**',
      'We have $47 \\times 86 = 4042$, and $4042 - 129 = 3913$.\n\nThe answer is $\\boxed{3913}$.',
    ].join('\n\n') + '\n',
  );
});

test('Copy as LaTeX: text escaped, math kept, display math and the boxed answer', () => {
  const tex = toLatex(transcriptOf('failed.jsonl'));
  assert.match(tex, /^\\section\*\{Problem\}\n\nWhat is \$\\frac\{3\}\{4\} \+ \\frac\{5\}\{6\}\$\?\n\n\\subsection\*\{Reasoning\}/);
  assert.ok(tex.includes('\\[\\frac{3}{4} + \\frac{5}{6} = \\frac{9}{12} + \\frac{10}{12} = \\frac{19}{12}\\]'));
  assert.ok(tex.includes('The answer is $\\boxed{\\frac{19}{12}}$.'));
  assert.ok(tex.trimEnd().endsWith('\\[\\boxed{\\frac{19}{12}}\\]'));
  assert.ok(!tex.includes('think>'));
});

test('LaTeX escaping of prose', () => {
  assert.equal(escapeLatex('50% of a_1 & b#2 {x} ~^\\'), '50\\% of a\\_1 \\& b\\#2 \\{x\\} \\textasciitilde{}\\textasciicircum{}\\textbackslash{}');
  const tex = toLatex({ problem: '', rawText: '</think>\n**Bold** $x_1$ costs \\$5 and `a_b`', answer: null });
  assert.equal(tex, '\\subsection*{Solution}\n\n\\textbf{Bold} $x_1$ costs \\$5 and \\texttt{a\\_b}\n');
});

test('Copy as LaTeX keeps a padded formula that fills its line as math, never as \\$', () => {
  const tex = toLatex({ problem: '', rawText: '$47 \\times 86 = 4042$\n$  4042 -    129 =   3913$\n</think>\nThe answer is $\\boxed{3913}$.', answer: '3913' });
  assert.ok(tex.includes('$  4042 -    129 =   3913$'), tex);
  assert.ok(!tex.includes('\\$'), tex);
});

test('Insert into editor: the solution, else the boxed answer', () => {
  assert.equal(insertText(transcriptOf('toy.jsonl')), 'We have $47 \\times 86 = 4042$, and $4042 - 129 = 3913$.\n\nThe answer is $\\boxed{3913}$.\n');
  assert.equal(insertText({ problem: 'p', rawText: 'thinking \\boxed{7}', answer: null }), '$\\boxed{7}$\n');
});
