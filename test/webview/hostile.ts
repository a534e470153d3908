/**
 * Hostile traces, generated: model output and trace files are untrusted, so each of these must
 * execute nothing, load nothing, and leave the panel responsive. Every payload that would run
 * sets window.__pwned.
 */
import type { TraceEvent } from '../../src/split/events';

export interface HostileCase {
  name: string;
  /** Events as JSON values: some are deliberately not valid trace events. */
  events: unknown[];
  /** Text that must appear literally (escaped, not dropped) in the rendered trace. */
  literal: string[];
}

const start = (problem = 'Hostile trace'): TraceEvent => ({
  type: 'start',
  problem,
  smallModel: 'small',
  bigModel: 'big',
  device: 'cpu',
  policy: 'learned',
  time: 0,
});

/** A trace of one small and one big segment around the given texts. */
function trace(think: string[], answer: string[] = [], extra: unknown[] = []): unknown[] {
  return [
    start(),
    { type: 'segment', id: 0, source: 'small', trigger: 'start' },
    ...think.map((text) => ({ type: 'text', id: 0, text })),
    { type: 'segmentEnd', id: 0, tokens: 10, ms: 100, reason: 'offload' },
    { type: 'segment', id: 1, source: 'big', trigger: 'learned' },
    { type: 'text', id: 1, text: '</think>\n' },
    ...answer.map((text) => ({ type: 'text', id: 1, text })),
    { type: 'segmentEnd', id: 1, tokens: 10, ms: 100, reason: 'eos' },
    ...extra,
  ];
}

const script = "<script>window.__pwned='script'</script>";
const img = '<img src=x onerror="window.__pwned=\'img\'">';
const svg = '<svg onload="window.__pwned=\'svg\'"><foreignObject><iframe src="javascript:window.__pwned=1"></iframe></foreignObject></svg>';

