// Stands in for the VS Code side of a webview (init script, runs before the page's scripts):
// acquireVsCodeApi() records what the page posts; the theme arrives as CSS variables on the
// document and a body class, as VS Code delivers it. It also records CSP violations.
(() => {
  const posted = [];
  let acquired = false;
  window.__posted = posted;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi() may only be called once per page, as in VS Code');
    acquired = true;
    return {
      postMessage: (m) => posted.push(JSON.parse(JSON.stringify(m))),
      getState: () => undefined,
      setState: () => undefined,
    };
  };
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    const source = `${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`;
    window.__cspViolations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample, source });
  });
  const theme = window.__srTheme;
  if (theme) {
    // Before the toolkit reads the theme (on load), as VS Code does before the page runs.
    document.addEventListener('DOMContentLoaded', () => {
      for (const [k, v] of Object.entries(theme.vars)) document.documentElement.style.setProperty(k, v);
      document.body.classList.add(...theme.bodyClasses);
      document.body.dataset.vscodeThemeKind = theme.bodyClasses[0];
      document.body.dataset.vscodeThemeName = theme.name;
    });
  }
})();
