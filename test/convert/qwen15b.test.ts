/**
 * The DeepSeek-R1-Distill-Qwen-1.5B-shaped checkpoint (bench/checkpoint15b.ts: exact config,
 * seeded random bf16, the real Qwen tokenizer), converted to q4 (q4f16 on a GPU) with an int4 head
 * by the product's converter, loads in the engine and in transformers.js, and every greedy token
 * the engine decodes after a chat-templated prompt is transformers.js's top token for that text,
 * or ties with it. Heavy: a 3.5 GB checkpoint written once, a 4–5 minute conversion on this 2-core
 * machine (both cached in the temp dir), two ~2.7 GB sessions; so it runs only with
 * SPLITREASON_HEAVY_TESTS=1.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { basename, dirname } from 'node:path';
import { LocalModel } from '../../src/engine';
import { converted15b } from '../../bench/engine15b';
import { QWEN15B_CONFIG } from '../../bench/checkpoint15b';
import { TEST_DEVICE } from '../helpers/testDevice';

const HEAVY = process.env.SPLITREASON_HEAVY_TESTS === '1';
const TOKENS = 16;
/** Logit gap below the peer's top token that still counts as a tie (see below). */
const NEAR_TIE = 0.02;
// a GPU gets the half-precision int4 model its kernels are built for
const DTYPE = TEST_DEVICE === 'cpu' ? 'q4' : 'q4f16';

describe(
  `a 1.5B-shaped checkpoint converted to ${DTYPE}, on ${TEST_DEVICE}`,
  { skip: HEAVY ? false : 'set SPLITREASON_HEAVY_TESTS=1 (writes 3.5 GB, converts for minutes)' },
  () => {
    it("decodes greedy tokens that are transformers.js's top tokens on the same text", { timeout: 30 * 60_000 }, async () => {
      const dir = await converted15b(DTYPE, true, (s) => console.log(s));
      const model = await LocalModel.load(dir, { device: TEST_DEVICE, dtype: DTYPE, threads: 2 });
      assert.equal(model.device, TEST_DEVICE, `the engine fell back from ${TEST_DEVICE} to ${model.device}`);
      let prompt: number[];
      const engine: number[] = [];
      try {
        assert.equal(model.config.vocab_size, QWEN15B_CONFIG.vocab_size);
        assert.equal(model.config.num_hidden_layers, QWEN15B_CONFIG.num_hidden_layers);
        prompt = model.tokenizer.encode(
          model.tokenizer.applyChatTemplate([{ role: 'user', content: 'What is 37 + 48? Think step by step.' }], { addGenerationPrompt: true }),
        );
        // the real Qwen vocabulary: the template's special tokens are single ids
        assert.ok(prompt.includes(model.tokenizer.tokenToId('<|im_start|>')!), 'the chat template uses the Qwen special tokens');
        const g = await model.generator();
        await g.append(prompt, { logits: 'none' });
        for await (const t of g.generate({ maxTokens: TOKENS })) engine.push(typeof t === 'number' ? t : (t as { token: number }).token);
      } finally {
        await model.dispose();
      }
      const tf = await import('@huggingface/transformers');
      tf.env.allowRemoteModels = false;
      tf.env.localModelPath = dirname(dir);
      const peer = await tf.AutoModelForCausalLM.from_pretrained(basename(dir), {
        dtype: DTYPE,
        device: TEST_DEVICE,
        session_options: { intraOpNumThreads: 2, interOpNumThreads: 1 },
      } as never);
      try {
        // The peer's own greedy decode (step by step, its own cache)
        const ids = new tf.Tensor('int64', BigInt64Array.from(prompt, BigInt), [1, prompt.length]);
        const out = (await peer.generate({ input_ids: ids, max_new_tokens: TOKENS, min_new_tokens: TOKENS, do_sample: false } as never)) as {
          tolist(): bigint[][];
        };
        const theirs = out.tolist()[0].slice(prompt.length).map(Number);
        const firstDiff = theirs.findIndex((t, i) => t !== engine[i]);
        // The peer's logits over the engine's whole text, in one forward pass: every engine token must
        // be the peer's top token, or tie with it, and where the two greedy decodes part, both
        // choices must tie. Random weights give flat logits whose top few differ by thousandths,
        // where the order of float sums (one pass or step by step, int8 activations) decides; a wrong
        // weight, rotary or cache would be off by far more.
        const full = [...prompt, ...engine];
        const input_ids = new tf.Tensor('int64', BigInt64Array.from(full, BigInt), [1, full.length]);
        const attention_mask = new tf.Tensor('int64', new BigInt64Array(full.length).fill(1n), [1, full.length]);
        const forward = peer as unknown as (inputs: object) => Promise<{ logits: { data: Float32Array } }>;
        const { logits } = await forward({ input_ids, attention_mask });
        const vocab = QWEN15B_CONFIG.vocab_size;
        let exact = 0;
        let worstGap = 0;
        let spread = 0;
        engine.forEach((token, i) => {
          const row = logits.data.subarray((prompt.length - 1 + i) * vocab, (prompt.length + i) * vocab);
          let top = 0;
          for (let v = 1; v < vocab; v++) if (row[v] > row[top]) top = v;
          const gap = row[top] - row[token];
          const sorted = Float32Array.from(row).sort();
          spread = Math.max(spread, row[top] - sorted[vocab >> 1]);
          assert.ok(gap <= NEAR_TIE, `token ${i}: the engine chose ${token}, ${gap.toFixed(4)} below the peer's top token ${top}`);
          if (i === firstDiff) {
            const theirGap = row[top] - row[theirs[i]];
            assert.ok(theirGap <= NEAR_TIE, `token ${i}: the peer's greedy decode chose ${theirs[i]}, ${theirGap.toFixed(4)} below its top ${top}`);
          }
          if (top === token) exact++;
          worstGap = Math.max(worstGap, gap);
        });
        console.log(
          `engine:          ${engine.join(' ')}\ntransformers.js: ${theirs.join(' ')}\n` +
            `${firstDiff < 0 ? 'the same greedy tokens' : `the same greedy tokens up to a tie at token ${firstDiff}`}; ` +
            `${exact}/${TOKENS} the peer's top token in one pass; worst gap ${worstGap.toFixed(4)} ` +
            `(top minus median logit up to ${spread.toFixed(2)})`,
        );
        // random weights must still give a varied continuation, or agreement would prove little
        assert.ok(new Set(engine).size >= 4, `a degenerate continuation: ${engine.join(' ')}`);
      } finally {
        await peer.dispose();
      }
    });
  },
);
