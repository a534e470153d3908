/** `splitreason build-onnx`: a checkpoint (config.json + safetensors) → an ONNX decoder file. */
import { parseArgs } from 'node:util';
import { buildOnnxFromCheckpoint } from '../engine/builder';
import { oneOf, UsageError } from './args';

export const BUILD_ONNX_HELP = `usage: splitreason build-onnx --config FILE --weights FILE.safetensors --out FILE.onnx
                              [--kv-dtype float32|float16] [--external-data NAME]
Writes a Qwen2/Llama decoder with the I/O of docs/ARCHITECTURE.md §2 from Hugging Face-named weights.`;

export async function buildOnnxCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      weights: { type: 'string' },
      out: { type: 'string' },
      'kv-dtype': { type: 'string' },
      'external-data': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(BUILD_ONNX_HELP);
    return 0;
  }
  if (!values.config || !values.weights || !values.out) throw new UsageError(`build-onnx needs --config, --weights and --out\n${BUILD_ONNX_HELP}`);
  const kvDtype = oneOf(values['kv-dtype'], 'kv-dtype', ['float32', 'float16'] as const, 'float32');
  const file = buildOnnxFromCheckpoint(values.config, values.weights, values.out, { kvDtype, externalData: values['external-data'] });
  console.error(`wrote ${file}`);
  return 0;
}
