/**
 * Where a model's load time goes: the tokenizer parse, the engine process's start (from source
 * through tsx, and built), the onnxruntime session, and LocalModel.load as a whole. Rounds are
 * interleaved; prints milliseconds per part and round. `npm run bench -- load DIR [DTYPE]`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LocalModel } from '../src/engine';
import { ENGINE_SCRIPT_ENV, EngineProcess } from '../src/engine/engineProcess';
import { resolveModelFolder } from '../src/engine/modelFolder';
import type { LoadRequest } from '../src/engine/process/protocol';
import { TextTokenizer } from '../src/engine/tokenizer';
import type { Dtype } from '../src/engine/types';
import { packageRoot } from '../src/cli/defaults';

const ms = (t: number) => `${(performance.now() - t).toFixed(0)} ms`;

export async function loadTimeBench(log: (s: string) => void, dir: string, dtype: Dtype = 'fp32', rounds = 2): Promise<void> {
  const folder = resolveModelFolder(dir, dtype);
  const c = folder.config;
  const load: LoadRequest = {
    onnxFile: folder.onnxFile,
    device: 'cpu',
    threads: 2,
    numLayers: c.num_hidden_layers,
    kvHeads: c.num_key_value_heads,
    headDim: c.head_dim,
    vocabSize: c.vocab_size,
    maxPositions: c.max_position_embeddings,
  };
  const built = join(packageRoot(), 'dist', 'engineProcess.js');
  const scripts = existsSync(built) ? ['', built] : [''];
  const previous = process.env[ENGINE_SCRIPT_ENV];
  log(`load time of ${folder.onnxFile} on cpu, 2 threads${existsSync(built) ? '' : ' (no dist/engineProcess.js: npm run build to time the built engine)'}`);
  try {
    for (let r = 1; r <= rounds; r++) {
      const parts: string[] = [];
      let t = performance.now();
      TextTokenizer.load(dir, folder.eosIds);
      parts.push(`tokenizer ${ms(t)}`);
      for (const script of scripts) {
        if (script) process.env[ENGINE_SCRIPT_ENV] = script;
        else delete process.env[ENGINE_SCRIPT_ENV];
        const how = script ? 'built' : 'source';
        t = performance.now();
        const engine = new EngineProcess();
        await engine.request({ op: 'memory' });
        parts.push(`engine start (${how}) ${ms(t)}`);
        t = performance.now();
        await engine.request({ op: 'load', load });
        parts.push(`session (${how}) ${ms(t)}`);
        await engine.terminate();
        t = performance.now();
        const model = await LocalModel.load(dir, { device: 'cpu', dtype, threads: 2 });
        parts.push(`LocalModel.load (${how}) ${ms(t)}`);
        await model.dispose();
      }
      log(`  round ${r}: ${parts.join(', ')}`);
    }
  } finally {
    if (previous === undefined) delete process.env[ENGINE_SCRIPT_ENV];
    else process.env[ENGINE_SCRIPT_ENV] = previous;
  }
}
