/** The checker's verdicts: one list for the checker, the trace events and the trace-event check (src/split/traceEvent.ts). */
export const VERDICTS = ['correct', 'incorrect', 'unknown'] as const;
export type Verdict = (typeof VERDICTS)[number];
