/**
 * How a chat-only API is asked for the next step of someone else's reasoning. Three modes:
 * - 'instruct' (default, any chat API): a plain instruction with the problem and the
 *   reasoning so far; the model answers with the next step.
 * - 'continue': the reasoning is the final assistant message and the server continues it
 *   in place (vLLM / SGLang `continue_final_message: true, add_generation_prompt: false`).
 * - 'prefix': the same through DeepSeek's `prefix: true` on the last assistant message
 *   (DeepSeek's beta base URL, https://api.deepseek.com/beta).
 */
import type { ContinueRequest } from './types';

export type ChatMode = 'instruct' | 'continue' | 'prefix';
export const CHAT_MODES: readonly ChatMode[] = ['instruct', 'continue', 'prefix'];

export interface ChatMessageOut {
  role: 'system' | 'user' | 'assistant';
  content: string;
  prefix?: boolean;
}

export const INSTRUCT_SYSTEM =
  'You are helping another model solve a math problem. You see the problem and the reasoning written so far. ' +
  'Write only the next step of that reasoning, continuing exactly where it stops, in the same style. ' +
  'Do not repeat what is already written, do not restate the problem, and do not summarise.';

const TEXT_SYSTEM = 'Continue the given text exactly where it stops, in the same style. Write only the continuation; do not repeat the text.';

export function chatBody(req: ContinueRequest, mode: ChatMode): { messages: ChatMessageOut[]; extra: Record<string, unknown> } {
  const problem = req.chat?.problem;
  const reasoning = req.chat ? req.chat.reasoning : req.prompt;
  if (mode === 'instruct') {
    const messages: ChatMessageOut[] =
      problem === undefined
        ? [
            { role: 'system', content: TEXT_SYSTEM },
            { role: 'user', content: reasoning },
          ]
        : [
            { role: 'system', content: INSTRUCT_SYSTEM },
            { role: 'user', content: `Problem:\n${problem}\n\nReasoning so far:\n${reasoning}` },
          ];
    return { messages, extra: {} };
  }
  const user: ChatMessageOut = problem === undefined ? { role: 'user', content: TEXT_SYSTEM } : { role: 'user', content: problem };
  if (mode === 'continue') {
    return {
      messages: [user, { role: 'assistant', content: reasoning }],
      extra: { continue_final_message: true, add_generation_prompt: false },
    };
  }
  return { messages: [user, { role: 'assistant', content: reasoning, prefix: true }], extra: {} };
}
