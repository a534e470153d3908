/**
 * One onnxruntime session over a decoder file: provider fallback, a check of the graph's
 * inputs and outputs against config.json, and the forward step every generator uses.
 */
import * as ort from 'onnxruntime-node';
import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { planProviders } from '../executionProviders';
import { LOGITS_FROM, withLogitsFrom } from '../onnx/logitsFrom';
import { halfArrayToFloat } from '../tensorMath';
import type { LogitsMode } from '../types';
import type { KvCache, KvType, RewindStrategy } from './kvCache';
import type { LoadRequest, LoadResult } from './protocol';

/** WebGPU is the one provider whose outputs onnxruntime-node can leave on the device (toolchain.md). */
const KEEPS_CACHE_ON_DEVICE = new Set<string>(['webgpu']);

/**
 * onnxruntime-node 1.30 serves `preferredOutputLocation` through one IO binding per session that
 * keeps the last run's outputs bound: a run that fetches fewer outputs than the run before fails
 * ("Output count mismatch", or "Tensor size mismatch" when the stale logits have another length).
 * So a session with bound outputs fetches every output every run, and a prefill that wants no
 * logits goes in chunks of this many tokens to keep the head's output small (128 × 151,936 floats
 * is 78 MB). SPLITREASON_BIND_OUTPUTS=1 binds outputs on any provider, so the CPU runs the GPU
 * path's host logic in tests.
 */
const BOUND_PREFILL_CHUNK = 128;
const bindOutputsEverywhere = () => process.env.SPLITREASON_BIND_OUTPUTS === '1';

/**
 * Graph files up to this size are read and loaded with the head sliced (onnx/logitsFrom.ts); a
 * larger one holds its weights inline, and a second copy of them in memory would cost more than
 * the head saves, so it loads as it is.
 */
const SLICED_HEAD_MAX_FILE = 256 << 20;
/** Without a sliced head, a prefill wanting only the last logits runs in two parts past this many logits floats, so the rest are never copied out. */
const SPLIT_PREFILL_MIN_FLOATS = 1 << 20;

