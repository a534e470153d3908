/**
 * Runs one generation for a request and writes it in the OpenAI wire format, streamed
 * (SSE chunks, then usage if asked, then [DONE]) or as one JSON body.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { LocalModel } from '../engine';
import { generateText, type FinishReason, type TextResult } from '../providers/localText';
import { HttpError, badRequest } from './errors';
import type { GeneratorPool } from './generatorPool';
import { SseWriter, sendJson } from './http';
import type { CommonParams } from './requestParams';

export type Endpoint = 'completion' | 'chat';

export interface Job {
  endpoint: Endpoint;
  promptIds: number[];
  params: CommonParams;
  /** The name to report, as the client asked for it. */
  modelName: string;
}

function usageBody(r: TextResult) {
  return { prompt_tokens: r.promptTokens, completion_tokens: r.completionTokens, total_tokens: r.promptTokens + r.completionTokens };
}

/** Chooses max_tokens within the context window; refuses prompts that do not fit. */
export function planTokens(model: LocalModel, job: Job): number {
  const context = model.config.max_position_embeddings;
  const n = job.promptIds.length;
  if (n === 0) throw badRequest('the prompt is empty', job.endpoint === 'chat' ? 'messages' : 'prompt');
  if (n >= context) {
    throw badRequest(
      `the prompt is ${n} tokens; this model's context holds ${context}`,
      job.endpoint === 'chat' ? 'messages' : 'prompt',
      'context_length_exceeded',
    );
  }
  const room = context - n;
  const asked = job.params.maxTokens ?? (job.endpoint === 'completion' ? 16 : room);
  return Math.min(asked, room);
}

export interface JobSummary {
  endpoint: Endpoint;
  promptTokens: number;
  completionTokens: number;
  /** 'aborted': the client went away and generation stopped there. */
  finishReason: FinishReason | 'aborted';
}

export async function respond(model: LocalModel, pool: GeneratorPool, job: Job, res: ServerResponse, signal: AbortSignal): Promise<JobSummary> {
  const maxTokens = planTokens(model, job);
  const gen = await pool.acquire(job.promptIds, signal);
  const chat = job.endpoint === 'chat';
  const id = `${chat ? 'chatcmpl' : 'cmpl'}-${randomBytes(12).toString('hex')}`;
  const created = Math.floor(Date.now() / 1000);
  const head = { id, object: chat ? 'chat.completion.chunk' : 'text_completion', created, model: job.modelName };
  const chunk = (text: string | undefined, finish: FinishReason | null, role = false) =>
    chat
      ? {
          ...head,
          choices: [
            {
              index: 0,
              delta: { ...(role ? { role: 'assistant' } : {}), ...(text !== undefined ? { content: text } : {}) },
              logprobs: null,
              finish_reason: finish,
            },
          ],
        }
      : { ...head, choices: [{ index: 0, text: text ?? '', logprobs: null, finish_reason: finish }] };

  const summary = (r: TextResult): JobSummary => ({
    endpoint: job.endpoint,
    promptTokens: r.promptTokens,
    completionTokens: r.completionTokens,
    finishReason: signal.aborted ? 'aborted' : r.finishReason,
  });
  try {
    const run = generateText(model, gen, {
      promptIds: job.promptIds,
      maxTokens,
      stop: job.params.stop,
      sampler: job.params.sampler,
      signal,
      ignoreEos: job.params.ignoreEos,
    });
    if (job.params.stream) {
      const sse = new SseWriter(res);
      if (chat) sse.send(chunk('', null, true));
      let r: IteratorResult<{ text: string }, TextResult>;
      while (!(r = await run.next()).done) sse.send(chunk(r.value.text, null));
      if (signal.aborted) return summary(r.value);
      sse.send(chunk(chat ? undefined : '', r.value.finishReason));
      if (job.params.includeUsage) sse.send({ ...head, choices: [], usage: usageBody(r.value) });
      sse.done();
      return summary(r.value);
    }
    let text = '';
    let r: IteratorResult<{ text: string }, TextResult>;
    while (!(r = await run.next()).done) text += r.value.text;
    if (signal.aborted) return summary(r.value);
    const choice = chat
      ? { index: 0, message: { role: 'assistant', content: text }, logprobs: null, finish_reason: r.value.finishReason }
      : { index: 0, text, logprobs: null, finish_reason: r.value.finishReason };
    sendJson(res, 200, {
      id,
      object: chat ? 'chat.completion' : 'text_completion',
      created,
      model: job.modelName,
      choices: [choice],
      usage: usageBody(r.value),
    });
    return summary(r.value);
  } catch (e) {
    gen.reset(); // the cache may hold a half-finished step
    throw e instanceof HttpError ? e : new HttpError(500, `generation failed: ${(e as Error).message}`, 'server_error');
  } finally {
    pool.release(gen);
  }
}
