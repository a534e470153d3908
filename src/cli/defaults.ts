/** Where the bundled toy pair lives, from source (src/cli) or from the bundle (dist/). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function packageRoot(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'splitreason') return dir;
    if (dirname(dir) === dir) throw new Error(`cannot find the splitreason package root above ${from}`);
  }
}

export const bundledModel = (name: 'toy-small' | 'toy-big') => join(packageRoot(), 'models', name);
