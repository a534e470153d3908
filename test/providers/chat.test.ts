/** The chat provider's three ways of asking for the next step, over a real HTTP server. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenAIChatProvider } from '../../src/providers/openaiChat';
import { INSTRUCT_SYSTEM } from '../../src/providers/chatMessages';
import { withRetry } from '../../src/providers/retry';
import { startFaultServer, words, type FaultServer } from './faultServer';
import { collect, recordingSleep } from './helpers';

const PROBLEM = 'What is 12*13?';
const REASONING = 'We need 12*13. Split it:';
const DOC = ' 12*10 = 120 and 12*3 = 36, total 156.';
const PROMPT = `<｜User｜>${PROBLEM}<｜Assistant｜><think>\n${REASONING}`;
let server: FaultServer;

before(async () => {
  server = await startFaultServer({ base: REASONING, doc: DOC });
});
after(() => server.close());

function provider(chatMode?: 'instruct' | 'continue' | 'prefix') {
  server.requests.length = 0;
  return new OpenAIChatProvider({ baseUrl: server.url, model: 'chat-big', chatMode });
}

test('instruct (default): a system instruction, then the problem and the reasoning so far', async () => {
  const r = await collect(provider(), { prompt: PROMPT, chat: { problem: PROBLEM, reasoning: REASONING }, maxTokens: 50, temperature: 0 });
  assert.equal(r.text, DOC);
  const body = server.requests[0].body;
  assert.equal(server.requests[0].path, '/v1/chat/completions');
  assert.deepEqual(body.messages, [
    { role: 'system', content: INSTRUCT_SYSTEM },
    { role: 'user', content: `Problem:\n${PROBLEM}\n\nReasoning so far:\n${REASONING}` },
  ]);
  assert.equal(body.continue_final_message, undefined);
  assert.equal(body.max_tokens, 50);
});

test('continue: the reasoning is the final assistant message, continued in place (vLLM extra body)', async () => {
  const r = await collect(provider('continue'), { prompt: PROMPT, chat: { problem: PROBLEM, reasoning: REASONING }, maxTokens: 50 });
  assert.equal(r.text, DOC);
  const body = server.requests[0].body;
  assert.deepEqual(body.messages, [
    { role: 'user', content: PROBLEM },
    { role: 'assistant', content: REASONING },
  ]);
  assert.equal(body.continue_final_message, true);
  assert.equal(body.add_generation_prompt, false);
});

test('prefix: DeepSeek-style prefix flag on the assistant message', async () => {
  const r = await collect(provider('prefix'), { prompt: PROMPT, chat: { problem: PROBLEM, reasoning: REASONING }, maxTokens: 50 });
  assert.equal(r.text, DOC);
  assert.deepEqual(server.requests[0].body.messages, [
    { role: 'user', content: PROBLEM },
    { role: 'assistant', content: REASONING, prefix: true },
  ]);
});

test('a reset mid-stream resumes with the streamed text added to the assistant prefix', async () => {
  const p = provider('continue');
  server.faults = [{ kind: 'reset', afterChunks: 3 }];
  const { sleep } = recordingSleep();
  const r = await collect(withRetry(p, { sleep }), { prompt: PROMPT, chat: { problem: PROBLEM, reasoning: REASONING }, maxTokens: 50 });
  assert.equal(r.text, DOC);
  const sent = words(DOC).slice(0, 3).join('');
  assert.deepEqual(
    server.requests.map((q) => (q.body.messages as { content: string }[])[1].content),
    [REASONING, REASONING + sent],
  );
  // The broken stream reported no usage: its 3 pieces count as completion tokens, its prompt is not counted.
  assert.deepEqual(p.usage(), { promptTokens: words(REASONING + sent).length, completionTokens: 3 + (words(DOC).length - 3) });
});

test('without a problem, the whole prompt is the text to continue', async () => {
  const r = await collect(provider('continue'), { prompt: REASONING, maxTokens: 50 });
  assert.equal(r.text, DOC);
  const messages = server.requests[0].body.messages as { role: string; content: string }[];
  assert.equal(messages[1].content, REASONING);
});
