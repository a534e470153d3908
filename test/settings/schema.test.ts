import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSettings, SETTING_SPECS } from '../../src/settings/schema';
import { settingId } from '../../src/settings/settingId';

const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8'));
const contributed: Record<string, Record<string, unknown>> = pkg.contributes.configuration.properties;
const from = (values: Record<string, unknown>) => readSettings((k) => values[k]);

describe('settings', () => {
  it('package.json declares exactly the keys the reader validates, with the same defaults, enums and bounds', () => {
    assert.deepEqual(
      Object.keys(contributed).sort(),
      Object.keys(SETTING_SPECS)
        .map((k) => settingId(k as keyof typeof SETTING_SPECS))
        .sort(),
    );
    for (const [key, spec] of Object.entries(SETTING_SPECS)) {
      const c = contributed[settingId(key as keyof typeof SETTING_SPECS)];
      assert.deepEqual(c.default, spec.default, `default of ${key}`);
      assert.ok(typeof c.description === 'string' || typeof c.markdownDescription === 'string', `${key} is described`);
      if (spec.type === 'enum') assert.deepEqual(c.enum, [...spec.values], `enum of ${key}`);
      if (spec.type === 'number') {
        assert.equal(c.maximum, spec.max, `maximum of ${key}`);
        assert.equal(spec.exclusiveMin ? c.exclusiveMinimum : c.minimum, spec.min, `minimum of ${key}`);
        assert.equal(c.type, spec.integer ? 'integer' : 'number', `type of ${key}`);
      }
      if (spec.type === 'nullable-number') {
        assert.equal(c.maximum, spec.max, `maximum of ${key}`);
        assert.equal(spec.exclusiveMin ? c.exclusiveMinimum : c.minimum, spec.min, `minimum of ${key}`);
        assert.deepEqual(c.type, ['number', 'null'], `type of ${key}`);
      }
    }
  });

  it('an empty configuration is valid and gives the defaults', () => {
    const { settings, problems } = from({});
    assert.deepEqual(problems, []);
    assert.equal(settings.smallModel, 'toy');
    assert.equal(settings.largeModel.provider, 'local');
    assert.equal(settings.budgets.segmentCap, 128);
    assert.equal(settings.budgets.timeoutMs, undefined);
    assert.equal(settings.policy.seed, undefined);
    assert.equal(settings.temperature, null, "unset: the model's own sampling");
    assert.equal(settings.topP, null);
  });

  it('temperature and top-p accept null and their ranges', () => {
    assert.deepEqual(from({ temperature: null, topP: null }).problems, []);
    const { settings, problems } = from({ temperature: 0, topP: 1 });
    assert.deepEqual(problems, []);
    assert.equal(settings.temperature, 0);
    assert.equal(settings.topP, 1);
    assert.match(from({ topP: 0 }).problems[0]?.message ?? '', /splitreason\.topP is 0; it must be null or a number above 0 to 1\./);
  });

  it('reports each bad value with the key, the value and what it must be', () => {
    const { problems, settings } = from({ temperature: -1, 'budgets.segmentCap': 2.5, device: 'tpu', cueWords: ['Wait', ''], modelHubUrl: 'ftp://x' });
    const byKey = Object.fromEntries(problems.map((p) => [p.key, p.message]));
    assert.deepEqual(Object.keys(byKey).sort(), [
      'splitreason.budgets.segmentCap',
      'splitreason.cueWords',
      'splitreason.device',
      'splitreason.modelHubUrl',
      'splitreason.temperature',
    ]);
    assert.equal(byKey['splitreason.temperature'], 'splitreason.temperature is -1; it must be null or a number from 0 to 2.');
    assert.match(byKey['splitreason.budgets.segmentCap'], /2\.5; it must be an integer from 1 to 4096/);
    assert.match(byKey['splitreason.device'], /"tpu".*one of "auto", "cpu"/);
    assert.match(byKey['splitreason.modelHubUrl'], /http:\/\/ or https:\/\/ URL/);
    assert.equal(settings.temperature, null, "a bad value falls back to its default (the model's own)");
  });

  it('an API provider needs a base URL and a model name', () => {
    const { problems } = from({ 'largeModel.provider': 'openai-chat', 'largeModel.baseUrl': 'localhost:8000' });
    assert.deepEqual(
      problems.map((p) => p.key),
      ['splitreason.largeModel.baseUrl', 'splitreason.largeModel.model'],
    );
    assert.match(problems[0].message, /"localhost:8000".*needs the API's base URL/);
    assert.deepEqual(from({ 'largeModel.provider': 'openai-chat', 'largeModel.baseUrl': 'http://127.0.0.1:8000/v1', 'largeModel.model': 'm' }).problems, []);
  });

  it('policy "always" without a large model is refused', () => {
    const { problems } = from({ policy: 'always', 'largeModel.provider': 'none' });
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /configure a large model or choose another policy/);
  });

  it('timeout seconds become milliseconds and a seed is passed through', () => {
    const { settings } = from({ 'budgets.timeoutSeconds': 1.5, seed: 42, modelHubUrl: 'https://hf-mirror.com/' });
    assert.equal(settings.budgets.timeoutMs, 1500);
    assert.equal(settings.policy.seed, 42);
    assert.equal(settings.modelHubUrl, 'https://hf-mirror.com');
  });

  it('the code names a setting through settingId, so a renamed key cannot leave a message pointing at a setting that is gone', () => {
    const root = join(__dirname, '../..');
    const keys = Object.keys(SETTING_SPECS).map((k) => k.replace(/\./g, '\\.'));
    const handTyped = new RegExp(`splitreason\\.(?:${keys.join('|')})(?![\\w.])`);
    const files = execFileSync('git', ['ls-files', 'src', 'webview'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f.endsWith('.ts'));
    assert.ok(files.length > 100, `git lists the sources (${files.length} files)`);
    const found: string[] = [];
    for (const file of files) {
      readFileSync(join(root, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const code = line.trim();
          if (code.startsWith('*') || code.startsWith('/*') || code.startsWith('//')) return; // comments may name settings
          if (handTyped.test(code)) found.push(`${file}:${i + 1}: ${code}`);
        });
    }
    assert.deepEqual(found, []);
  });
});
