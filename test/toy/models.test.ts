/**
 * The committed toy pair (models/toy-small, models/toy-big) through the engine: each ONNX
 * file, built by the project's builder, must reproduce what the torch model it came from
 * computed at training time (fixture.json): logits within its tolerance, in one pass and
 * step by step through the KV cache, and the same greedy text.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LocalModel } from '../../src/engine';
import { loadTestModel, TEST_DEVICE } from '../helpers/testDevice';

const ROOT = join(__dirname, '..', '..');

interface Fixture {
  role: 'small' | 'big';
  atol: number;
  logits: { text: string; ids: number[]; rows: number[]; logits: number[][] }[];
  greedy: { problem: string; userMessage: string; prompt: string; promptIds: number[]; ids: number[]; text: string }[];
}

function maxDiff(ours: Float32Array, want: number[]): number {
  assert.equal(ours.length, want.length);
  let m = 0;
  for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(ours[i] - want[i]));
  return m;
}

for (const name of ['toy-small', 'toy-big'] as const) {
  describe(name, () => {
    const dir = join(ROOT, 'models', name);
    const fixture = JSON.parse(readFileSync(join(dir, 'fixture.json'), 'utf8')) as Fixture;
    // the fixture's tolerance is the CPU's; GPU kernels sum in another order (WebGPU on an H100:
    // 1.46e-4 on toy-small), still orders of magnitude under any real difference between graphs
    const atol = TEST_DEVICE === 'cpu' ? fixture.atol : 5 * fixture.atol;
    let model: LocalModel;
    before(async () => {
      model = await loadTestModel(dir, { dtype: 'fp32', threads: 1 });
    });
    after(async () => {
      await model?.dispose();
    });

    test("loads on the test device as a Qwen2 decoder with the fixture's vocabulary", () => {
      assert.equal(model.device, TEST_DEVICE);
      assert.equal(model.config.model_type, 'qwen2');
      const maxId = Math.max(...fixture.logits.flatMap((c) => c.ids));
      assert.ok(maxId < model.config.vocab_size);
      assert.equal(fixture.logits[0].logits[0].length, model.config.vocab_size);
    });

    test('chat template and tokenizer give the prompts the model was trained on', () => {
      for (const g of fixture.greedy) {
        const prompt = model.tokenizer.applyChatTemplate([{ role: 'user', content: g.userMessage }], { addGenerationPrompt: true });
        assert.equal(prompt, g.prompt);
        assert.deepEqual(model.tokenizer.encode(prompt), g.promptIds);
      }
      for (const c of fixture.logits) assert.deepEqual(model.tokenizer.encode(c.text), c.ids);
    });

    test('logits match the torch reference in one pass', async (t) => {
      const vocab = model.config.vocab_size;
      let worst = 0;
      for (const c of fixture.logits) {
        const gen = await model.generator();
        const all = (await gen.append(c.ids, { logits: 'all' }))!;
        gen.dispose();
        c.rows.forEach((row, k) => {
          const d = maxDiff(all.subarray(row * vocab, (row + 1) * vocab), c.logits[k]);
          assert.ok(d <= atol, `${name} position ${row}: max |diff| ${d} > ${atol}`);
          worst = Math.max(worst, d);
        });
      }
      t.diagnostic(`${name}: max |diff| ${worst.toExponential(2)} over ${fixture.logits.length} prompts`);
    });

    test('logits match the torch reference token by token through the KV cache', async () => {
      const c = fixture.logits[1];
      const gen = await model.generator();
      for (let i = 0; i < c.ids.length; i++) {
        const last = (await gen.append([c.ids[i]], { logits: 'last' }))!;
        const k = c.rows.indexOf(i);
        if (k >= 0) {
          const d = maxDiff(last, c.logits[k]);
          assert.ok(d <= atol, `${name} cached position ${i}: max |diff| ${d} > ${atol}`);
        }
      }
      gen.dispose();
    });

    test("greedy decoding writes the fixture's text", async () => {
      for (const g of fixture.greedy) {
        const gen = await model.generator();
        await gen.append(g.promptIds, { logits: 'last' });
        const ids: number[] = [];
        for await (const t of gen.generate({ maxTokens: 200, stopTokenIds: model.tokenizer.eosTokenIds })) ids.push(t);
        gen.dispose();
        assert.deepEqual(ids, g.ids, `${name} on ${g.problem}`);
        assert.equal(model.tokenizer.decode(ids), g.text);
      }
    });
  });
}
