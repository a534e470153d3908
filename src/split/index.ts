export * from './events';
export { solve, DEFAULT_BUDGETS, type Budgets, type SolveOptions } from './controller';
export { POLICY_KINDS, DEFAULT_CUES, validatePolicy, type PolicyKind, type PolicySpec } from './policy';
export { appendAndProbe, referenceHandback, type ProbeResult } from './handback';
export { OPEN_TAG, CLOSE_TAG, HINT_SENTENCE, BOXED_SENTENCE, smallUserMessage, bigUserMessage, renderPrompt, stripTags } from './prompt';
export type { Prices } from './stats';
export { parseSplitConfig, DEFAULT_SPLIT_CONFIG, type SplitConfig } from './splitConfig';
export { withChecks } from './checkEvents';
export { verifyPoint, LineVerifier, type RewindPoint, type VerifyOptions } from './verifyPoint';
