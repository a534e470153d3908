/**
 * A decoder graph computes its head over every position of a run, and onnxruntime runs every node
 * whatever is fetched (its `only_execute_path_to_fetches` run option has no Node binding). In a
 * prefill that head is a matrix product of n × hidden by hidden × vocabulary whose rows, all but
 * the last, nobody reads: about a seventh of a 1.5B model's prefill. So the engine loads the graph
 * with a `Slice` in front of the head, fed by one more input, LOGITS_FROM: the first position
 * whose logits the run returns (0 for all of them, n − 1 for the last). The file on disk keeps the
 * model-folder contract (logits [b, s, vocab]); only the engine's in-memory copy changes.
 */
import { ElemType, int64Tensor, tensorProto, valueInfo } from './graph';
import { Message } from './protobuf';
import { fields, text, type Field } from './protobufReader';

export const LOGITS_FROM = 'splitreason_logits_from';

// onnx.proto field numbers
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const GRAPH_INPUT = 11;
const NODE_INPUT = 1;
const NODE_OUTPUT = 2;
const NODE_NAME = 3;
const NODE_OP_TYPE = 4;
const VALUE_INFO_NAME = 1;

/** The products a head is made of, and the nodes that may stand between it and `logits` (a float16 head's Cast). */
const HEAD_OPS = new Set(['MatMul', 'MatMulNBits']);
const PASS_THROUGH = new Set(['Cast', 'Identity']);

interface GraphNode {
  field: Field;
  op: string;
  inputs: string[];
  outputs: string[];
}

/**
 * The model with the head's hidden states sliced from LOGITS_FROM along the sequence axis, or
 * undefined when the graph's `logits` do not come from a MatMul or MatMulNBits on hidden states
 * [b, s, hidden] (the engine then loads the file as it is).
 */
export function withLogitsFrom(model: Uint8Array): Uint8Array | undefined {
  const graph = [...fields(model)].find((f) => f.field === MODEL_GRAPH && f.wire === 2);
  if (!graph) return undefined;
  const nodes: GraphNode[] = [];
  for (const f of fields(model, graph.start, graph.end)) {
    if (f.wire !== 2) continue;
    if (f.field === GRAPH_NODE) nodes.push(readNode(model, f));
    else if (f.field === GRAPH_INPUT && inputName(model, f) === LOGITS_FROM) return undefined;
  }
  const producers = new Map(nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  let head = producers.get('logits');
  while (head && PASS_THROUGH.has(head.op)) head = producers.get(head.inputs[0]);
  if (!head || !HEAD_OPS.has(head.op) || !head.inputs[0]) return undefined;

  const hidden = head.inputs[0];
  const names = { sliced: `${LOGITS_FROM}/hidden`, ends: `${LOGITS_FROM}/ends`, axes: `${LOGITS_FROM}/axes` };
  const slice = new Message()
    .string(NODE_INPUT, hidden)
    .string(NODE_INPUT, LOGITS_FROM)
    .string(NODE_INPUT, names.ends)
    .string(NODE_INPUT, names.axes)
    .string(NODE_OUTPUT, names.sliced)
    .string(NODE_NAME, `${LOGITS_FROM}/slice`)
    .string(NODE_OP_TYPE, 'Slice');
  const out = new Message();
  for (const f of fields(model, graph.start, graph.end)) {
    if (f.at === head.field.at) out.message(GRAPH_NODE, slice).message(GRAPH_NODE, withFirstInput(model, f, names.sliced));
    else out.raw(model.subarray(f.at, f.end));
  }
  // Slice clamps its ends to the axis length
  out.message(GRAPH_INITIALIZER, tensorProto(names.ends, int64Tensor([1], [Number.MAX_SAFE_INTEGER])));
  out.message(GRAPH_INITIALIZER, tensorProto(names.axes, int64Tensor([1], [1])));
  out.message(GRAPH_INPUT, valueInfo(LOGITS_FROM, ElemType.INT64, [1]));

  const patched = new Message();
  for (const f of fields(model)) {
    if (f.at === graph.at) patched.message(MODEL_GRAPH, out);
    else patched.raw(model.subarray(f.at, f.end));
  }
  return patched.toBytes();
}

function readNode(model: Uint8Array, node: Field): GraphNode {
  const n: GraphNode = { field: node, op: '', inputs: [], outputs: [] };
  for (const f of fields(model, node.start, node.end)) {
    if (f.wire !== 2) continue;
    if (f.field === NODE_INPUT) n.inputs.push(text(model, f));
    else if (f.field === NODE_OUTPUT) n.outputs.push(text(model, f));
    else if (f.field === NODE_OP_TYPE) n.op = text(model, f);
  }
  return n;
}

function inputName(model: Uint8Array, info: Field): string | undefined {
  for (const f of fields(model, info.start, info.end)) if (f.field === VALUE_INFO_NAME && f.wire === 2) return text(model, f);
  return undefined;
}

/** The node with its first input renamed; every other field (inputs' order included) unchanged. */
function withFirstInput(model: Uint8Array, node: Field, name: string): Message {
  const m = new Message();
  let replaced = false;
  for (const f of fields(model, node.start, node.end)) {
    if (!replaced && f.field === NODE_INPUT && f.wire === 2) {
      m.string(NODE_INPUT, name);
      replaced = true;
    } else m.raw(model.subarray(f.at, f.end));
  }
  return m;
}
