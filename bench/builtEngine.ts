/**
 * The benchmarks measure the engine users run: dist/engineProcess.js, when `npm run build` made
 * it after the last change under src/engine. Otherwise the engine runs from source through tsx
 * (about a second more per start) and the bench says so.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/cli/defaults';
import { ENGINE_SCRIPT_ENV } from '../src/engine/engineProcess';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Points the engine at the built script when it is up to date; returns a line for the log. */
export function useBuiltEngine(): string {
  const root = packageRoot();
  const built = join(root, 'dist', 'engineProcess.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newestMtime(join(root, 'src', 'engine'))) {
    process.env[ENGINE_SCRIPT_ENV] = built;
    return `engine process: ${built}`;
  }
  return 'engine process: from source through tsx (dist/engineProcess.js is missing or older than src/engine: npm run build to measure the built one)';
}
