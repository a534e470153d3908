/**
 * The local engine: a model folder (docs/ARCHITECTURE.md §2) run by onnxruntime-node in a process of its own.
 *
 *   const model = await LocalModel.load('models/toy-small', { device: 'auto', dtype: 'fp32' });
 *   const gen = await model.generator({ entropy: true });   // one KV cache in the engine process
 *   const prompt = model.tokenizer.encode(renderedPrompt);
 *   await gen.append(prompt);                                // prefill; logits stay in the engine
 *   const decoder = model.tokenizer.streamDecoder();
 *   for (let i = 0; i < 64; i++) {
 *     if ((gen.nextEntropy ?? 0) > 2.5) break;               // the entropy trigger's input, no logits shipped
 *     const { token } = await gen.next({ temperature: 0.6, topP: 0.95, seed: 1 });
 *     process.stdout.write(decoder.push(token));
 *     if (model.tokenizer.eosTokenIds.includes(token)) break;
 *   }
 *   const mark = gen.length;
 *   const { after } = await gen.probe(bigModelIds, closeTagIds); // hand-back: one forward pass
 *   gen.rewind(mark);                                        // drop everything after `mark`
 *   for await (const t of gen.generate({ maxTokens: 32 })) process.stdout.write(decoder.push(t));
 *   gen.dispose();
 *   await model.dispose();                                   // ends the engine process
 *
 * If the engine process crashes (a native fault in onnxruntime), pending calls reject with
 * EngineCrashed and the model's next generator() starts a fresh engine.
 */
export { LocalModel, Generator, type GenerateOptions } from './localModel';
export { EngineCrashed } from './engineProcess';
export { TextTokenizer } from './tokenizer';
export { StreamDecoder } from './streamDecoder';
export { createSampler, argmax, type Sampler } from './sampler';
export { entropy } from './tensorMath';
export { planProviders, type Provider } from './executionProviders';
export { resolveModelFolder, readSplitreasonJson, onnxFileName } from './modelFolder';
export type { GeneratorOptions } from './process/protocol';
export * from './types';
