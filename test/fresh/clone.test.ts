/**
 * The README's promise to a newcomer, kept: the repository's files in an empty folder (what a
 * fresh clone gets: tracked files and new ones git does not ignore), `npm ci`, then the solve
 * command exactly as the README's quick start writes it, which must print the right answer.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const REPO = join(__dirname, '../..');

/** The commands of the README's quick start block (the first ```sh block under "Quick start"). */
export function quickStart(readme: string): string[] {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Quick start'));
  if (!section) throw new Error('README.md has no "## Quick start" section');
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error("README.md's quick start has no ```sh block");
  return block[1]
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
}

test("a fresh copy of the repository: npm ci, then the README's solve command prints the right answer", { timeout: 15 * 60_000 }, () => {
  const commands = quickStart(readFileSync(join(REPO, 'README.md'), 'utf8'));
  assert.deepEqual(commands.length, 2, `the quick start should be two commands, found ${JSON.stringify(commands)}`);
  assert.equal(commands[0], 'npm ci');
  const m = /solve "Compute \\\$(\d+) \\\\times (\d+) - (\d+)\\\$\."/.exec(commands[1]);
  assert.ok(m, `the second command should solve "Compute $a \\times b - c$.", found: ${commands[1]}`);
  const expected = Number(m[1]) * Number(m[2]) - Number(m[3]);

  const dir = mkdtempSync(join(tmpdir(), 'sr-fresh-'));
  try {
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean);
    for (const f of files) {
      mkdirSync(dirname(join(dir, f)), { recursive: true });
      try {
        cpSync(join(REPO, f), join(dir, f), { dereference: false });
      } catch (e) {
        // a tracked file deleted in the working tree is not part of what a clone would get now
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    // Not the outer `npm test`'s npm_* settings: a newcomer's shell has none.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
    for (const cmd of commands) {
      const r = spawnSync('bash', ['-c', cmd], { cwd: dir, env, encoding: 'utf8', timeout: 12 * 60_000 });
      const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
      assert.equal(r.status, 0, `\`${cmd}\` failed (exit ${r.status}, signal ${r.signal}):\n${out.slice(-4000)}`);
      if (cmd === commands[1]) assert.match(out, new RegExp(`^answer: ${expected} `, 'm'), `\`${cmd}\` did not answer ${expected}:\n${out}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
