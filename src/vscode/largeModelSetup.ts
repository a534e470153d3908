/** "SplitReason: Configure Large Model": choose a provider and fill in what it needs. */
import * as vscode from 'vscode';
import { PROVIDERS, URL_PROVIDERS, type ProviderKind } from '../settings/schema';
import { settingsConfig } from './settings';

const LABELS: Record<ProviderKind, string> = {
  'openai-completions': 'OpenAI-compatible completions API (vLLM, llama.cpp, SplitReason serve, …)',
  'openai-chat': 'OpenAI-compatible chat API',
  'vscode-lm': 'A language model you have in VS Code (e.g. GitHub Copilot), no key needed',
  local: 'A local ONNX model folder (the bundled toy large model by default)',
  none: 'No large model: the small model solves alone',
};

export async function configureLargeModelCommand(): Promise<void> {
  const config = settingsConfig();
  const target = vscode.ConfigurationTarget.Global;
  const pick = await vscode.window.showQuickPick(
    PROVIDERS.map((p) => ({ label: p, detail: LABELS[p] })),
    { title: 'SplitReason: large model provider', placeHolder: `Now: ${config.get('largeModel.provider')}` },
  );
  if (!pick) return;
  const provider = pick.label as ProviderKind;
  if (URL_PROVIDERS.includes(provider)) {
    const baseUrl = await vscode.window.showInputBox({
      title: 'Base URL of the API',
      value: config.get<string>('largeModel.baseUrl') || 'http://127.0.0.1:8000/v1',
      validateInput: (v) => (/^https?:\/\/\S+$/.test(v.trim()) ? undefined : 'An http:// or https:// URL, e.g. https://api.openai.com/v1'),
      ignoreFocusOut: true,
    });
    if (baseUrl === undefined) return;
    const model = await vscode.window.showInputBox({
      title: 'Model name the API serves',
      value: config.get<string>('largeModel.model') ?? '',
      validateInput: (v) => (v.trim() ? undefined : 'The model name, as GET {baseUrl}/models lists it'),
      ignoreFocusOut: true,
    });
    if (model === undefined) return;
    await config.update('largeModel.baseUrl', baseUrl.trim(), target);
    await config.update('largeModel.model', model.trim(), target);
    await config.update('largeModel.provider', provider, target);
    // The last question stays in the quick pick, where the others were: a toast is easy to miss.
    const key = await vscode.window.showQuickPick(
      [
        { label: 'Set API Key', detail: "Kept in VS Code's secret storage, never in settings" },
        { label: 'No Key', detail: 'The API takes requests without one (e.g. a local server)' },
      ],
      { title: 'Does this API need a key?', ignoreFocusOut: true },
    );
    if (key?.label === 'Set API Key') await vscode.commands.executeCommand('splitreason.setApiKey');
    return;
  }
  if (provider === 'vscode-lm') {
    const models = await vscode.lm.selectChatModels();
    if (models.length === 0) {
      void vscode.window.showWarningMessage('VS Code offers no language models here: install and sign in to a chat extension such as GitHub Copilot first.');
      return;
    }
    const m = await vscode.window.showQuickPick(
      models.map((x) => ({ label: x.name, description: `${x.vendor} · ${x.family}`, id: x.id })),
      { title: 'Which model writes the offloaded steps?' },
    );
    if (!m) return;
    await config.update('largeModel.model', m.id, target);
  }
  if (provider === 'local') await config.update('largeModel.model', '', target);
  await config.update('largeModel.provider', provider, target);
}
