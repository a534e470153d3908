/**
 * The notebook trace mime type is written in one place (webview/protocol.ts) for the kernel and
 * the renderer; package.json's renderer contribution cannot import it, so it is checked here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TRACE_MIME } from '../../webview/protocol';

interface Manifest {
  contributes: { notebookRenderer: { id: string; mimeTypes: string[] }[] };
}

test("package.json's notebook renderer takes the mime type the kernel writes", () => {
  const manifest = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as Manifest;
  assert.deepEqual(
    manifest.contributes.notebookRenderer.map((r) => [r.id, r.mimeTypes]),
    [['splitreason.trace', [TRACE_MIME]]],
  );
});
