/**
 * Hugging Face checkpoint folder → model folder (docs/ARCHITECTURE.md §2). The graph is planned from the
 * safetensors headers first; then each weight is read by byte range, converted and written
 * into the external data file at its planned offset, so memory holds one tensor at a time.
 * Everything is written into a temp folder beside the destination and renamed at the end;
 * any failure or cancel removes it.
 */
import { copyFile, mkdir, mkdtemp, open, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { addDecoderGraph, decoderOpsets, FUSED_OPS, type FusedOps } from '../engine/builder/decoderGraph';
import { onnxFileName } from '../engine/modelFolder';
import { GraphBuilder } from '../engine/onnx/graph';
import type { TagKind } from '../split/splitConfig';
import { ConvertError, readCheckpoint, readTensorBytes } from './checkpoint';
import {
  CONVERT_DTYPES,
  DEFAULT_ACCURACY_LEVEL,
  DEFAULT_BLOCK_SIZE,
  DEFAULT_SYMMETRIC,
  fusedByDefault,
  isHalf,
  isQuantized,
  type ConvertDtype,
} from './dtypes';
import { StreamedWeights, type WeightJob } from './streamedWeights';
import { splitConfigFor } from './tags';

export interface ConvertProgress {
  tensorsDone: number;
  tensorsTotal: number;
  /** source (safetensors) bytes read so far */
  bytesDone: number;
  bytesTotal: number;
  stage: 'plan' | 'weights' | 'files' | 'done';
}

export interface ConvertOptions {
  dtype: ConvertDtype;
  /** int4 block length along K (q4, q4f16); a power of two ≥ 16. Default 32. */
  blockSize?: number;
  /** MatMulNBits accuracy_level 0–4; default 4 (int8 compute on CPU). */
  accuracyLevel?: number;
  /** int4 without zero points (each block centred on zero); false: a zero point a block. Default DEFAULT_SYMMETRIC. */
  symmetric?: boolean;
  /** Quantize the lm head too (q4, q4f16); otherwise it keeps float weights. */
  quantizeHead?: boolean;
  /**
   * Store the embedding table as int4 blocks too (q4, q4f16; GatherBlockQuantized), and a tied
   * head shares it; needs hidden_size to be a multiple of blockSize. Otherwise it keeps float weights.
   */
  quantizeEmbedding?: boolean;
  /** onnxruntime's fused operators (GraphOptions.fused), or false for standard ones; default fusedByDefault(dtype). */
  fused?: FusedOps | false;
  onProgress?: (p: ConvertProgress) => void;
  signal?: AbortSignal;
}

export interface ConvertResult {
  outDir: string;
  /** path of the .onnx file written */
  onnxFile: string;
  dtype: ConvertDtype;
  tags: TagKind;
  seconds: number;
}

/** Files copied from the checkpoint when present (tokenizer.json is required). */
const COPIED = ['tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'special_tokens_map.json'];

export async function convertCheckpoint(hfDir: string, outDir: string, opts: ConvertOptions): Promise<ConvertResult> {
  const started = performance.now();
  const o = checkOptions(opts);
  outDir = resolve(outDir);
  if (existsSync(outDir)) throw new ConvertError(`${outDir} already exists; choose a new folder or remove it (convert never overwrites).`);
  const ckpt = readCheckpoint(hfDir);
  const tokenizerFile = join(hfDir, 'tokenizer.json');
  if (!existsSync(tokenizerFile)) throw new ConvertError(`${hfDir} has no tokenizer.json; the model folder needs the checkpoint's tokenizer.`);
  const split = splitConfigFor(hfDir, tokenizerFile);
  const hidden = ckpt.config.hidden_size;
  if (o.quantizeEmbedding && isQuantized(o.dtype) && hidden % o.blockSize !== 0)
    throw new ConvertError(
      `an int4 embedding needs hidden_size (${hidden}) to be a multiple of the block size (${o.blockSize}); ` +
        'use a block size that divides it, or keep the embedding float.',
    );

  // Plan: the whole graph, every weight an external initializer with a job to fill it.
  const config = { ...ckpt.config, tie_word_embeddings: ckpt.config.tie_word_embeddings ?? !ckpt.tensors.has('lm_head.weight') };
  const onnxName = onnxFileName(o.dtype);
  const dataName = `${onnxName}_data`;
  const g = new GraphBuilder('decoder');
  g.useExternalData(dataName, Infinity);
  const weights = new StreamedWeights(ckpt, o);
  const graphOptions = { kvDtype: isHalf(o.dtype) ? 'float16' : 'float32', fused: o.fused || undefined } as const;
  addDecoderGraph(g, config, weights, graphOptions);
  const model = g.finish(decoderOpsets(graphOptions, isQuantized(o.dtype)), 'splitreason-convert').model;
  const jobs = weights.jobs;
  checkAllUsed(ckpt.tensors.keys(), new Set(jobs.map((j) => j.tensor.name)), config.tie_word_embeddings, ckpt.config.model_type);
  const progress: ConvertProgress = {
    tensorsDone: 0,
    tensorsTotal: jobs.length,
    bytesDone: 0,
    bytesTotal: jobs.reduce((s, j) => s + j.tensor.end - j.tensor.start, 0),
    stage: 'plan',
  };
  o.onProgress?.({ ...progress });

  await mkdir(dirname(outDir), { recursive: true });
  const tmp = await mkdtemp(join(dirname(outDir), `.${basename(outDir)}.converting-`));
  try {
    await mkdir(join(tmp, 'onnx'));
    await writeWeights(join(tmp, 'onnx', dataName), jobs, g.externalBytes, progress, o);
    await writeFile(join(tmp, 'onnx', onnxName), model);
    progress.stage = 'files';
    o.onProgress?.({ ...progress });
    for (const f of COPIED) if (existsSync(join(hfDir, f))) await copyFile(join(hfDir, f), join(tmp, f));
    const jsConfig = (ckpt.rawConfig['transformers.js_config'] ?? {}) as Record<string, unknown>;
    const external = { ...((jsConfig.use_external_data_format ?? {}) as Record<string, number>), [onnxName]: 1 };
    await writeFile(
      join(tmp, 'config.json'),
      JSON.stringify({ ...ckpt.rawConfig, 'transformers.js_config': { ...jsConfig, use_external_data_format: external } }, null, 2),
    );
    await writeFile(join(tmp, 'splitreason.json'), JSON.stringify(split, null, 2));
    checkAborted(o.signal);
    if (existsSync(outDir)) throw new ConvertError(`${outDir} appeared while converting; choose a new folder or remove it.`);
    await rename(tmp, outDir);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    if ((e as NodeJS.ErrnoException).code === 'ENOSPC')
      throw new ConvertError(`the disk is full: ${outDir} needs about ${Math.ceil(g.externalBytes / 2 ** 20)} MB free; free some space and run again.`);
    throw e;
  }
  progress.stage = 'done';
  o.onProgress?.({ ...progress });
  return { outDir, onnxFile: join(outDir, 'onnx', onnxName), dtype: o.dtype, tags: split.tags, seconds: (performance.now() - started) / 1000 };
}

async function writeWeights(
  file: string,
  jobs: WeightJob[],
  totalBytes: number,
  progress: ConvertProgress,
  o: Required<Pick<ConvertOptions, 'onProgress'>> & ConvertOptions,
): Promise<void> {
  const fh = await open(file, 'w');
  try {
    progress.stage = 'weights';
    for (const job of jobs) {
      checkAborted(o.signal);
      const written = job.outputs.map(() => 0);
      for (const { output, at, data } of job.produce(await readTensorBytes(job.tensor))) {
        const { offset, length } = job.outputs[output];
        if (at + data.byteLength > length)
          throw new Error(`convert: ${job.tensor.name} wrote past its output ${output} (${at + data.byteLength} of ${length} bytes)`);
        let done = 0;
        while (done < data.byteLength) done += (await fh.write(data, done, data.byteLength - done, offset + at + done)).bytesWritten;
        written[output] += data.byteLength;
      }
      job.outputs.forEach(({ length }, i) => {
        if (written[i] !== length) throw new Error(`convert: ${job.tensor.name} produced ${written[i]} bytes for output ${i}, ${length} planned`);
      });
      progress.tensorsDone++;
      progress.bytesDone += job.tensor.end - job.tensor.start;
      o.onProgress?.({ ...progress });
    }
    await fh.truncate(totalBytes);
  } finally {
    await fh.close();
  }
}

/** A tensor the graph does not read means a layer convert does not write (MLP biases, say): refuse rather than drop it. */
function checkAllUsed(names: Iterable<string>, used: Set<string>, tied: boolean, arch: string): void {
  for (const name of names) {
    if (used.has(name) || /rotary_emb\.inv_freq$/.test(name) || (tied && name === 'lm_head.weight')) continue;
    throw new ConvertError(`tensor ${name} has no place in a ${arch} decoder as convert writes it; this checkpoint has parts convert does not support.`);
  }
}

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new ConvertError('conversion cancelled; nothing was written.');
}

function checkOptions(opts: ConvertOptions) {
  if (!CONVERT_DTYPES.includes(opts.dtype)) throw new ConvertError(`dtype '${String(opts.dtype)}' is not supported; use one of ${CONVERT_DTYPES.join(', ')}.`);
  const blockSize = opts.blockSize ?? DEFAULT_BLOCK_SIZE;
  if (!Number.isInteger(blockSize) || blockSize < 16 || (blockSize & (blockSize - 1)) !== 0)
    throw new ConvertError(`block size ${blockSize} must be a power of two ≥ 16 (32 is the usual choice).`);
  if (opts.fused !== undefined && opts.fused !== false && !FUSED_OPS.includes(opts.fused))
    throw new ConvertError(`fused '${String(opts.fused)}' is not a choice; use one of ${FUSED_OPS.join(', ')}, or false.`);
  const accuracyLevel = opts.accuracyLevel ?? DEFAULT_ACCURACY_LEVEL;
  if (!Number.isInteger(accuracyLevel) || accuracyLevel < 0 || accuracyLevel > 4)
    throw new ConvertError(`accuracy level ${accuracyLevel} must be an integer from 0 to 4.`);
  return {
    ...opts,
    blockSize,
    accuracyLevel,
    symmetric: opts.symmetric ?? DEFAULT_SYMMETRIC,
    quantizeHead: opts.quantizeHead ?? false,
    quantizeEmbedding: opts.quantizeEmbedding ?? false,
    fused: opts.fused ?? fusedByDefault(opts.dtype),
    onProgress: opts.onProgress ?? (() => {}),
  };
}
