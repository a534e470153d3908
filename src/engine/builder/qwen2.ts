/**
 * The builder's decoder: decoderGraph.ts over weights held in memory (float32, inline or in
 * one external data file). Standard opset-17 operators unless `fused` asks for onnxruntime's
 * contrib operators.
 */
import { GraphBuilder, floatTensor } from '../onnx/graph';
import type { ModelConfig } from '../types';
import { addDecoderGraph, decoderOpsets, type GraphOptions, type WeightSource } from './decoderGraph';
import type { Weights } from './safetensors';

export interface BuildOptions extends GraphOptions {
  /** Name of an external data file (written beside the model), e.g. 'model.onnx_data'. */
  externalData?: string;
}

export interface BuiltModel {
  model: Uint8Array;
  externalData?: Uint8Array;
}

export function buildQwen2Onnx(config: ModelConfig, weights: Weights, opts: BuildOptions = {}): BuiltModel {
  const g = new GraphBuilder('decoder');
  if (opts.externalData) g.useExternalData(opts.externalData);
  addDecoderGraph(g, config, memoryWeights(weights), opts);
  return g.finish(decoderOpsets(opts), 'splitreason-builder');
}

function memoryWeights(weights: Weights): WeightSource {
  const weight = (name: string, dims: number[]) => {
    const w = weights.get(name);
    if (!w) throw new Error(`weights: missing tensor ${name}`);
    const n = dims.reduce((a, b) => a * b, 1);
    if (w.data.length !== n || w.dims.join('x') !== dims.join('x')) throw new Error(`weights: ${name} has shape [${w.dims}], expected [${dims}]`);
    return w;
  };
  const table = (g: GraphBuilder, name: string, vocab: number, hidden: number) =>
    g.initializer(name, floatTensor([vocab, hidden], weight(name, [vocab, hidden]).data));
  return {
    has: (name) => weights.has(name),
    linear(g, x, name, out, inn) {
      // torch Linear weights are [out, in]; MatMul wants [in, out], transposed once here.
      const w = weight(name, [out, inn]).data;
      const t = new Float32Array(out * inn);
      for (let o = 0; o < out; o++) for (let i = 0; i < inn; i++) t[i * out + o] = w[o * inn + i];
      return g.op('MatMul', [x, g.initializer(name, floatTensor([inn, out], t))]);
    },
    vector: (g, name, n) => g.initializer(name, floatTensor([n], weight(name, [n]).data)),
    embed: (g, ids, name, vocab, hidden) => g.op('Gather', [table(g, name, vocab, hidden), ids], { axis: 0 }),
    tiedHead: (g, x, name) => g.op('MatMul', [x, g.op('Transpose', [name], { perm: [1, 0] })]),
  };
}
