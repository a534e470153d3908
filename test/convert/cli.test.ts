/** `splitreason convert` as a user runs it: a real process, its exit codes, its stderr and the folder it writes. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers/tempModel';
import { toyCheckpoint } from './toyConversions';

const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'convert', ...args], { encoding: 'utf8' });

test('--help prints the usage and exits 0', () => {
  const r = cli(['--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /usage: splitreason convert HF_DIR OUT_DIR \[--dtype q4\|q4f16\|fp16\|fp32\]/);
});

test('usage errors exit 2 and name what to pass', () => {
  const missing = cli(['only-one-dir']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /convert needs HF_DIR and OUT_DIR/);
  const dtype = cli(['a', 'b', '--dtype', 'int3']);
  assert.equal(dtype.status, 2);
  assert.match(dtype.stderr, /--dtype must be one of q4, q4f16, fp16, fp32, got 'int3'/);
  const level = cli(['a', 'b', '--accuracy-level', '7']);
  assert.equal(level.status, 2);
  assert.match(level.stderr, /--accuracy-level must be an integer from 0 to 4/);
});

test('a conversion writes the model folder and plain progress lines when stderr is not a terminal', () => {
  const out = join(tempDir('sr-cli-'), 'toy-q4');
  const r = cli([toyCheckpoint('toy-big', 'BF16'), out, '--dtype', 'q4', '--block-size', '16', '--quantize-head']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.match(lines[0], /^ *\d+%  \d+\/75 tensors  \d+\/2 MB  /);
  assert.match(lines.at(-2)!, /^100%  75\/75 tensors {2}2\/2 MB/);
  assert.match(lines.at(-1)!, /^wrote .*toy-q4\/onnx\/model_q4\.onnx \(q4, tags: special\) in [\d.]+ s$/);
  assert.ok(!lines.some((l) => l.includes('\r')));
  assert.deepEqual(readdirSync(join(out, 'onnx')).sort(), ['model_q4.onnx', 'model_q4.onnx_data']);
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'splitreason.json'])
    assert.ok(existsSync(join(out, f)), f);
});

test('int4 has no zero points unless --asymmetric asks for one a block', () => {
  const dir = tempDir('sr-cli-');
  const written = (flags: string[]) => {
    const out = join(dir, flags.join('') || 'default');
    const r = cli([toyCheckpoint('toy-big'), out, '--dtype', 'q4', ...flags]);
    assert.equal(r.status, 0, r.stderr);
    const onnx = join(out, 'onnx', 'model_q4.onnx');
    // initializer names live in the graph file; the weights in the data file
    return { zeroPoints: readFileSync(onnx).includes('_zp'), dataBytes: statSync(`${onnx}_data`).size };
  };
  const symmetric = written([]);
  const asymmetric = written(['--asymmetric']);
  assert.equal(symmetric.zeroPoints, false);
  assert.equal(asymmetric.zeroPoints, true);
  assert.ok(asymmetric.dataBytes > symmetric.dataBytes, `${asymmetric.dataBytes} bytes with zero points, ${symmetric.dataBytes} without`);
});

test('bad input exits 1 with its one sentence', () => {
  const r = cli([join(tempDir('sr-cli-'), 'nothing-here'), join(tempDir('sr-cli-'), 'out')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^splitreason convert: \S+nothing-here is not a folder; pass a Hugging Face checkpoint folder/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('--quantize-embedding stores the table as int4 blocks, and a tied head reads the same bytes', () => {
  const dir = tempDir('sr-cli-');
  // toy-small ties its head to the embedding table
  const written = (flags: string[]) => {
    const out = join(dir, flags.join('') || 'default');
    const r = cli([toyCheckpoint('toy-small'), out, '--dtype', 'q4', ...flags]);
    assert.equal(r.status, 0, r.stderr);
    const onnx = join(out, 'onnx', 'model_q4.onnx');
    const graph = readFileSync(onnx);
    return {
      gathers: graph.includes('GatherBlockQuantized'),
      headCopy: graph.includes('lm_head.weight_Q4'),
      tableQ4: graph.includes('model.embed_tokens.weight_Q4'),
      dataBytes: statSync(`${onnx}_data`).size,
    };
  };
  const floatTable = written(['--quantize-head']);
  const int4Table = written(['--quantize-head', '--quantize-embedding']);
  assert.deepEqual([floatTable.gathers, floatTable.headCopy, floatTable.tableQ4], [false, true, false]);
  assert.deepEqual([int4Table.gathers, int4Table.headCopy, int4Table.tableQ4], [true, false, true]);
  // the float table is gone and the head's int4 copy with it
  assert.ok(int4Table.dataBytes < floatTable.dataBytes * 0.75, `${int4Table.dataBytes} bytes against ${floatTable.dataBytes}`);

  const r = cli([toyCheckpoint('toy-small'), join(dir, 'wide-block'), '--quantize-embedding', '--block-size', '256']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /an int4 embedding needs hidden_size \(128\) to be a multiple of the block size \(256\)/);
  assert.ok(!existsSync(join(dir, 'wide-block')));
});
