/** npm run bench:engine [-- [--device cpu|webgpu|cuda|dml|coreml] small|mid ...] */
import { engineBench } from './engineSuite';

engineBench(process.argv.slice(2), (s) => console.log(s)).catch((e) => {
  console.error(e);
  process.exit(1);
});
