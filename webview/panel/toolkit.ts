/**
 * The one file that uses @vscode/webview-ui-toolkit (archived upstream in January 2025): if it
 * has to go, only this file changes. Its buttons follow the VS Code theme by themselves.
 */
import { provideVSCodeDesignSystem, vsCodeButton } from '@vscode/webview-ui-toolkit';

provideVSCodeDesignSystem().register(vsCodeButton());

export interface ActionButton {
  element: HTMLElement;
  setEnabled(enabled: boolean): void;
}

export function actionButton(label: string, appearance: 'primary' | 'secondary', onClick: () => void): ActionButton {
  const el = document.createElement('vscode-button');
  el.setAttribute('appearance', appearance);
  el.textContent = label;
  el.addEventListener('click', () => {
    if (!el.hasAttribute('disabled')) onClick();
  });
  return {
    element: el,
    setEnabled(enabled) {
      el.toggleAttribute('disabled', !enabled);
    },
  };
}
