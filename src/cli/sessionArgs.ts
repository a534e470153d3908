/**
 * The options `solve` and `eval` share: which small model, which large model, which policy,
 * which budgets; and turning them into a loaded model and a provider.
 */
import { DEVICES, LocalModel, type Dtype } from '../engine';
import { createProvider, type BigModelProvider, type ProviderConfig } from '../providers';
import { POLICY_KINDS, type Budgets, type PolicySpec, type Prices } from '../split';
import { intArg, numArg, oneOf, UsageError } from './args';
import { bundledModel } from './defaults';

export const SESSION_OPTIONS = {
  small: { type: 'string' },
  big: { type: 'string' },
  'big-model': { type: 'string' },
  'big-api': { type: 'string' },
  'chat-mode': { type: 'string' },
  policy: { type: 'string' },
  threshold: { type: 'string' },
  ratio: { type: 'string' },
  cues: { type: 'string' },
  seed: { type: 'string' },
  'segment-cap': { type: 'string' },
  'max-offload': { type: 'string' },
  'max-tokens': { type: 'string' },
  timeout: { type: 'string' },
  device: { type: 'string' },
  dtype: { type: 'string' },
  'big-dtype': { type: 'string' },
  threads: { type: 'string' },
  'price-small': { type: 'string' },
  'price-big-in': { type: 'string' },
  'price-big-out': { type: 'string' },
} as const;

export const SESSION_HELP = `  --small DIR          small model folder (default: the bundled models/toy-small)
  --big URL|DIR|none   large model: an OpenAI-compatible base URL (e.g. http://127.0.0.1:8000/v1),
                       a local model folder, or none (default: the bundled models/toy-big)
  --big-model NAME     model name for a URL large model
  --big-api completions|chat   API of a URL large model (default completions); API key from $SPLITREASON_API_KEY
  --chat-mode instruct|continue|prefix   how a chat API is asked to continue (default instruct)
  --policy P           ${POLICY_KINDS.join(' | ')} (default learned)
  --threshold NATS     entropy policy threshold (default 2.5)
  --ratio R            random policy: chance per small-model token to offload (default 0.02)
  --cues a,b           cue policy words (default Wait, Hmm, ...)
  --seed N             seed for the random policy
  --segment-cap N      large-model tokens per offload (default 128)
  --max-offload N      large-model tokens per solve
  --max-tokens N       tokens per solve, both models (default 2048)
  --timeout S          seconds per solve
  --device D           small model device: auto | cpu | cuda | dml | coreml | webgpu
  --dtype D            small model file: fp32 (onnx/model.onnx, default) or q4, q4f16, fp16 (onnx/model_D.onnx)
  --big-dtype D        the same for a local large model folder
  --threads N          CPU threads for each model
  --price-small USD    price of a million small-model tokens, for the cost estimate (also
  --price-big-in USD   --price-big-in/--price-big-out: a million large-model prompt/output tokens)`;

type Values = Partial<Record<keyof typeof SESSION_OPTIONS, string>>;

export function policyFrom(v: Values): PolicySpec {
  const kind = oneOf(v.policy, 'policy', POLICY_KINDS, 'learned');
  return {
    kind,
    threshold: numArg(v.threshold, 'threshold', undefined, 0),
    ratio: numArg(v.ratio, 'ratio', undefined, 0, 1),
    words: v.cues
      ?.split(',')
      .map((w) => w.trim())
      .filter(Boolean),
    seed: v.seed === undefined ? undefined : intArg(v.seed, 'seed', 0),
  };
}

export function pricesFrom(v: Values): Prices {
  return {
    smallPerMTok: numArg(v['price-small'], 'price-small', undefined, 0),
    bigInputPerMTok: numArg(v['price-big-in'], 'price-big-in', undefined, 0),
    bigOutputPerMTok: numArg(v['price-big-out'], 'price-big-out', undefined, 0),
  };
}

export function budgetsFrom(v: Values): Partial<Budgets> {
  const b: Partial<Budgets> = {};
  if (v['segment-cap'] !== undefined) b.segmentCap = intArg(v['segment-cap'], 'segment-cap', 128, 1);
  if (v['max-offload'] !== undefined) b.maxOffloadTokens = intArg(v['max-offload'], 'max-offload', 0, 0);
  if (v['max-tokens'] !== undefined) b.maxTokens = intArg(v['max-tokens'], 'max-tokens', 2048, 1);
  if (v.timeout !== undefined) b.timeoutMs = numArg(v.timeout, 'timeout', undefined, 0)! * 1000;
  return b;
}

export function providerConfigFrom(v: Values): ProviderConfig {
  const big = v.big ?? bundledModel('toy-big');
  if (big === 'none') return { kind: 'none' };
  const threads = v.threads === undefined ? undefined : intArg(v.threads, 'threads', 1, 1);
  if (/^https?:\/\//.test(big)) {
    if (!v['big-model']) throw new UsageError(`--big ${big} needs --big-model NAME (the name ${big.replace(/\/$/, '')}/models lists)`);
    const api = oneOf(v['big-api'], 'big-api', ['completions', 'chat'] as const, 'completions');
    return {
      kind: api === 'chat' ? 'openai-chat' : 'openai-completions',
      baseUrl: big,
      model: v['big-model'],
      apiKey: process.env.SPLITREASON_API_KEY,
      chatMode: v['chat-mode'] as ProviderConfig['chatMode'],
    };
  }
  return { kind: 'local', modelDir: big, threads, dtype: v['big-dtype'] };
}

export interface Session {
  small: LocalModel;
  big?: BigModelProvider;
  dispose(): Promise<void>;
}

export async function openSession(v: Values, log: (m: string) => void): Promise<Session> {
  const device = oneOf(v.device, 'device', DEVICES, 'auto');
  const threads = v.threads === undefined ? undefined : intArg(v.threads, 'threads', 1, 1);
  const big = createProvider(providerConfigFrom(v));
  let small: LocalModel;
  try {
    small = await LocalModel.load(v.small ?? bundledModel('toy-small'), { device, threads, log, dtype: v.dtype as Dtype | undefined });
  } catch (e) {
    await big?.dispose?.();
    throw e;
  }
  return {
    small,
    big,
    async dispose() {
      await big?.dispose?.();
      await small.dispose();
    },
  };
}
