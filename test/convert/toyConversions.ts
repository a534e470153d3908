/** Toy-pair checkpoints and their conversions, written once per test process into a temp dir. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertCheckpoint, type ConvertDtype, type ConvertOptions } from '../../src/convert';
import type { LocalModel } from '../../src/engine';
import { argmax } from '../../src/engine';
import { LocalProvider } from '../../src/providers';
import { solve, type TraceEvent } from '../../src/split';
import { CLOSE_TAG, OPEN_TAG, renderPrompt, smallUserMessage } from '../../src/split/prompt';
import { toyWeights, writeHfCheckpoint, type ExportOptions } from '../helpers/hfCheckpoint';
import { tempDir } from '../helpers/tempModel';

export const ROOT = join(__dirname, '..', '..');
export const TOYS = ['toy-small', 'toy-big'] as const;
export type Toy = (typeof TOYS)[number];
export const toyDir = (name: Toy) => join(ROOT, 'models', name);

const work = tempDir('sr-convert-');
const exported = new Map<string, string>();
const converted = new Map<string, Promise<string>>();

/** The toy model as a Hugging Face checkpoint: F32 in one file, or BF16 in two shards. */
export function toyCheckpoint(name: Toy, store: ExportOptions['dtype'] = 'F32'): string {
  const key = `${name}-${store}`;
  let dir = exported.get(key);
  if (!dir) {
    const opts: ExportOptions = store === 'BF16' ? { dtype: 'BF16', shards: 2 } : { dtype: 'F32' };
    dir = writeHfCheckpoint(toyDir(name), toyWeights(join(toyDir(name), 'onnx', 'model.onnx')), join(work, `${key}-hf`), opts);
    exported.set(key, dir);
  }
  return dir;
}

export function convertedToy(
  name: Toy,
  dtype: ConvertDtype,
  store: ExportOptions['dtype'] = 'F32',
  opts: Pick<ConvertOptions, 'quantizeHead' | 'quantizeEmbedding' | 'symmetric'> = {},
): Promise<string> {
  const int4 = `${opts.quantizeHead ? '-head4' : ''}${opts.quantizeEmbedding ? '-embed4' : ''}`;
  const key = `${name}-${store}-${dtype}${int4}${opts.symmetric === false ? '-asym' : ''}`;
  let p = converted.get(key);
  if (!p) {
    p = convertCheckpoint(toyCheckpoint(name, store), join(work, key), { dtype, ...opts }).then((r) => r.outDir);
    converted.set(key, p);
  }
  return p;
}

interface Fixture {
  logits: { ids: number[] }[];
  greedy: { problem: string; userMessage: string; promptIds: number[]; ids: number[] }[];
}

export function fixture(name: Toy): Fixture {
  return JSON.parse(readFileSync(join(toyDir(name), 'fixture.json'), 'utf8')) as Fixture;
}

export interface Trace {
  ids: number[];
  /** ids[promptLength..] are the model's own greedy tokens */
  promptLength: number;
}

/**
 * Evaluation traces of the toy model: the fixture's problems and the first `extra` problems of
 * models/toy-small/eval-set.jsonl, each prompted as the fixture prompts it and answered by
 * `model`'s greedy decoding (up to EOS or 200 tokens).
 */
export async function traces(name: Toy, model: LocalModel, extra: number): Promise<Trace[]> {
  const fx = fixture(name);
  const out: Trace[] = fx.greedy.map((g) => ({ ids: [...g.promptIds, ...g.ids], promptLength: g.promptIds.length }));
  const problems = evalProblems(extra);
  const eos = new Set([model.config.eos_token_id].flat());
  for (const problem of problems) {
    const user = fx.greedy[0].userMessage.replace(fx.greedy[0].problem, problem);
    const ids = model.tokenizer.encode(model.tokenizer.applyChatTemplate([{ role: 'user', content: user }], { addGenerationPrompt: true }));
    const promptLength = ids.length;
    const gen = await model.generator();
    let logits = (await gen.append(ids, { logits: 'last' }))!;
    while (ids.length < promptLength + 200) {
      const id = argmax(logits);
      ids.push(id);
      if (eos.has(id)) break;
      logits = (await gen.append([id], { logits: 'last' }))!;
    }
    gen.dispose();
    out.push({ ids, promptLength });
  }
  return out;
}

/**
 * The small model's side of SplitReason traces: `learned`-policy solves of the first `count`
 * eval-set problems with `small` and `bigDir` as the large model, as the small model's context
 * ends up (prompt, its own text, the large model's text between the tags).
 */
export async function splitTraces(small: LocalModel, bigDir: string, count: number): Promise<Trace[]> {
  const big = new LocalProvider({ modelDir: bigDir, device: 'cpu', threads: 1 });
  const out: Trace[] = [];
  try {
    for (const problem of evalProblems(count)) {
      const prompt = renderPrompt(small.tokenizer, smallUserMessage(problem));
      const segments: [string, string][] = [];
      for await (const e of solve({ problem, small, big, policy: { kind: 'learned' }, bigTemperature: 0 }) as AsyncGenerator<TraceEvent>) {
        if (e.type === 'segment') segments.push([e.source, '']);
        else if (e.type === 'text') segments[segments.length - 1][1] += e.text;
      }
      let text = '';
      segments.forEach(([src, t], i) => {
        if (src !== 'big') return void (text += t);
        if (!text.endsWith(OPEN_TAG)) text += OPEN_TAG;
        text += t;
        if (!(segments[i + 1]?.[1] ?? '').startsWith(CLOSE_TAG)) text += CLOSE_TAG;
      });
      const promptLength = small.tokenizer.encode(prompt).length;
      out.push({ ids: small.tokenizer.encode(prompt + text), promptLength });
    }
  } finally {
    await big.dispose();
  }
  return out;
}

function evalProblems(count: number): string[] {
  return readFileSync(join(ROOT, 'models', 'toy-small', 'eval-set.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .slice(0, count)
    .map((l) => (JSON.parse(l) as { problem: string }).problem);
}

export async function allLogits(model: LocalModel, ids: number[]): Promise<Float32Array> {
  const gen = await model.generator();
  try {
    return (await gen.append(ids, { logits: 'all' }))!;
  } finally {
    gen.dispose();
  }
}

export function topIds(logits: Float32Array, vocab: number): number[] {
  const out: number[] = [];
  for (let p = 0; p * vocab < logits.length; p++) out.push(argmax(logits.subarray(p * vocab, (p + 1) * vocab)));
  return out;
}
