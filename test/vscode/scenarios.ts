/**
 * The `splitreason.*` settings of the solves the VS Code tests run, written once for the in-host
 * suites (configure) and the workbench tests (setUserSettings): a test names the scenario and
 * the models, and spells out only what it changes.
 */
export type Settings = Record<string, unknown>;

/** The small model alone on the CPU, greedy: `maxTokens` bounds the solve. */
export function smallAlone(smallModel: string, maxTokens: number): Settings {
  return { smallModel, device: 'cpu', 'largeModel.provider': 'none', policy: 'never', temperature: 0, 'budgets.maxTokens': maxTokens };
}

/** Two local models, greedy: the large one writes random steps (a fixed seed), 6 tokens at most each. */
export function localPair(smallModel: string, bigModel: string, maxTokens: number): Settings {
  return {
    smallModel,
    device: 'cpu',
    'largeModel.provider': 'local',
    'largeModel.model': bigModel,
    policy: 'random',
    randomRatio: 0.3,
    seed: 7,
    temperature: 0,
    'budgets.segmentCap': 6,
    'budgets.maxTokens': maxTokens,
  };
}

/** The large model writes every step; `large` holds its `largeModel.*` settings. */
export function bigAlways(smallModel: string, large: Settings, maxTokens: number): Settings {
  return { smallModel, device: 'cpu', ...large, policy: 'always', temperature: 0, 'budgets.maxTokens': maxTokens };
}
