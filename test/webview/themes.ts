/**
 * VS Code theme colours as a webview receives them: CSS variables on the document and a body
 * class. Values are VS Code's defaults for Light Modern, Dark Modern and Dark High Contrast.
 */
export interface Theme {
  name: string;
  bodyClasses: string[];
  vars: Record<string, string>;
}

const common = {
  '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': '"Droid Sans Mono", monospace',
};

export const LIGHT: Theme = {
  name: 'light',
  bodyClasses: ['vscode-light'],
  vars: {
    ...common,
    '--vscode-editor-background': '#ffffff',
    '--vscode-editor-foreground': '#3b3b3b',
    '--vscode-foreground': '#3b3b3b',
    '--vscode-descriptionForeground': '#3b3b3b',
    '--vscode-widget-border': '#e5e5e5',
    '--vscode-charts-purple': '#652d90',
    '--vscode-charts-green': '#388a34',
    '--vscode-errorForeground': '#f85149',
    '--vscode-editorWarning-foreground': '#bf8803',
    '--vscode-textCodeBlock-background': '#f8f8f8',
    '--vscode-focusBorder': '#005fb8',
    '--vscode-button-background': '#005fb8',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-hoverBackground': '#0258a8',
    '--vscode-button-secondaryBackground': '#e5e5e5',
    '--vscode-button-secondaryForeground': '#3b3b3b',
    '--vscode-editorHoverWidget-background': '#f8f8f8',
    '--vscode-editorHoverWidget-foreground': '#3b3b3b',
    '--vscode-editorHoverWidget-border': '#c8c8c8',
  },
};

export const DARK: Theme = {
  name: 'dark',
  bodyClasses: ['vscode-dark'],
  vars: {
    ...common,
    '--vscode-editor-background': '#1f1f1f',
    '--vscode-editor-foreground': '#cccccc',
    '--vscode-foreground': '#cccccc',
    '--vscode-descriptionForeground': '#9d9d9d',
    '--vscode-widget-border': '#313131',
    '--vscode-charts-purple': '#b180d7',
    '--vscode-charts-green': '#89d185',
    '--vscode-errorForeground': '#f85149',
    '--vscode-editorWarning-foreground': '#cca700',
    '--vscode-textCodeBlock-background': '#2b2b2b',
    '--vscode-focusBorder': '#0078d4',
    '--vscode-button-background': '#0078d4',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-hoverBackground': '#026ec1',
    '--vscode-button-secondaryBackground': '#313131',
    '--vscode-button-secondaryForeground': '#cccccc',
    '--vscode-editorHoverWidget-background': '#202020',
    '--vscode-editorHoverWidget-foreground': '#cccccc',
    '--vscode-editorHoverWidget-border': '#454545',
  },
};

export const HIGH_CONTRAST: Theme = {
  name: 'high-contrast',
  bodyClasses: ['vscode-high-contrast'],
  vars: {
    ...common,
    '--vscode-editor-background': '#000000',
    '--vscode-editor-foreground': '#ffffff',
    '--vscode-foreground': '#ffffff',
    '--vscode-descriptionForeground': '#ffffff',
    '--vscode-contrastBorder': '#6fc3df',
    '--vscode-widget-border': '#6fc3df',
    '--vscode-charts-purple': '#b180d7',
    '--vscode-charts-green': '#89d185',
    '--vscode-errorForeground': '#f48771',
    '--vscode-editorWarning-foreground': '#ffd370',
    '--vscode-textCodeBlock-background': '#000000',
    '--vscode-focusBorder': '#f38518',
    '--vscode-button-background': '#000000',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-border': '#6fc3df',
    '--vscode-button-secondaryBackground': '#000000',
    '--vscode-button-secondaryForeground': '#ffffff',
    '--vscode-editorHoverWidget-background': '#0c141f',
    '--vscode-editorHoverWidget-foreground': '#ffffff',
    '--vscode-editorHoverWidget-border': '#6fc3df',
  },
};

export const THEMES = [LIGHT, DARK, HIGH_CONTRAST];

/** '#rrggbb' → [r, g, b]. */
export function hexRgb(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}
