/**
 * `npm test` entry for the real-VS-Code tests: runs test/vscode/run.ts (code-server's
 * VS Code + Chromium) and fails when it reports any failure. Needs
 * scripts/install-code-server.sh and `npm run build` first (npm test builds).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const REPO = join(__dirname, '../..');

test('extension integration tests pass in a real VS Code (code-server + Chromium)', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'test/vscode/run.ts')], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 10 * 60_000,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const m = /^(\d+) passed, (\d+) failed$/m.exec(out);
  assert.ok(m, `test/vscode/run.ts printed no summary (exit ${r.status}, signal ${r.signal}):\n${out}`);
  assert.equal(Number(m[2]), 0, `failures in the VS Code integration tests:\n${out}`);
  assert.ok(Number(m[1]) > 0, `no VS Code integration test ran:\n${out}`);
  assert.equal(r.status, 0, out);
});