export class DecoderSession {
  /** the attention mask is all ones (one sequence, no padding): every step feeds a view of this */
  private ones?: BigInt64Array;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly info: LoadResult,
    readonly load: LoadRequest,
    /** outputs go through onnxruntime-node's IO binding (see BOUND_PREFILL_CHUNK) */
    private readonly boundOutputs: boolean,
  ) {}

  static async create(req: LoadRequest): Promise<DecoderSession> {
    const plan = planProviders(req.device, undefined, req.failedSelfTest);
    const log = plan.skipped.map((s) => `skipped ${s.provider}: ${s.reason}`);
    const sliced = slicedHeadGraph(req.onnxFile, log);
    let lastError: Error | undefined;
    for (const provider of plan.order) {
      try {
        const onDevice = KEEPS_CACHE_ON_DEVICE.has(provider);
        const bound = onDevice || bindOutputsEverywhere();
        const session = await createSession(req, provider, bound, sliced, log);
        const { kvType, hasPositionIds } = checkGraph(session, req);
        const kvLocation = onDevice ? 'gpu-buffer' : 'cpu';
        const slicedHead = session.inputNames.includes(LOGITS_FROM);
        return new DecoderSession(session, { device: provider, kvType, hasPositionIds, kvLocation, slicedHead, log }, req, bound);
      } catch (e) {
        lastError = e as Error;
        if (e instanceof GraphMismatch) throw e;
        if (provider === 'cpu') break;
        log.push(`${provider} failed, falling back: ${firstLine(lastError.message)}`);
      }
    }
    const cause = firstLine(lastError?.message ?? 'unknown error');
    throw new Error(`${req.onnxFile}: onnxruntime could not load it (${cause}). The file may be truncated or not an ONNX model: rebuild or re-download it.`);
  }

  /**
   * Runs `ids` after the cache and advances it. Returns float32 logits: [ids.length × vocab] for
   * 'all', [vocab] for 'last', none for 'none'. With a sliced head the run computes only the rows
   * asked for; without one it computes every row, and copies out only those asked for.
   */
  async step(cache: KvCache, ids: number[], logits: LogitsMode): Promise<Float32Array | undefined> {
    const n = ids.length;
    if (this.boundOutputs && logits === 'none' && n > BOUND_PREFILL_CHUNK) {
      for (let at = 0; at < n; at += BOUND_PREFILL_CHUNK) await this.step(cache, ids.slice(at, at + BOUND_PREFILL_CHUNK), 'none');
      return undefined;
    }
    if (!this.info.slicedHead && logits === 'last' && (n - 1) * this.load.vocabSize >= SPLIT_PREFILL_MIN_FLOATS) {
      await this.step(cache, ids.slice(0, -1), 'none');
      return this.step(cache, ids.slice(-1), 'last');
    }
    const past = cache.length;
    if (past + n > this.load.maxPositions)
      throw new Error(`sequence of ${past + n} tokens exceeds the model's max_position_embeddings (${this.load.maxPositions})`);
    this.ones ??= new BigInt64Array(this.load.maxPositions).fill(1n);
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
      attention_mask: new ort.Tensor('int64', this.ones.subarray(0, past + n), [1, past + n]),
    };
    if (this.info.hasPositionIds) {
      const pos = new BigInt64Array(n);
      for (let i = 0; i < n; i++) pos[i] = BigInt(past + i);
      feeds.position_ids = new ort.Tensor('int64', pos, [1, n]);
    }
    if (this.info.slicedHead) feeds[LOGITS_FROM] = new ort.Tensor('int64', BigInt64Array.of(logits === 'all' ? 0n : BigInt(n - 1)), [1]);
    cache.feeds(feeds);
    const fetchLogits = logits !== 'none';
    const out = fetchLogits || this.boundOutputs ? await this.session.run(feeds) : await this.session.run(feeds, this.presentNames);
    cache.update(out);
    if (!fetchLogits) return undefined;
    const tensor = out.logits as ort.Tensor;
    const data = tensor.type === 'float16' ? halfArrayToFloat(tensor.data as Uint16Array) : (tensor.data as Float32Array);
    return logits === 'last' ? data.subarray(data.length - this.load.vocabSize) : data;
  }

  /**
   * A cache on the device cannot be read back, so it is replayed instead of cut (LoadRequest.rewind
   * overrides); bound outputs on the CPU follow the GPU path.
   */
  get rewindStrategy(): RewindStrategy {
    return this.load.rewind ?? (this.boundOutputs ? 'replay' : 'cut');
  }

  private get presentNames(): string[] {
    return this.session.outputNames.filter((n) => n.startsWith('present.'));
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** The graph with its head sliced (onnx/logitsFrom.ts), or undefined to load the file as it is (said in the log). */
function slicedHeadGraph(onnxFile: string, log: string[]): Uint8Array | undefined {
  try {
    if (statSync(onnxFile).size > SLICED_HEAD_MAX_FILE) {
      log.push('the head runs on every position: the graph file holds its weights inline');
      return undefined;
    }
    const graph = withLogitsFrom(readFileSync(onnxFile));
    if (!graph) log.push("the head runs on every position: the graph's logits do not come from a MatMul on the hidden states");
    return graph;
  } catch (e) {
    // an unreadable or malformed file: onnxruntime's own load says what is wrong with it
    log.push(`the head runs on every position: ${firstLine((e as Error).message)}`);
    return undefined;
  }
}

async function createSession(req: LoadRequest, provider: string, bound: boolean, sliced: Uint8Array | undefined, log: string[]): Promise<ort.InferenceSession> {
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    ...(req.threads ? { intraOpNumThreads: req.threads, interOpNumThreads: 1 } : {}),
  };
  // tests of the fallback make a provider fail to start on every machine, GPU or not
  if (process.env.SPLITREASON_ENGINE_FAULT === `provider:${provider}`) throw new Error(`${provider} made to fail by SPLITREASON_ENGINE_FAULT`);
  // the presents stay on the GPU and come back as the next step's past; logits come to the host
  const located = (o: ort.InferenceSession.SessionOptions) => (bound ? { ...o, preferredOutputLocation: presentLocations(req.numLayers) } : o);
  if (sliced) {
    try {
      // external data is found beside the file, as when it is loaded by path
      const folder = { session: { model_external_initializers_file_folder_path: dirname(req.onnxFile) } };
      return await ort.InferenceSession.create(sliced, located({ ...options, extra: folder }));
    } catch (e) {
      // the file itself may still load, and its errors are the ones worth reporting
      log.push(`the head runs on every position: the sliced graph failed to load on ${provider} (${firstLine((e as Error).message)})`);
    }
  }
  try {
    return await ort.InferenceSession.create(req.onnxFile, located(options));
  } catch (e) {
    // the locations name config.json's outputs; when the graph lacks one, say how the two disagree
    if (!bound || !/is not a valid output name/.test((e as Error).message)) throw e;
    const plain = await ort.InferenceSession.create(req.onnxFile, options);
    try {
      checkGraph(plain, req);
    } finally {
      await plain.release();
    }
    throw e;
  }
}