export function hostileCases(): HostileCase[] {
  const megabyte = buildMegabyteLine();
  return [
    {
      name: 'check-badges',
      events: trace(
        [`$1 + 1 = 3$ ${img}\n`],
        [],
        [
          { type: 'check', segment: 0, line: `$1 + 1 = 3$ ${img}`, verdict: 'incorrect', expected: `2 ${script}`, message: `1 + 1 = 2 ${svg}` },
          { type: 'check', segment: 1, line: `${script} = ok`, verdict: 'correct' },
          // typeset with trust: false: no link, no class of ours
          { type: 'check', segment: 1, line: '$\\href{javascript:window.__pwned=2}{y} + \\htmlClass{sr-texseg-0}{1} = 2$', verdict: 'correct' },
          // malformed: each is dropped and counted, none renders
          { type: 'check', segment: '0" onmouseover="window.__pwned=1', line: 'x', verdict: 'correct' },
          { type: 'check', segment: 0, line: 'x', verdict: `<b>${img}</b>` },
          { type: 'check', segment: 0, line: { toString: 'x' }, verdict: 'correct' },
        ],
      ),
      // the badges typeset the lines' math and the expected value's TeX; the markup in a line's text stays text
      literal: [` ${img}`, `${script} = ok`],
    },
    {
      name: 'script-and-img',
      events: trace([`Step ${script} one\n`, `**bold ${img}** and ${svg}\n`, `$x ${img}$ and $\\text{${script}}$\n`], [`Answer ${script}\n`]),
      literal: [script, img, '<svg onload='],
    },
    {
      name: 'html-in-every-field',
      events: [
        start(`Problem ${img}`),
        { type: 'segment', id: 0, source: 'small', trigger: 'start' },
        { type: 'text', id: 0, text: 'plain\n' },
        { type: 'segmentEnd', id: 0, tokens: 1, ms: 1, reason: 'offload', model: `model ${img}` },
        { type: 'segment', id: 1, source: 'big', trigger: 'learned' },
        { type: 'segmentEnd', id: 1, tokens: 0, ms: 1, reason: 'failed', error: `error ${script}`, model: `big ${img}` },
        { type: 'stats', smallTokens: 1, bigTokens: 0, offloadFraction: 0, tokensPerSecond: 1, costEstimate: 0, device: `gpu ${img}` },
        { type: 'error', message: `provider said ${script}`, recoverable: true },
        { type: 'done', answer: `\\text{${img}}`, reason: 'eos' },
      ],
      literal: [`Problem ${img}`, `provider said ${script}`, `gpu ${img}`],
    },
    {
      name: 'katex-commands',
      events: trace(
        [
          "$\\href{javascript:window.__pwned='href'}{click}$ and $\\url{javascript:window.__pwned='url'}$\n",
          '$$\\includegraphics[height=1em]{http://127.0.0.1:9/x.png}$$\n',
          '$\\htmlClass{sr-big}{x} \\htmlStyle{position:fixed;inset:0}{y} \\htmlId{sr-trace}{z} \\htmlData{onclick=alert(1)}{w}$\n',
        ],
        ['$\\boxed{\\href{javascript:alert(1)}{3913}}$\n'],
        [{ type: 'done', answer: "\\href{javascript:window.__pwned='answer'}{3913}", reason: 'eos' }],
      ),
      literal: [],
    },
    {
      name: 'megabyte-line',
      events: trace(chunks(megabyte, 65536)),
      literal: ['END-OF-MEGABYTE'],
    },
    {
      name: 'ten-thousand-braces',
      events: trace(
        [
          '$' + '{'.repeat(10000) + 'x' + '}'.repeat(10000) + '$\n',
          '$$' + '{'.repeat(1000) + 'y' + '}'.repeat(1000) + '$$\n',
          '\\boxed{' + '{'.repeat(10000) + '\n',
          '$' + '\\sqrt{'.repeat(400) + 'z' + '}'.repeat(400) + '$\n',
        ],
        [],
        [{ type: 'done', answer: '{'.repeat(10000) + '3913' + '}'.repeat(10000), reason: 'eos' }],
      ),
      literal: [],
    },
    {
      name: 'unterminated-math',
      events: trace(
        ['$\\frac{1}{2\n', '$$\\int_0^1 f(x)\n' + 'more\n'.repeat(100), '\\[ never closed\n', '\\( nor this\n', '\\boxed{open\n'],
        ['The answer is $\\boxed{4'],
      ),
      literal: ['$\\frac{1}{2', 'The answer is $\\boxed{4'],
    },
    {
      name: 'macro-bombs',
      events: trace([
        '$\\def\\a{\\a}\\a$\n',
        '$\\def\\b{\\b\\b}\\b$\n',
        '$\\newcommand{\\c}{\\c\\c}\\c$\n',
        '$\\rule{100000em}{100000em}$ $\\kern100000em x$ $\\Huge\\Huge\\Huge X$\n',
        '$' + '\\left('.repeat(300) + 'x' + '\\right)'.repeat(300) + '$\n',
      ]),
      literal: [],
    },
    {
      name: 'malformed-events',
      events: [
        start(),
        { type: 'segment', id: '"><img src=x onerror="window.__pwned=\'id\'">', source: 'big', trigger: 'learned' },
        { type: 'text', id: '"><img src=x onerror="window.__pwned=\'id\'">', text: 'dropped' },
        { type: 'segment', id: 0, source: 'small"><img src=x onerror=alert(1)>', trigger: 'start' },
        { type: 'text', id: 0, text: { toString: 'x' } },
        JSON.parse('{"type":"text","id":0,"text":"proto\\n","__proto__":{"polluted":true}}'),
        null,
        42,
        'text',
        [],
        { type: 'segment', id: 2 ** 60, source: 'big', trigger: 'learned' },
        { type: 'text', id: 0, text: 'kept\n' },
      ],
      literal: ['kept'],
    },
    {
      name: 'tag-games',
      events: trace(['<bigmodel>not a segment</bigmodel>\n', '<think><think>nested\n', '</think></think>\n', '<thi'], ['<think', '</bigmodel>\n']),
      literal: ['<bigmodel>not a segment</bigmodel>', '</bigmodel>'],
    },
  ];
}

function chunks(s: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

/** One line of 1 MiB: prose with a formula every ~150 characters, and a marker at its end. */
function buildMegabyteLine(): string {
  const words = ['the', 'sum', 'of', 'both', 'terms', 'gives', 'us', 'a', 'bound', 'on', 'each', 'step'];
  let s = '';
  let i = 0;
  while (s.length < (1 << 20) - 20) {
    s += words[i % words.length] + ' ';
    if (i % 25 === 24) s += `$x_{${i % 7}} + ${i % 5}$ `;
    i++;
  }
  return s.slice(0, (1 << 20) - 16) + 'END-OF-MEGABYTE\n';
}
