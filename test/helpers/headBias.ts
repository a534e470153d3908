/**
 * A model folder whose logits come out of an `Add` after the head (a head with a bias): a graph
 * the engine cannot slice (src/engine/onnx/logitsFrom.ts), so it takes the unsliced path.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { floatTensor, tensorProto } from '../../src/engine/onnx/graph';
import { Message } from '../../src/engine/onnx/protobuf';
import { fields, text } from '../../src/engine/onnx/protobufReader';

export function addHeadBias(modelDir: string): void {
  const file = join(modelDir, 'onnx', 'model.onnx');
  const model = readFileSync(file);
  const graph = [...fields(model)].find((f) => f.field === 7)!;
  const out = new Message();
  for (const f of fields(model, graph.start, graph.end)) {
    const outputs = f.field === 1 ? [...fields(model, f.start, f.end)].filter((n) => n.field === 2) : [];
    const head = outputs.find((o) => text(model, o) === 'logits');
    if (!head) {
      out.raw(model.subarray(f.at, f.end));
      continue;
    }
    // the head now writes logits_raw; Add(logits_raw, 0) writes logits
    const node = new Message();
    for (const n of fields(model, f.start, f.end)) {
      if (n.at === head.at) node.string(2, 'logits_raw');
      else node.raw(model.subarray(n.at, n.end));
    }
    out.message(1, node);
    out.message(1, new Message().string(1, 'logits_raw').string(1, 'head_bias').string(2, 'logits').string(3, 'head_bias_add').string(4, 'Add'));
  }
  out.message(5, tensorProto('head_bias', floatTensor([], Float32Array.of(0))));
  const patched = new Message();
  for (const f of fields(model)) {
    if (f.at === graph.at) patched.message(7, out);
    else patched.raw(model.subarray(f.at, f.end));
  }
  writeFileSync(file, patched.toBytes());
}
