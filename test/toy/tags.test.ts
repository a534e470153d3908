/**
 * The committed small model really marks its hard steps: on fresh problems (generated here,
 * not by the training code) it writes <bigmodel> before each partial product of each
 * multiplication and </bigmodel> after it (once the large model's part is in), and nowhere else.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { argmax, LocalModel } from '../../src/engine';
import { renderPrompt, smallUserMessage } from '../../src/split';
import { partials, toyProblems, type ToyProblem } from './problems';
import { loadTestModel } from '../helpers/testDevice';

const DIR = join(__dirname, '..', '..', 'models', 'toy-small');
const PROBLEMS = toyProblems(60, 20250101);
let model: LocalModel;

before(async () => {
  model = await loadTestModel(DIR, { dtype: 'fp32', threads: 1 });
});
after(async () => {
  await model?.dispose();
});

/**
 * The small model, greedy, with the large model's part played by the right answer: after each
 * <bigmodel> it opens, the next partial product (its 4-character field) is appended, and the
 * small model carries on from there, so what follows a tag's content is its own decision.
 */
async function writeWithPartials(p: ToyProblem): Promise<string> {
  const tok = model.tokenizer;
  const [open] = tok.encode('<bigmodel>');
  const fields = partials(p);
  const gen = await model.generator();
  let logits = (await gen.append(tok.encode(renderPrompt(tok, smallUserMessage(p.text))), { logits: 'last' }))!;
  const ids: number[] = [];
  const eos = new Set(tok.eosTokenIds);
  while (ids.length < 300) {
    const next = argmax(logits);
    if (eos.has(next)) break;
    const step = next === open && fields.length > 0 ? [next, ...tok.encode(fields.shift()!)] : [next];
    ids.push(...step);
    logits = (await gen.append(step, { logits: 'last' }))!;
  }
  gen.dispose();
  return tok.decode(ids, { skipSpecialTokens: false });
}

const count = (text: string, s: string) => text.split(s).length - 1;

test(`on ${PROBLEMS.length} fresh problems the small model tags every partial product of every multiplication`, async () => {
  let products = 0;
  let opens = 0;
  let closes = 0;
  let placed = 0;
  const misplaced: string[] = [];
  for (const p of PROBLEMS) {
    const text = await writeWithPartials(p);
    products += p.products.length;
    opens += count(text, '<bigmodel>');
    closes += count(text, '</bigmodel>');
    // each product line: `$a \times b = a \times t + a \times o = <bigmodel>..</bigmodel> + <bigmodel>..</bigmodel> = ...`
    for (const [a, b] of p.products) {
      const head = `$${a} \\times ${b} = ${a} \\times ${b - (b % 10)} + ${a} \\times ${b % 10} = <bigmodel>`;
      const at = text.indexOf(head);
      const line = at < 0 ? '' : text.slice(at, text.indexOf('\n', at) < 0 ? undefined : text.indexOf('\n', at));
      if (/^\$[^\n]*= <bigmodel>[^\n]*?<\/bigmodel> \+ <bigmodel>[^\n]*?<\/bigmodel> = /.test(line)) placed++;
      else misplaced.push(`${p.text}: ${JSON.stringify(text.split('\n').slice(0, 3).join('\n'))}`);
    }
    // tags only ever wrap partial products: none in the +/- chain or the answer
    const afterProducts = text.split('\n').filter((l) => !l.includes('\\times'));
    assert.ok(
      afterProducts.every((l) => !l.includes('<bigmodel>')),
      `a tag outside the product lines for ${p.text}:\n${text}`,
    );
  }
  assert.ok(products >= 60);
  assert.equal(opens, 2 * products, `open tags: ${opens} for ${products} products (two partial products each)`);
  assert.equal(closes, 2 * products, `close tags: ${closes} for ${products} products`);
  assert.equal(placed, products, `misplaced:\n${misplaced.slice(0, 5).join('\n')}`);
});
