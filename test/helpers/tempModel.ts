/** Builder-made model folders in a temp dir, removed when the test process exits. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModelFolder, type TestFolderOptions } from '../../src/engine/builder';

const made: string[] = [];
process.on('exit', () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

export function tempDir(prefix = 'sr-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

export function tempModel(opts: TestFolderOptions = {}): ReturnType<typeof buildModelFolder> {
  return buildModelFolder(tempDir('sr-model-'), opts);
}
