/**
 * The `vscode-lm` large-model provider: a chat model the user already has through VS
 * Code's Language Model API (e.g. GitHub Copilot) writes the offloaded steps; no API key.
 * Chat models cannot continue raw text, so each request asks for the next step of the
 * reasoning so far (the providers' 'instruct' wording).
 */
import * as vscode from 'vscode';
import { chatBody } from '../providers/chatMessages';
import { abortedError, ProviderError, type BigModelProvider, type ContinueRequest, type ProviderChunk } from '../providers/types';
import { settingId } from '../settings/settingId';

/** A chat model answers in characters; this many per requested token caps a runaway answer. */
const CHARS_PER_TOKEN_CAP = 6;

export class VsCodeLmProvider implements BigModelProvider {
  private chosen?: vscode.LanguageModelChat;

  /** `selector`: a model id or family; empty for the first model VS Code offers. */
  constructor(private readonly selector: string) {}

  get name(): string {
    return this.chosen ? `vscode-lm ${this.chosen.vendor}/${this.chosen.id}` : `vscode-lm ${this.selector || '(any)'}`;
  }

  private async model(): Promise<vscode.LanguageModelChat> {
    if (this.chosen) return this.chosen;
    const s = this.selector;
    const found = s
      ? [...(await vscode.lm.selectChatModels({ id: s })), ...(await vscode.lm.selectChatModels({ family: s }))]
      : await vscode.lm.selectChatModels();
    if (found.length === 0) {
      const all = await vscode.lm.selectChatModels();
      const have = all.length ? `available: ${all.map((m) => `${m.id} (family ${m.family})`).join(', ')}` : 'VS Code offers no language models here';
      const remedy =
        `install and sign in to a chat extension such as GitHub Copilot, set ${settingId('largeModel.model')} to one of the ids, ` +
        `or choose another ${settingId('largeModel.provider')}`;
      throw new ProviderError(`no VS Code language model matches ${s ? `"${s}"` : 'any selector'} (${have}); ${remedy}`, {
        kind: 'config',
        retryable: false,
      });
    }
    this.chosen = found[0];
    return this.chosen;
  }

  async *continue(req: ContinueRequest): AsyncGenerator<ProviderChunk> {
    if (req.signal?.aborted) throw abortedError(this.name);
    const model = await this.model();
    const { messages } = chatBody(req, 'instruct');
    // VS Code's chat API has no system role: the instruction leads the user message.
    const text = messages.map((m) => m.content).join('\n\n');
    const cancel = new vscode.CancellationTokenSource();
    const onAbort = (): void => cancel.cancel();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    const stops = (req.stop ?? []).filter((s) => s.length > 0);
    const hold = stops.reduce((n, s) => Math.max(n, s.length - 1), 0);
    const cap = Math.max(1, req.maxTokens) * CHARS_PER_TOKEN_CAP;
    let pending = '';
    let sent = 0;
    try {
      let response: vscode.LanguageModelChatResponse;
      try {
        response = await model.sendRequest(
          [vscode.LanguageModelChatMessage.User(text)],
          { justification: 'SplitReason asks the model for the next step of a math solution.' },
          cancel.token,
        );
      } catch (e) {
        throw toProviderError(e, this.name, req.signal);
      }
      try {
        for await (const piece of response.text) {
          pending += piece;
          const at = stops.map((s) => pending.indexOf(s)).filter((i) => i >= 0);
          if (at.length) {
            const out = pending.slice(0, Math.min(...at));
            if (out) yield { text: out };
            return;
          }
          const ready = pending.slice(0, pending.length - hold);
          pending = pending.slice(ready.length);
          if (ready) {
            const room = cap - sent;
            sent += ready.length;
            yield { text: ready.slice(0, room) };
            if (sent >= cap) return;
          }
        }
      } catch (e) {
        throw toProviderError(e, this.name, req.signal);
      }
      if (pending) yield { text: pending };
    } finally {
      // Also reached when the caller stops iterating: the request must end with it.
      cancel.cancel();
      cancel.dispose();
      req.signal?.removeEventListener('abort', onAbort);
    }
  }
}

function toProviderError(e: unknown, name: string, signal?: AbortSignal): ProviderError {
  if (signal?.aborted || e instanceof vscode.CancellationError) return abortedError(name);
  if (e instanceof ProviderError) return e;
  if (e instanceof vscode.LanguageModelError) {
    const refused = e.code === vscode.LanguageModelError.NoPermissions.name || e.code === vscode.LanguageModelError.Blocked.name;
    const gone = e.code === vscode.LanguageModelError.NotFound.name;
    return new ProviderError(`${name}: ${e.message}${refused ? ' (allow SplitReason to use this model when VS Code asks)' : ''}`, {
      kind: gone ? 'config' : 'http',
      retryable: !refused && !gone,
      cause: e,
    });
  }
  return new ProviderError(`${name}: ${e instanceof Error ? e.message : String(e)}`, { kind: 'connection', retryable: true, cause: e });
}
