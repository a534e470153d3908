import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bigTemperature, FALLBACK_SAMPLING, folderSampling, smallSampling } from '../../src/models/sampling';

/** A folder with this generation_config.json (none when `gen` is undefined). */
function folder(gen?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'sr-sampling-'));
  if (gen !== undefined) writeFileSync(join(dir, 'generation_config.json'), typeof gen === 'string' ? gen : JSON.stringify(gen));
  return dir;
}
const unset = { temperature: null, topP: null };

describe("sampling defaults (splitreason.temperature / topP unset = the model folder's own)", () => {
  it('do_sample: false means greedy', () => {
    const dir = folder({ eos_token_id: 2, do_sample: false, temperature: 0.9 });
    assert.deepEqual(folderSampling(dir), { temperature: 0 });
    const s = smallSampling(unset, dir);
    assert.equal(s.temperature, 0);
    assert.match(s.source, /generation_config\.json/);
    assert.equal(bigTemperature(unset, dir), 0);
  });

  it("a folder's temperature and top_p are used as given", () => {
    const dir = folder({ do_sample: true, temperature: 0.7, top_p: 0.8 });
    const s = smallSampling(unset, dir);
    assert.deepEqual([s.temperature, s.topP], [0.7, 0.8]);
    assert.equal(bigTemperature(unset, dir), 0.7);
  });

  it('a folder that says nothing about sampling gets the fallback; an API large model its own default', () => {
    for (const dir of [folder(), folder({ bos_token_id: 1, eos_token_id: 2 })]) {
      const s = smallSampling(unset, dir);
      assert.deepEqual([s.temperature, s.topP], [FALLBACK_SAMPLING.temperature, FALLBACK_SAMPLING.topP]);
      assert.equal(s.source, 'the default');
      assert.equal(bigTemperature(unset, dir), FALLBACK_SAMPLING.temperature);
    }
    assert.equal(bigTemperature(unset, undefined), undefined, 'no temperature is sent to an API');
  });

  it('settings the user set win over the folder', () => {
    const dir = folder({ do_sample: false });
    const s = smallSampling({ temperature: 1.2, topP: 0.5 }, dir);
    assert.deepEqual([s.temperature, s.topP, s.source], [1.2, 0.5, 'splitreason.temperature (top-p: splitreason.topP)']);
    assert.equal(bigTemperature({ temperature: 1.2 }, dir), 1.2);
    assert.equal(bigTemperature({ temperature: 0.3 }, undefined), 0.3);
    // Only the unset one comes from the folder.
    const mixed = smallSampling({ temperature: null, topP: 0.5 }, folder({ temperature: 0.4, top_p: 0.9 }));
    assert.deepEqual([mixed.temperature, mixed.topP], [0.4, 0.5]);
  });

  it('out-of-range values in the folder are ignored; broken JSON is a clear error', () => {
    assert.deepEqual(folderSampling(folder({ temperature: -1, top_p: 0 })), {});
    assert.throws(() => folderSampling(folder('{ nope')), /generation_config\.json: not valid JSON .*fix or delete it/);
  });
});
