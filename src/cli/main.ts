/** The `splitreason` command: one verb per file, wired here. */
import { buildOnnxCommand } from './buildOnnx';
import { UsageError } from './args';
import { generateCommand } from './generate';
import { serveCommand } from './serve';
import { solveCommand } from './solve';
import { evalCommand } from './eval';
import { convertCommand } from './convert';
import { checkCommand } from './check';

type Verb = (argv: string[]) => Promise<number>;

const VERBS: Record<string, { run: Verb; summary: string }> = {
  solve: { run: solveCommand, summary: 'solve a problem: the small model reasons, the large model writes the steps it tags' },
  eval: { run: evalCommand, summary: 'accuracy and offload per policy over a set of problems' },
  generate: { run: generateCommand, summary: 'stream a continuation from a local model folder' },
  serve: { run: serveCommand, summary: 'OpenAI-compatible server for a local model folder' },
  convert: { run: convertCommand, summary: 'convert a Hugging Face checkpoint (safetensors) into a model folder: q4, q4f16, fp16, fp32' },
  check: { run: checkCommand, summary: "check a student's solution step by step with a computer algebra system" },
  'build-onnx': { run: buildOnnxCommand, summary: 'write an ONNX decoder from config.json + safetensors' },
};

export function usage(): string {
  const width = Math.max(...Object.keys(VERBS).map((v) => v.length));
  return [
    'usage: splitreason <command> [options]   (splitreason <command> --help for details)',
    '',
    ...Object.entries(VERBS).map(([v, { summary }]) => `  ${v.padEnd(width)}  ${summary}`),
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || verb === '--help' || verb === '-h' || verb === 'help') {
    console.log(usage());
    return verb ? 0 : 2;
  }
  const entry = VERBS[verb];
  if (!entry) {
    console.error(`splitreason: unknown command '${verb}'\n\n${usage()}`);
    return 2;
  }
  try {
    return await entry.run(rest);
  } catch (e) {
    const err = e as Error & { code?: string };
    // parseArgs errors (unknown option, missing value) are usage errors too
    const isUsage = e instanceof UsageError || (err.code ?? '').startsWith('ERR_PARSE_ARGS');
    console.error(`splitreason ${verb}: ${err.message}`);
    return isUsage ? 2 : 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
