import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '../../scripts/lineLength.mjs');

/** A git repository in a temp folder holding `files`; those named in `track` are added to its index. */
function repo(files: Record<string, string>, track: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'sr-linelength-'));
  execFileSync('git', ['init', '-q'], { cwd: dir });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  if (track.length) execFileSync('git', ['add', '--', ...track], { cwd: dir });
  return dir;
}

function check(dir: string): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [SCRIPT], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

const x = (n: number) => 'x'.repeat(n);

test("lines over prettier's printWidth in tracked and new source files each get one message; ignored files, other kinds and lines at the limit pass", () => {
  const dir = repo(
    {
      '.prettierrc.json': JSON.stringify({ printWidth: 20 }),
      '.gitignore': 'ignored.ts\n',
      'tracked.ts': `ok\n${x(21)}\n${x(20)}\n`,
      'panel.css': `${x(20)}\r\n${x(25)}\r\n`,
      'untracked.mjs': `${x(30)}`,
      'page.js': `${x(20)}\n`,
      'check.sh': `#!/bin/sh\n${x(22)}\n`,
      // 20 code points, 40 UTF-16 units: at the limit, as an editor counts columns
      'emoji.ts': `${'😀'.repeat(20)}\n`,
      'ignored.ts': `${x(40)}\n`,
      'README.md': `${x(40)}\n`,
    },
    ['.prettierrc.json', '.gitignore', 'tracked.ts', 'panel.css', 'page.js', 'check.sh', 'emoji.ts', 'README.md'],
  );
  try {
    const r = check(dir);
    assert.equal(r.status, 1);
    assert.deepEqual(r.stderr.trim().split('\n'), [
      'check.sh:2: 22 characters, over the limit of 20 (printWidth in .prettierrc.json); break the line.',
      'panel.css:2: 25 characters, over the limit of 20 (printWidth in .prettierrc.json); break the line.',
      'tracked.ts:2: 21 characters, over the limit of 20 (printWidth in .prettierrc.json); break the line.',
      'untracked.mjs:1: 30 characters, over the limit of 20 (printWidth in .prettierrc.json); break the line.',
      '4 lines longer than 20 characters.',
    ]);

    writeFileSync(join(dir, 'tracked.ts'), `ok\n${x(10)}\n${x(11)}\n`);
    writeFileSync(join(dir, 'panel.css'), `${x(20)}\r\n${x(12)}\r\n${x(13)}\r\n`);
    writeFileSync(join(dir, 'untracked.mjs'), `${x(15)}\n${x(15)}\n`);
    writeFileSync(join(dir, 'check.sh'), `#!/bin/sh\n${x(11)} \\\n  ${x(9)}\n`);
    assert.deepEqual(check(dir), { status: 0, stderr: '' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing or unusable printWidth, or a folder outside git, is one sentence saying what to do', () => {
  const noConfig = repo({ 'a.ts': 'a\n' }, ['a.ts']);
  const badWidth = repo({ '.prettierrc.json': JSON.stringify({ printWidth: '160' }) }, []);
  const noGit = mkdtempSync(join(tmpdir(), 'sr-linelength-'));
  writeFileSync(join(noGit, '.prettierrc.json'), JSON.stringify({ printWidth: 160 }));
  try {
    const missing = check(noConfig);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^line length: could not read printWidth from \.prettierrc\.json \(.*\); run this from the repository root\.\n$/);

    assert.deepEqual(check(badWidth), {
      status: 1,
      stderr: 'line length: printWidth in .prettierrc.json is "160"; set it to a positive whole number.\n',
    });

    const outside = check(noGit);
    assert.equal(outside.status, 1);
    assert.match(
      outside.stderr,
      /^line length: git could not list the files \(.*not a git repository.*\); run this in a git checkout of the repository\.\n$/is,
    );
  } finally {
    for (const d of [noConfig, badWidth, noGit]) rmSync(d, { recursive: true, force: true });
  }
});
