// Fails when a line of source is longer than prettier's printWidth. Prettier keeps that width for
// code but leaves template literals, strings, comments and regexes as long as they were written,
// and it does not format plain .js, media/*.css or shell scripts at all; ESLint's max-len is
// deprecated and cannot read CSS. Files: what git tracks or would add (untracked, not ignored)
// with the extensions below, relative to the current directory (npm runs this at the repository
// root).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CONFIG = '.prettierrc.json';
const PATTERNS = ['*.ts', '*.mjs', '*.js', '*.css', '*.sh'];

function fail(message) {
  console.error(message);
  process.exit(1);
}

let limit;
try {
  limit = JSON.parse(readFileSync(CONFIG, 'utf8')).printWidth;
} catch (e) {
  fail(`line length: could not read printWidth from ${CONFIG} (${e.message}); run this from the repository root.`);
}
if (!Number.isInteger(limit) || limit <= 0) fail(`line length: printWidth in ${CONFIG} is ${JSON.stringify(limit)}; set it to a positive whole number.`);

let files;
try {
  files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...PATTERNS], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
    .split('\0')
    .filter(Boolean);
} catch (e) {
  fail(`line length: git could not list the files (${e.stderr?.toString().trim() || e.message}); run this in a git checkout of the repository.`);
}

const over = [];
for (const file of [...new Set(files)].sort()) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    // a tracked file deleted in the working tree has no lines to check
    if (e.code === 'ENOENT') continue;
    throw e;
  }
  text.split(/\r?\n/).forEach((line, i) => {
    // code points, as an editor counts columns (an emoji is one, not two UTF-16 units)
    const length = [...line].length;
    if (length > limit) over.push(`${file}:${i + 1}: ${length} characters, over the limit of ${limit} (printWidth in ${CONFIG}); break the line.`);
  });
}
if (over.length > 0) {
  fail(`${over.join('\n')}\n${over.length} line${over.length === 1 ? '' : 's'} longer than ${limit} characters.`);
}
