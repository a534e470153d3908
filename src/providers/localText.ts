/**
 * Prompt ids in, text pieces out: sampling, streaming detokenization, end-of-sequence and
 * stop strings. Shared by the local provider and the OpenAI-compatible server.
 */
import type { LocalModel, SamplerSpec } from '../engine';
import type { CachedGenerator } from './cachedGenerator';
import { StopText } from './stopText';

export interface TextGeneration {
  promptIds: number[];
  maxTokens: number;
  stop?: string[];
  sampler: SamplerSpec;
  signal?: AbortSignal;
  /** Generate through end-of-sequence tokens (they are not shown) up to maxTokens. */
  ignoreEos?: boolean;
}

export interface TextPiece {
  text: string;
  /** Tokens sampled since the previous piece. */
  tokens: number;
}

export type FinishReason = 'stop' | 'length';

export interface TextResult {
  finishReason: FinishReason;
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens found already in the KV cache. */
  cachedTokens: number;
}

export async function* generateText(model: LocalModel, gen: CachedGenerator, req: TextGeneration): AsyncGenerator<TextPiece, TextResult> {
  const eos = new Set(model.tokenizer.eosTokenIds);
  const decoder = model.tokenizer.streamDecoder();
  const stop = new StopText(req.stop ?? []);
  const cachedTokens = await gen.prepare(req.promptIds, req.sampler);
  let completionTokens = 0;
  let pending = 0;
  let finishReason: FinishReason = 'length';
  if (req.maxTokens > 0) {
    const stopTokenIds = req.ignoreEos ? [] : [...eos];
    for await (const id of gen.generate({ sampler: req.sampler, maxTokens: req.maxTokens, stopTokenIds, signal: req.signal })) {
      completionTokens++;
      pending++;
      if (eos.has(id)) {
        if (req.ignoreEos) continue;
        finishReason = 'stop';
        break;
      }
      const text = stop.push(decoder.push(id));
      if (text) {
        yield { text, tokens: pending };
        pending = 0;
      }
      if (stop.stopped) {
        finishReason = 'stop';
        break;
      }
    }
  }
  if (!stop.stopped) {
    const tail = stop.push(decoder.flush()) + stop.flush();
    if (stop.stopped) finishReason = 'stop';
    if (tail) yield { text: tail, tokens: pending };
  }
  return { finishReason, promptTokens: req.promptIds.length, completionTokens, cachedTokens };
}
