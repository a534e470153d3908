/**
 * Offload triggers (docs/ARCHITECTURE.md §4). `learned` is the paper's method: the small model's own
 * <bigmodel> tag. The others decide from the small model's logits or text, so they work with
 * any small model; `random` is the paper's baseline.
 */
import { seededRandom } from '../engine/random';

export const POLICY_KINDS = ['learned', 'entropy', 'cue', 'random', 'verify', 'learned+verify', 'never', 'always'] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

/** Policies under which the small model's own tags start offloads. */
export const usesTags = (kind: PolicyKind): boolean => kind === 'learned' || kind === 'learned+verify';
/** Policies under which each completed small-model line is checked and a wrong one rewritten by the large model. */
export const usesVerify = (kind: PolicyKind): boolean => kind === 'verify' || kind === 'learned+verify';

export interface PolicySpec {
  kind: PolicyKind;
  /** entropy: offload when next-token entropy (nats) exceeds this; default 2.5 */
  threshold?: number;
  /** random: probability of starting an offload at each small-model token; default 0.02 */
  ratio?: number;
  /** cue: reflection words that start an offload after them */
  words?: string[];
  seed?: number;
}

export const DEFAULT_CUES = ['Wait', 'Hmm', 'But wait', 'Let me check', 'Let me double-check', 'Alternatively'];

/** Decides, token by token, whether to start an offload (tags are handled by the controller). */
export interface OffloadTrigger {
  /** before sampling: what the engine reports about the next token (its entropy, when tracked) */
  beforeToken?(next: { entropy?: number }): boolean;
  /** after new text became visible */
  afterText?(visible: string): boolean;
}

export function validatePolicy(p: PolicySpec): PolicySpec {
  if (!(POLICY_KINDS as readonly string[]).includes(p.kind)) throw new Error(`unknown policy '${p.kind}': use one of ${POLICY_KINDS.join(', ')}`);
  if (p.threshold !== undefined && !(p.threshold >= 0)) throw new Error(`entropy threshold must be ≥ 0 nats, got ${p.threshold}`);
  if (p.ratio !== undefined && !(p.ratio >= 0 && p.ratio <= 1)) throw new Error(`random ratio must be in [0, 1], got ${p.ratio}`);
  return p;
}

export function createTrigger(p: PolicySpec): OffloadTrigger {
  switch (p.kind) {
    case 'entropy': {
      const threshold = p.threshold ?? 2.5;
      return { beforeToken: (next) => next.entropy !== undefined && next.entropy > threshold };
    }
    case 'random': {
      const rand = seededRandom(p.seed ?? 0);
      const ratio = p.ratio ?? 0.02;
      return { beforeToken: () => rand() < ratio };
    }
    case 'cue': {
      const words = p.words?.length ? p.words : DEFAULT_CUES;
      // fire once the word is complete, i.e. on the character after it ("Wait," not "Waiting")
      const pattern = new RegExp(`(?:^|[^\\p{L}])(?:${words.map(escapeRegExp).join('|')})[^\\p{L}]$`, 'u');
      return { afterText: (visible) => pattern.test(visible.slice(-64)) };
    }
    default:
      return {};
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
