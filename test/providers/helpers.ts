import { ProviderError, type BigModelProvider, type ContinueRequest } from '../../src/providers/types';

export interface Collected {
  text: string;
  pieces: string[];
  error?: ProviderError;
}

/** Reads a continuation to its end, keeping what arrived before any failure. */
export async function collect(provider: BigModelProvider, req: ContinueRequest): Promise<Collected> {
  const pieces: string[] = [];
  try {
    for await (const c of provider.continue(req)) pieces.push(c.text);
  } catch (e) {
    if (!(e instanceof ProviderError)) throw e;
    return { text: pieces.join(''), pieces, error: e };
  }
  return { text: pieces.join(''), pieces };
}

/** A sleep that records the delays the retry wrapper chose and does not wait. */
export function recordingSleep(): { delays: number[]; sleep: (ms: number) => Promise<void> } {
  const delays: number[] = [];
  return { delays, sleep: async (ms) => void delays.push(ms) };
}
