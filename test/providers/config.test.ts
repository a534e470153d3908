import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProvider, ProviderError, type ProviderConfig } from '../../src/providers';

function configError(config: ProviderConfig, pattern: RegExp): void {
  assert.throws(
    () => createProvider(config),
    (e: unknown) => e instanceof ProviderError && e.kind === 'config' && pattern.test(e.message),
  );
}

test('kind none means no large model', () => {
  assert.equal(createProvider({ kind: 'none' }), undefined);
});

test('settings that cannot work are refused up front, saying what to set', () => {
  configError({ kind: 'bogus' as ProviderConfig['kind'] }, /unknown large-model provider 'bogus': use one of openai-completions, openai-chat, local, none/);
  configError({ kind: 'openai-completions', model: 'm' }, /base URL is not set/);
  configError({ kind: 'openai-completions', baseUrl: 'localhost:8000', model: 'm' }, /must start with http:\/\/ or https:\/\//);
  configError({ kind: 'openai-completions', baseUrl: 'not a url', model: 'm' }, /is not a URL/);
  configError({ kind: 'openai-chat', baseUrl: 'http://127.0.0.1:1/v1' }, /large-model name is not set/);
  configError({ kind: 'openai-chat', baseUrl: 'http://127.0.0.1:1/v1', model: 'm', chatMode: 'x' as 'prefix' }, /unknown chat mode 'x'/);
  configError({ kind: 'openai-chat', baseUrl: 'http://127.0.0.1:1/v1', model: 'm', timeoutMs: -1 }, /timeout must be a positive number/);
  configError({ kind: 'local' }, /needs a model folder/);
  configError({ kind: 'local', modelDir: '/m', device: 'tpu' }, /unknown device 'tpu'/);
});

test('providers are named after what they talk to', () => {
  assert.equal(
    createProvider({ kind: 'openai-completions', baseUrl: 'http://127.0.0.1:8000/v1/', model: 'qwen' })?.name,
    'openai-completions qwen @ http://127.0.0.1:8000/v1',
  );
  assert.equal(
    createProvider({ kind: 'openai-chat', baseUrl: 'https://api.deepseek.com/beta', model: 'deepseek-chat', chatMode: 'prefix' })?.name,
    'openai-chat (prefix) deepseek-chat @ https://api.deepseek.com/beta',
  );
});
