/**
 * Checks the fields of /v1/completions and /v1/chat/completions bodies. Fields this server
 * cannot honour are refused by name rather than silently ignored; unknown extras are ignored,
 * as OpenAI-compatible servers do.
 */
import type { SamplerSpec } from '../engine';
import { badRequest } from './errors';

export interface CommonParams {
  model: string;
  /** undefined: the endpoint's default. */
  maxTokens?: number;
  stop: string[];
  sampler: SamplerSpec;
  stream: boolean;
  includeUsage: boolean;
  /** vLLM's extra field: keep generating past end of sequence (benchmarks, tests). */
  ignoreEos: boolean;
}

type Body = Record<string, unknown>;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const present = (v: unknown) => v !== undefined && v !== null;

function optNumber(body: Body, name: string, min: number, max: number, minExclusive = false): number | undefined {
  const v = body[name];
  if (!present(v)) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v > max || (minExclusive ? v <= min : v < min)) {
    throw badRequest(
      `'${name}' must be a number ${minExclusive ? 'above' : 'from'} ${min} ${minExclusive ? 'up ' : ''}to ${max}, got ${JSON.stringify(v)}`,
      name,
    );
  }
  return v;
}

function refuse(body: Body, name: string, allowed: (v: unknown) => boolean, why: string): void {
  const v = body[name];
  if (present(v) && !allowed(v)) throw badRequest(`'${name}' ${why}`, name);
}

export function commonParams(body: Body, maxTokensNames: string[]): CommonParams {
  const model = body.model;
  if (typeof model !== 'string' || model === '') throw badRequest("'model' is required: the name GET /v1/models lists", 'model');

  let maxTokens: number | undefined;
  for (const name of maxTokensNames) {
    const v = body[name];
    if (!present(v)) continue;
    if (!isInt(v) || v < 1) throw badRequest(`'${name}' must be a whole number of at least 1, got ${JSON.stringify(v)}`, name);
    maxTokens = v;
  }

  const rawStop = body.stop;
  let stop: string[] = [];
  if (typeof rawStop === 'string') stop = [rawStop];
  else if (Array.isArray(rawStop) && rawStop.every((s) => typeof s === 'string')) stop = rawStop as string[];
  else if (present(rawStop)) throw badRequest("'stop' must be a string or an array of strings", 'stop');
  if (stop.length > 4) throw badRequest(`'stop' takes at most 4 strings, got ${stop.length}`, 'stop');
  stop = stop.filter((s) => s !== '');

  const temperature = optNumber(body, 'temperature', 0, 2);
  const topP = optNumber(body, 'top_p', 0, 1, true);
  const seed = body.seed;
  if (present(seed) && !isInt(seed)) throw badRequest(`'seed' must be an integer, got ${JSON.stringify(seed)}`, 'seed');

  const stream = body.stream;
  if (present(stream) && typeof stream !== 'boolean') throw badRequest("'stream' must be true or false", 'stream');
  const so = body.stream_options;
  if (present(so) && (typeof so !== 'object' || Array.isArray(so))) throw badRequest("'stream_options' must be an object", 'stream_options');
  const includeUsage = (so as { include_usage?: unknown } | null | undefined)?.include_usage === true;

  const ignoreEos = body.ignore_eos;
  if (present(ignoreEos) && typeof ignoreEos !== 'boolean') throw badRequest("'ignore_eos' must be true or false", 'ignore_eos');

  refuse(body, 'n', (v) => v === 1, 'must be 1: this server makes one completion per request');
  refuse(body, 'best_of', (v) => v === 1, 'must be 1: this server makes one completion per request');
  refuse(body, 'echo', (v) => v === false, 'is not supported');
  refuse(body, 'logprobs', (v) => v === false, 'is not supported');
  refuse(body, 'top_logprobs', (v) => v === 0, 'is not supported');
  refuse(body, 'suffix', (v) => v === '', 'is not supported');
  refuse(body, 'presence_penalty', (v) => v === 0, 'is not supported (only 0)');
  refuse(body, 'frequency_penalty', (v) => v === 0, 'is not supported (only 0)');
  refuse(body, 'logit_bias', (v) => typeof v === 'object' && Object.keys(v as object).length === 0, 'is not supported');
  refuse(body, 'tools', (v) => Array.isArray(v) && v.length === 0, 'are not supported: this server only generates text');
  refuse(body, 'response_format', (v) => (v as { type?: unknown }).type === 'text', "is not supported (only {type: 'text'})");

  return {
    model,
    maxTokens,
    stop,
    sampler: { temperature: temperature ?? 1, topP, seed: present(seed) ? (seed as number) : undefined },
    stream: stream === true,
    includeUsage,
    ignoreEos: ignoreEos === true,
  };
}

/** A completions prompt: text, or token ids; one prompt per request. */
export function completionPrompt(body: Body): string | number[] {
  let p = body.prompt;
  if (Array.isArray(p) && p.length === 1 && (typeof p[0] === 'string' || Array.isArray(p[0]))) p = p[0];
  if (typeof p === 'string') return p;
  if (Array.isArray(p) && p.length > 0 && p.every((x) => isInt(x) && x >= 0)) return p as number[];
  if (Array.isArray(p) && p.length > 1) throw badRequest("'prompt' must be one prompt: this server makes one completion per request", 'prompt');
  throw badRequest("'prompt' is required: a string or an array of token ids", 'prompt');
}

export interface ChatMessageIn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatParams {
  messages: ChatMessageIn[];
  /** Continue the final assistant message in place instead of starting a new one. */
  continueFinal: boolean;
}

function messageText(content: unknown, i: number): string {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (Array.isArray(content)) {
    return content
      .map((part, j) => {
        const p = part as { type?: unknown; text?: unknown };
        if (p?.type === 'text' && typeof p.text === 'string') return p.text;
        throw badRequest(`messages[${i}].content[${j}]: only text parts are supported`, 'messages');
      })
      .join('');
  }
  throw badRequest(`messages[${i}].content must be a string or an array of text parts`, 'messages');
}

export function chatParams(body: Body): ChatParams {
  const raw = body.messages;
  if (!Array.isArray(raw) || raw.length === 0) throw badRequest("'messages' is required: a non-empty array of {role, content}", 'messages');
  const messages = raw.map((m, i): ChatMessageIn => {
    const role = (m as { role?: unknown })?.role;
    if (role !== 'system' && role !== 'user' && role !== 'assistant' && role !== 'developer') {
      throw badRequest(`messages[${i}].role must be system, developer, user or assistant, got ${JSON.stringify(role)}`, 'messages');
    }
    return { role: role === 'developer' ? 'system' : role, content: messageText((m as { content?: unknown }).content, i) };
  });
  const last = raw[raw.length - 1] as { role?: unknown; prefix?: unknown };
  const prefix = last.prefix === true; // DeepSeek's spelling
  const continueFinal = body.continue_final_message === true || prefix;
  if (continueFinal && last.role !== 'assistant') {
    throw badRequest('continuing the final message needs the last message to be from the assistant', 'messages');
  }
  if (continueFinal && body.add_generation_prompt === true) {
    throw badRequest("'continue_final_message' and 'add_generation_prompt' cannot both be true", 'add_generation_prompt');
  }
  return { messages, continueFinal };
}
