/** npm run bench:handback */
import { handbackBench } from './handbackSuite';

handbackBench((s) => console.log(s)).catch((e) => {
  console.error(e);
  process.exit(1);
});
