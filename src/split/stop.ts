/**
 * How a solve stops, in one place: a limit or the caller's cancel throws Stop with the solve's
 * end reason; each segment ends with the matching segment reason.
 */
import type { DoneReason, SegmentEndReason } from './events';

export class Stop extends Error {
  constructor(readonly reason: DoneReason) {
    super(reason);
  }
}

/** The solve's end reason for an error a phase threw, or undefined when it is a real failure. */
export function stopReason(e: unknown, aborted: boolean, cancelledByCaller: boolean): DoneReason | undefined {
  if (e instanceof Stop) return e.reason;
  // the solve's own abort (a deadline) or the caller's surfaces as a provider's abort error
  if (aborted) return cancelledByCaller ? 'cancelled' : 'timeout';
  return undefined;
}

/** The segment's end reason when the solve stops inside it. */
export function segmentEndOf(reason: DoneReason): SegmentEndReason {
  return reason === 'eos' ? 'eos' : reason;
}
