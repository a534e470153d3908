import type { Page } from 'playwright-core';
import type { CodeServer } from '../codeServer';

export interface UiContext {
  page: Page;
  server: CodeServer;
  artifacts: string;
}
export interface UiTest {
  title: string;
  run(ctx: UiContext): Promise<void>;
}

export const uiTests: UiTest[] = [];
