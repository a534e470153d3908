/** Reading the JSON files of a model folder or checkpoint, with one way of saying a file is broken. */
import { readFileSync } from 'node:fs';

/**
 * A file's JSON. A file that is not JSON throws `Failure` (Error unless the caller has its own
 * kind) naming the file and the parser's complaint, then `advice` (what to do about it) when given.
 */
export function readJsonFile(file: string, advice?: string, Failure: new (message: string) => Error = Error): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Failure(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})${advice ? `; ${advice}` : ''}`);
  }
}
