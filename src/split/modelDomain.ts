/**
 * What a model folder says it can do: splitreason.json's optional "domain" (docs/ARCHITECTURE.md §2):
 * `{ "description": string, "examples": string[], "pattern"?: string }`. The pattern is a
 * JavaScript regular expression a problem it can solve matches; a problem that does not is
 * told so before it gets a confident guess. A folder without a domain takes any problem.
 */
export interface ModelDomain {
  /** One or two sentences for a student: what the model does. */
  description: string;
  /** Problems of its kind, for the Solve input's placeholder. */
  examples: string[];
  /** Matches the problems it can solve; null: the description is advice, nothing is checked. */
  pattern: RegExp | null;
}

/** The domain a folder's splitreason.json (as read by the engine's readSplitreasonJson) declares, or null when it declares none. */
export function parseModelDomain(source: { file: string; raw: unknown } | undefined): ModelDomain | null {
  if (!source) return null;
  const { file, raw } = source;
  const d = (raw as { domain?: unknown } | null)?.domain;
  if (d === undefined) return null;
  const bad = (what: string): Error =>
    new Error(`${file}: "domain" ${what}; expected {"description": "…", "examples": ["…"], "pattern": "regular expression"}`);
  if (typeof d !== 'object' || d === null || Array.isArray(d)) throw bad('must be an object');
  const { description, examples, pattern } = d as Record<string, unknown>;
  if (typeof description !== 'string' || !description.trim()) throw bad('needs a "description" string');
  if (examples !== undefined && (!Array.isArray(examples) || !examples.every((x) => typeof x === 'string' && x.trim())))
    throw bad('"examples" must be an array of problems (strings)');
  if (pattern !== undefined && typeof pattern !== 'string') throw bad('"pattern" must be a string');
  let re: RegExp | null = null;
  if (typeof pattern === 'string') {
    try {
      re = new RegExp(pattern, 'u');
    } catch (e) {
      throw new Error(`${file}: "domain.pattern" is not a valid JavaScript regular expression (${(e as Error).message})`);
    }
  }
  return { description: description.trim(), examples: (examples as string[] | undefined) ?? [], pattern: re };
}

/** Whether the model can take the problem (surrounding whitespace aside). */
export function inDomain(domain: ModelDomain | null, problem: string): boolean {
  return !domain?.pattern || domain.pattern.test(problem.trim());
}
