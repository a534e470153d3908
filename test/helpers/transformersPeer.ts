/**
 * transformers.js as the peer runtime the engine is checked against: a model folder loaded from
 * disk only (never downloaded), greedy decoding through its own generate().
 */
import { basename, dirname } from 'node:path';
import type { LocalModel } from '../../src/engine';

/** transformers.js's greedy continuation of `prompt`, `n` tokens, end of sequence ignored. */
export async function peerGreedy(dir: string, dtype: 'fp32' | 'q4', prompt: number[], n: number): Promise<number[]> {
  const tf = await import('@huggingface/transformers');
  tf.env.allowRemoteModels = false;
  tf.env.localModelPath = dirname(dir);
  const peer = await tf.AutoModelForCausalLM.from_pretrained(basename(dir), { dtype, device: 'cpu' });
  try {
    const input_ids = new tf.Tensor('int64', BigInt64Array.from(prompt, BigInt), [1, prompt.length]);
    const out = (await peer.generate({ input_ids, max_new_tokens: n, do_sample: false, eos_token_id: -1 } as never)) as InstanceType<typeof tf.Tensor>;
    return Array.from(out.data as BigInt64Array, Number).slice(prompt.length);
  } finally {
    await peer.dispose();
  }
}

/** The engine's greedy continuation through Generator.generate(). */
export async function engineGenerated(model: LocalModel, prompt: number[], n: number): Promise<number[]> {
  const gen = await model.generator();
  try {
    await gen.append(prompt, { logits: 'none' });
    const ours: number[] = [];
    for await (const id of gen.generate({ maxTokens: n })) ours.push(id);
    return ours;
  } finally {
    gen.dispose();
  }
}
