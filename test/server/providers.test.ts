/**
 * The HTTP providers against the real `serve` server: what the large model "writes" through
 * each provider is exactly what the engine generates for the same prompt.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalModel } from '../../src/engine';
import { createProvider } from '../../src/providers';
import { startServer, type RunningServer } from '../../src/server';
import { tempModel } from '../helpers/tempModel';
import { collect } from '../providers/helpers';
import { engineGreedy } from './engineReference';

const PROBLEM = 'What is 7*8?';
const REASONING = 'Seven eights: ';
const PROMPT = `<｜User｜>${PROBLEM}<｜Assistant｜><think>\n${REASONING}`;
let model: LocalModel;
let server: RunningServer;

before(async () => {
  model = await LocalModel.load(tempModel({ seed: 9 }).dir, { device: 'cpu', threads: 1 });
  server = await startServer({ model, modelName: 'big', apiKey: 'k' });
});
after(async () => {
  await server.close();
  await model.dispose();
});

const http = () => ({ baseUrl: `${server.url}/v1`, model: 'big', apiKey: 'k' });

test('openai-completions continues the raw prompt as the engine does', async () => {
  const provider = createProvider({ kind: 'openai-completions', ...http() })!;
  const r = await collect(provider, { prompt: PROMPT, maxTokens: 20, temperature: 0 });
  assert.equal(r.error, undefined);
  assert.equal(r.text, (await engineGreedy(model, PROMPT, 20)).text);
  assert.equal(provider.usage?.()?.promptTokens, model.tokenizer.encode(PROMPT).length);
});

test('openai-chat in continue and prefix modes continues the reasoning in the assistant turn', async () => {
  const expected = (await engineGreedy(model, `<｜begin▁of▁sentence｜><｜User｜>${PROBLEM}<｜Assistant｜>${REASONING}`, 16)).text;
  for (const chatMode of ['continue', 'prefix'] as const) {
    const provider = createProvider({ kind: 'openai-chat', chatMode, ...http() })!;
    const r = await collect(provider, { prompt: PROMPT, chat: { problem: PROBLEM, reasoning: REASONING }, maxTokens: 16, temperature: 0 });
    assert.equal(r.error, undefined);
    assert.equal(r.text, expected, chatMode);
  }
});

test('openai-chat in instruct mode answers the instruction turn', async () => {
  const { INSTRUCT_SYSTEM } = await import('../../src/providers/chatMessages');
  const user = `Problem:\n${PROBLEM}\n\nReasoning so far:\n${REASONING}`;
  // The builder's template drops system messages: bos, the user turn, then the generation prompt.
  const expected = (
    await engineGreedy(
      model,
      model.tokenizer.applyChatTemplate(
        [
          { role: 'system', content: INSTRUCT_SYSTEM },
          { role: 'user', content: user },
        ],
        { addGenerationPrompt: true },
      ),
      16,
    )
  ).text;
  const provider = createProvider({ kind: 'openai-chat', ...http() })!;
  const r = await collect(provider, { prompt: PROMPT, chat: { problem: PROBLEM, reasoning: REASONING }, maxTokens: 16, temperature: 0 });
  assert.equal(r.text, expected);
});

test('a wrong key through a provider: not retried, and the message says how to fix it', async () => {
  const provider = createProvider({ kind: 'openai-completions', ...http(), apiKey: 'wrong' })!;
  const r = await collect(provider, { prompt: PROMPT, maxTokens: 4 });
  assert.ok(r.error);
  assert.equal(r.error.status, 401);
  assert.match(r.error.message, /API key rejected by .*set it with 'SplitReason: Set API Key'/);
});
