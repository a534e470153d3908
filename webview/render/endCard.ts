/**
 * How a solve ended, in words a student understands. Only a solve that the model ended itself
 * with a boxed answer gets the (green) answer card; every other end gets a card of its own kind
 * that says why there is no answer and what to do, so a stopped or unfinished solve never looks
 * like a success.
 */
import { extractBoxed, type DoneEvent } from '../../src/split/events';
import { settingId } from '../../src/settings/settingId';

export type EndKind = 'answer' | 'no-answer' | 'limit' | 'stopped' | 'failed';

export interface EndCard {
  kind: EndKind;
  /** The card's heading. */
  title: string;
  /** The answer to typeset (kind 'answer' only). */
  answer: string | null;
  /** Why, and what to do. */
  detail: string;
}

const fmt = (n: number): string => n.toLocaleString('en-US');

export function endCard(done: DoneEvent, rawText: string): EndCard {
  const boxed = done.answer ?? extractBoxed(rawText);
  const unfinished = boxed !== null ? ` The last boxed value in the reasoning, ${boxed}, is not a final answer: the model had not finished.` : '';
  switch (done.reason) {
    case 'eos':
      if (boxed !== null) return { kind: 'answer', title: 'Answer', answer: boxed, detail: '' };
      return {
        kind: 'no-answer',
        title: 'No final answer',
        answer: null,
        detail: 'The model finished without writing a final answer in \\boxed{…}. Read its reasoning with care: it may be unfinished or wrong.',
      };
    case 'max-tokens': {
      const tokens = done.limitTokens !== undefined ? `${fmt(done.limitTokens)} tokens` : undefined;
      const outOfRoom =
        `The model ran out of room: it can hold ${tokens ?? 'only so many tokens'} (the problem and its reasoning together), and this solve filled them. ` +
        'A model with a longer context can go further.';
      const outOfBudget =
        `The solve used its whole token budget${tokens ? ` of ${tokens}` : ''} (setting ${settingId('budgets.maxTokens')}) before the model finished. ` +
        'Raise the budget to let it go further.';
      const detail =
        done.limit === 'context' ? outOfRoom : done.limit === 'budget' ? outOfBudget : 'The solve reached its token limit before the model finished.';
      return { kind: 'limit', title: 'Stopped before the end', answer: null, detail: detail + unfinished };
    }
    case 'timeout':
      return {
        kind: 'limit',
        title: 'Out of time',
        answer: null,
        detail: `The solve ran past its time limit (setting ${settingId('budgets.timeoutSeconds')}) before the model finished.${unfinished}`,
      };
    case 'cancelled':
      return { kind: 'stopped', title: 'Stopped', answer: null, detail: `You stopped this solve before the model finished.${unfinished}` };
    case 'error':
      return {
        kind: 'failed',
        title: 'The solve failed',
        answer: null,
        detail: 'Something went wrong before the model finished: the message above says what.',
      };
  }
}
