/**
 * The DeepSeek-R1-Distill-Qwen-1.5B-shaped checkpoint (bench/checkpoint15b.ts: exact config,
 * seeded random bf16, the real Qwen tokenizer), converted to q4 (q4f16 on a GPU) with an int4 head by the product's converter, loads in
 * the engine and in transformers.js, and both decode the same greedy tokens after a chat-templated
 * prompt. Heavy: a 3.5 GB checkpoint written once, a 4–5 minute conversion on this 2-core
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
// a GPU gets the half-precision int4 model its kernels are built for
const DTYPE = TEST_DEVICE === 'cpu' ? 'q4' : 'q4f16';

describe(
  `a 1.5B-shaped checkpoint converted to ${DTYPE}, on ${TEST_DEVICE}`,
  { skip: HEAVY ? false : 'set SPLITREASON_HEAVY_TESTS=1 (writes 3.5 GB, converts for minutes)' },
  () => {
    it('decodes the same greedy tokens in the engine and in transformers.js', { timeout: 30 * 60_000 }, async () => {
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
        const ids = new tf.Tensor('int64', BigInt64Array.from(prompt, BigInt), [1, prompt.length]);
        const out = (await peer.generate({ input_ids: ids, max_new_tokens: TOKENS, min_new_tokens: TOKENS, do_sample: false } as never)) as {
          tolist(): bigint[][];
        };
        const theirs = out.tolist()[0].slice(prompt.length).map(Number);
        console.log(`engine:          ${engine.join(' ')}\ntransformers.js: ${theirs.join(' ')}`);
        assert.deepEqual(engine, theirs);
        // random weights must still give a varied continuation, or agreement would prove little
        assert.ok(new Set(engine).size >= 4, `a degenerate continuation: ${engine.join(' ')}`);
      } finally {
        await peer.dispose();
      }
    });
  },
);
