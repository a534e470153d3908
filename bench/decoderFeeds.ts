/**
 * The feeds of one decoder step for the benchmarks' bare `session.run` loops (bench/engine.ts,
 * bench/opProfile.ts): ids at `past`, and the previous step's presents as the past (empty at first).
 */
import * as ort from 'onnxruntime-node';
import type { ModelConfig } from '../src/engine/types';

export type KvType = 'float32' | 'float16';

export function decoderFeeds(cfg: ModelConfig, kvType: KvType) {
  const dims = [1, cfg.num_key_value_heads, 0, cfg.head_dim];
  const empty = () => (kvType === 'float16' ? new ort.Tensor('float16', new Uint16Array(0), dims) : new ort.Tensor('float32', new Float32Array(0), dims));
  return (ids: number[], past: number, kv?: ort.InferenceSession.OnnxValueMapType): Record<string, ort.Tensor> => {
    const f: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(past + ids.length).fill(1n), [1, past + ids.length]),
      position_ids: new ort.Tensor(
        'int64',
        BigInt64Array.from(ids, (_, i) => BigInt(past + i)),
        [1, ids.length],
      ),
    };
    for (let i = 0; i < cfg.num_hidden_layers; i++)
      for (const k of ['key', 'value']) f[`past_key_values.${i}.${k}`] = kv ? (kv[`present.${i}.${k}`] as ort.Tensor) : empty();
    return f;
  };
}
