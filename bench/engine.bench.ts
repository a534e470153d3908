/**
 * npm run bench:engine [-- [--device cpu|webgpu|cuda|dml|coreml] [--repeats N] small|mid|1.5b ...]
 * (1.5b: the DeepSeek-R1-Distill-Qwen-1.5B-shaped q4 model, written and converted on first use)
 */
import { engineBench } from './engineSuite';

engineBench(process.argv.slice(2), (s) => console.log(s)).catch((e) => {
  console.error(e);
  process.exit(1);
});
