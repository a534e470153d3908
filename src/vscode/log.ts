import * as vscode from 'vscode';

/**
 * The "SplitReason" log channel. Every message passes through `redact` first, so that a
 * secret that slipped into an error message (a provider echoing an Authorization header,
 * a URL with a key in its query) never reaches the log.
 */
export interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Adds a secret to the redaction list (the API key once it is read). */
  addSecret(secret: string): void;
  readonly channel: vscode.LogOutputChannel;
}

export function createLog(): Log & vscode.Disposable {
  const channel = vscode.window.createOutputChannel('SplitReason', { log: true });
  const secrets = new Set<string>();
  const redact = (message: string): string => {
    let out = message;
    for (const s of secrets) out = out.split(s).join('[redacted]');
    // Bearer tokens and key-like query parameters from any source, known or not.
    return out.replace(/(Bearer\s+)[^\s"']+/gi, '$1[redacted]').replace(/([?&](?:api[-_]?key|key|token)=)[^&\s"']+/gi, '$1[redacted]');
  };
  return {
    channel,
    info: (m) => channel.info(redact(m)),
    warn: (m) => channel.warn(redact(m)),
    error: (m) => channel.error(redact(m)),
    addSecret: (s) => {
      // Very short strings would redact ordinary words.
      if (s.length >= 8) secrets.add(s);
    },
    dispose: () => channel.dispose(),
  };
}
