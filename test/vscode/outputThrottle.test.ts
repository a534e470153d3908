import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { MAX_BYTES_PER_SECOND, MIN_WRITE_MS, writeDelayMs } from '../../src/vscode/outputThrottle';

test('short outputs are written every MIN_WRITE_MS; long ones less often, at a bounded rate', () => {
  assert.equal(writeDelayMs(0), MIN_WRITE_MS);
  assert.equal(writeDelayMs(10_000), MIN_WRITE_MS);
  // a 1 MiB trace: one write every 4 s, not five a second
  assert.equal(writeDelayMs(1024 * 1024), 4000);
  for (const bytes of [1e5, 1e6, 5e6, 2e7]) {
    const perSecond = (bytes * 1000) / writeDelayMs(bytes);
    assert.ok(perSecond <= MAX_BYTES_PER_SECOND, `${bytes} bytes: ${perSecond} B/s`);
  }
});
