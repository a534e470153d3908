/**
 * The notebook's text/markdown output read the way a reader without the extension reads it:
 * markdown-it with @vscode/markdown-it-katex (the stack VS Code renders Markdown outputs with;
 * GitHub and Jupyter use the same `$` / `$$` delimiters), raw HTML allowed as in Jupyter.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import markdownItKatex from '@vscode/markdown-it-katex';
import { BIG_CLOSE, BIG_OPEN, traceMarkdown } from '../../src/split/traceMarkdown';
import type { TraceEvent } from '../../src/split/events';

function render(md: string): string {
  return new MarkdownIt({ html: true }).use(markdownItKatex).render(md);
}

/** The same, with KaTeX writing MathML only: the text around formulas is then easy to read. */
function renderMathml(md: string): string {
  return new MarkdownIt({ html: true }).use(markdownItKatex, { output: 'mathml' }).render(md);
}

/** The TeX source of every formula KaTeX typeset (its MathML annotation), in order. */
function formulas(html: string): string[] {
  return [...html.matchAll(/<annotation encoding="application\/x-tex">([\s\S]*?)<\/annotation>/g)].map((m) =>
    m[1]
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"')
      .trim(),
  );
}

/** What a reader sees around the formulas (each formula shown as [math]), from renderMathml. */
function visibleText(html: string): string {
  return html.replace(/<math[\s\S]*?<\/math>/g, '[math]').replace(/<[^>]+>/g, '');
}

function trace(segments: [source: 'small' | 'big', text: string][], answer: string | null): TraceEvent[] {
  const events: TraceEvent[] = [
    { type: 'start', problem: 'Compute $47 \\times 86 - 129$.', smallModel: 'toy-small', bigModel: 'toy-big', device: 'cpu', policy: 'learned', time: 0 },
  ];
  segments.forEach(([source, text], id) => {
    events.push({ type: 'segment', id, source, trigger: id === 0 ? 'start' : 'learned' });
    events.push({ type: 'text', id, text });
    events.push({ type: 'segmentEnd', id, tokens: text.length, ms: 1, reason: source === 'big' ? 'handback' : 'eos' });
  });
  events.push({ type: 'stats', smallTokens: 61, bigTokens: 8, offloadFraction: 8 / 69, tokensPerSecond: 300, costEstimate: 0 });
  events.push({ type: 'done', answer, reason: 'eos' });
  return events;
}

test("the whole reasoning reads with every formula typeset, the large model's part marked and the answer boxed", () => {
  const events = trace(
    [
      ['small', '<think>\n$47 \\times 86 = 47 \\times 80 + 47 \\times 6 = 3760 + 282 = 4042$\n'],
      ['big', 'Then subtract: $4042 - 129 = 3913$\n'],
      ['small', '</think>\nThe answer is $\\boxed{3913}$.'],
    ],
    '3913',
  );
  const html = render(traceMarkdown(events));
  assert.doesNotMatch(html, /katex-error/);
  assert.deepEqual(formulas(html), [
    '47 \\times 86 - 129',
    '47 \\times 86 = 47 \\times 80 + 47 \\times 6 = 3760 + 282 = 4042',
    '4042 - 129 = 3913',
    '\\boxed{3913}',
    '\\boxed{3913}',
  ]);
  const text = visibleText(renderMathml(traceMarkdown(events)));
  assert.match(text, new RegExp(`\n${BIG_OPEN}Then subtract: \\[math\\]${BIG_CLOSE}\n`));
  assert.match(text, /Answer:\s+\[math\]/);
  assert.doesNotMatch(text, /think>/);
  // each line of reasoning stays its own line
  assert.match(html, /4042<\/annotation>[\s\S]*?<br>/);
});

test("a formula the two models wrote together stays one formula, marked whole as the large model's", () => {
  const md = traceMarkdown(
    trace(
      [
        ['small', 'So $47 \\times 86 = '],
        ['big', '4042$ and we go on.'],
      ],
      '4042',
    ),
  );
  assert.deepEqual(formulas(render(md)).slice(1, 2), ['47 \\times 86 = 4042']);
  assert.match(visibleText(renderMathml(md)), new RegExp(`So ${BIG_OPEN}\\[math\\] and we go on.${BIG_CLOSE}`));
});

test('display math, \\( \\) and \\[ \\] delimiters, and < > inside math all typeset', () => {
  const md = traceMarkdown(
    trace(
      [
        ['small', 'Since \\(a < b\\) and $b > 0$:\n\\[\\frac{a}{b} < 1\\]\nand $$x^2 \\ge 0$$'],
        ['big', ''],
      ],
      null,
    ),
  );
  const html = render(md);
  assert.doesNotMatch(html, /katex-error/);
  assert.deepEqual(formulas(html).slice(1), ['a \\lt b', 'b \\gt 0', '\\frac{a}{b} \\lt 1', 'x^2 \\ge 0']);
  assert.match(visibleText(renderMathml(md)), /No final answer \(eos\)/);
});

test('model text cannot inject HTML, and a lone dollar stays a dollar', () => {
  const html = render(
    traceMarkdown(
      trace(
        [
          ['small', 'It costs $5 <img src=x onerror=alert(1)> & <script>alert(2)</script>'],
          ['big', 'ok'],
        ],
        '5</sub><b>x</b>',
      ),
    ),
  );
  assert.doesNotMatch(html, /<img|<script|<b>/);
  assert.match(
    visibleText(html.replace(/<span class="katex-html"[\s\S]*?<\/span><\/span><\/span>/g, '')),
    /It costs \$5 &lt;img src=x onerror=alert\(1\)&gt; &amp; &lt;script&gt;/,
  );
  // an answer that would break out of \boxed{} is shown as code instead
  const unsafe = render(traceMarkdown(trace([['small', 'x']], '3}$ \\href{javascript:alert(1)}{x')));
  assert.doesNotMatch(unsafe, /href="javascript/);
  assert.match(unsafe, /<code>3}\$ \\href\{javascript:alert\(1\)\}\{x<\/code>/);
});

test('while the solve runs the markdown says so, and an error event is shown', () => {
  const events = trace([['small', 'Working']], null).filter((e) => e.type !== 'done' && e.type !== 'stats');
  events.push({ type: 'error', message: 'the large model <failed>', recoverable: true });
  const text = visibleText(renderMathml(traceMarkdown(events)));
  assert.match(text, /Working/);
  assert.match(text, /Error: the large model &lt;failed&gt;/);
  assert.match(text, /SplitReason is solving…/);
});