function presentLocations(numLayers: number): Record<string, ort.Tensor.DataLocation> {
  const out: Record<string, ort.Tensor.DataLocation> = { logits: 'cpu' };
  for (let i = 0; i < numLayers; i++) out[`present.${i}.key`] = out[`present.${i}.value`] = 'gpu-buffer';
  return out;
}

export class GraphMismatch extends Error {}

function checkGraph(session: ort.InferenceSession, req: LoadRequest): { kvType: KvType; hasPositionIds: boolean } {
  const fail = (what: string) => {
    throw new GraphMismatch(`${req.onnxFile}: ${what}. The graph does not match config.json (docs/ARCHITECTURE.md §2 lists the expected I/O).`);
  };
  const inputs = new Map(session.inputMetadata.map((m) => [m.name, m]));
  const outputs = new Map(session.outputMetadata.map((m) => [m.name, m]));
  for (const name of ['input_ids', 'attention_mask']) if (!inputs.has(name)) fail(`missing input '${name}' (int64 [batch, sequence])`);
  if (!outputs.has('logits')) fail(`missing output 'logits' ([batch, sequence, ${req.vocabSize}])`);
  const logitsShape = shapeOf(outputs.get('logits'));
  if (logitsShape && typeof logitsShape[2] === 'number' && logitsShape[2] !== req.vocabSize)
    fail(`output 'logits' has vocabulary size ${logitsShape[2]}, config.json says vocab_size ${req.vocabSize}`);
  let kvType: KvType | undefined;
  for (let i = 0; i < req.numLayers; i++) {
    for (const kv of ['key', 'value']) {
      const name = `past_key_values.${i}.${kv}`;
      const meta = inputs.get(name);
      if (!meta) fail(`missing input '${name}' (config.json says ${req.numLayers} layers)`);
      const type = (meta as { type?: string }).type;
      if (type !== 'float32' && type !== 'float16') fail(`input '${name}' is ${type}; float32 or float16 expected`);
      kvType ??= type as KvType;
      const shape = shapeOf(meta);
      const expected = `[batch, ${req.kvHeads}, past, ${req.headDim}]`;
      if (
        shape &&
        (shape.length !== 4 || (typeof shape[1] === 'number' && shape[1] !== req.kvHeads) || (typeof shape[3] === 'number' && shape[3] !== req.headDim))
      )
        fail(`input '${name}' has shape [${shape.join(', ')}], expected ${expected} from num_key_value_heads and head_dim`);
      if (!outputs.has(`present.${i}.${kv}`)) fail(`missing output 'present.${i}.${kv}'`);
    }
  }
  const extra = [...inputs.keys()].filter((n) => n !== LOGITS_FROM && !/^(input_ids|attention_mask|position_ids|past_key_values\.\d+\.(key|value))$/.test(n));
  if (extra.length) fail(`unexpected input(s) ${extra.join(', ')}`);
  return { kvType: kvType ?? 'float32', hasPositionIds: inputs.has('position_ids') };
}

function shapeOf(meta: unknown): (number | string)[] | undefined {
  const m = meta as { isTensor?: boolean; shape?: (number | string)[] };
  return m?.isTensor ? m.shape : undefined;
}

function firstLine(s: string): string {
  return s.split('\n')[0].slice(0, 400);
}
