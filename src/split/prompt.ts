/**
 * Prompts of the split protocol (docs/ARCHITECTURE.md §4). The small model sees the problem with the
 * hint sentence that teaches it to tag hard steps; the large model sees the same prompt
 * without the hint, and the reasoning so far without tags, as a raw continuation.
 */
import type { TextTokenizer } from '../engine';

export const OPEN_TAG = '<bigmodel>';
export const CLOSE_TAG = '</bigmodel>';
export const HINT_SENTENCE = 'You always use <bigmodel>...</bigmodel> to mark parts of the reasoning process that are important.';
export const BOXED_SENTENCE = 'Put your final answer within \\boxed{}.';

export function smallUserMessage(problem: string, hint = HINT_SENTENCE): string {
  return hint ? `${problem}\n${hint}\n${BOXED_SENTENCE}` : bigUserMessage(problem);
}

export function bigUserMessage(problem: string): string {
  return `${problem}\n${BOXED_SENTENCE}`;
}

/** The text a model is prompted with: its chat template when it has one, else a plain fallback. */
export function renderPrompt(tokenizer: TextTokenizer, userMessage: string): string {
  if (tokenizer.hasChatTemplate) return tokenizer.applyChatTemplate([{ role: 'user', content: userMessage }], { addGenerationPrompt: true });
  return `${userMessage}\n<think>\n`;
}

export function stripTags(text: string, tags: readonly string[] = [OPEN_TAG, CLOSE_TAG]): string {
  return tags.reduce((t, tag) => t.split(tag).join(''), text);
}
