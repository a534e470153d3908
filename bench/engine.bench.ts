/** npm run bench:engine [-- small|mid ...] */
import { engineBench } from './engineSuite';

engineBench(process.argv.slice(2), (s) => console.log(s)).catch((e) => {
  console.error(e);
  process.exit(1);
});
