/** Chat messages to prompt text through the model's own chat template. */
import type { TextTokenizer } from '../engine';
import { badRequest } from './errors';
import type { ChatParams } from './requestParams';

const SENTINEL = '\u0000splitreason-continue\u0000';

export function chatPromptText(tokenizer: TextTokenizer, p: ChatParams): string {
  if (!tokenizer.hasChatTemplate) throw badRequest('this model has no chat template: use /v1/completions with a raw prompt', 'messages');
  if (!p.continueFinal) return tokenizer.applyChatTemplate(p.messages, { addGenerationPrompt: true });
  // Render the final message as a marker and cut there: whatever the template appends after
  // a finished assistant turn (end-of-turn tokens) must not be in a prompt that continues it.
  const last = p.messages[p.messages.length - 1];
  const marked = tokenizer.applyChatTemplate([...p.messages.slice(0, -1), { ...last, content: SENTINEL }], { addGenerationPrompt: false });
  const at = marked.lastIndexOf(SENTINEL);
  if (at < 0) throw badRequest("this model's chat template cannot continue a final assistant message", 'messages');
  return marked.slice(0, at) + last.content;
}
