/** Toy-pair checkpoints and their conversions, written once per test process into a temp dir. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertCheckpoint, type ConvertDtype } from '../../src/convert';
import type { LocalModel } from '../../src/engine';
import { argmax } from '../../src/engine';
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

export function convertedToy(name: Toy, dtype: ConvertDtype, store: ExportOptions['dtype'] = 'F32'): Promise<string> {
  const key = `${name}-${store}-${dtype}`;
  let p = converted.get(key);
  if (!p) {
    p = convertCheckpoint(toyCheckpoint(name, store), join(work, key), { dtype }).then((r) => r.outDir);
    converted.set(key, p);
  }
  return p;
}

interface Fixture {
  logits: { ids: number[] }[];
  greedy: { promptIds: number[]; ids: number[] }[];
}

export function fixture(name: Toy): Fixture {
  return JSON.parse(readFileSync(join(toyDir(name), 'fixture.json'), 'utf8')) as Fixture;
}

/** Whole evaluation traces of the toy model: each fixture problem's prompt and greedy answer. */
export function traces(name: Toy): number[][] {
  return fixture(name).greedy.map((g) => [...g.promptIds, ...g.ids]);
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
