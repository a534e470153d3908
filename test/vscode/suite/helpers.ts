import * as vscode from 'vscode';
import type { SplitReasonApi } from '../../../src/vscode/api';

export const EXTENSION_ID = 'splitreason.splitreason';

export async function activateExtension(): Promise<SplitReasonApi> {
  const ext = vscode.extensions.getExtension<SplitReasonApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded (is extensionDevelopmentPath the repo root?)`);
  return ext.activate();
}
