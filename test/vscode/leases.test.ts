import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { LeasedSlot } from '../../src/vscode/leases';

const settle = () => new Promise((r) => setImmediate(r));

describe('leased models', () => {
  it('a value replaced while borrowed is freed only when the last lease returns', async () => {
    const freed: string[] = [];
    const slot = new LeasedSlot<string>((v) => void freed.push(v));
    await slot.fill('a', async () => 'model-a');
    const first = await slot.borrow('a');
    const second = await slot.borrow('a');
    assert.equal(first?.value, 'model-a');
    await slot.fill('b', async () => 'model-b');
    await settle();
    assert.deepEqual(freed, [], 'still borrowed');
    first!.release();
    first!.release();
    await settle();
    assert.deepEqual(freed, [], 'one lease is still out (a double release does not count twice)');
    second!.release();
    await settle();
    assert.deepEqual(freed, ['model-a']);
    assert.equal(await slot.borrow('a'), undefined, 'the slot now holds b');
    assert.equal((await slot.borrow('b'))?.value, 'model-b');
  });

  it('a value nobody borrows is freed as soon as it is replaced; a failed one leaves the slot', async () => {
    const freed: string[] = [];
    const slot = new LeasedSlot<string>((v) => void freed.push(v));
    await slot.fill('a', async () => 'model-a');
    slot.retire();
    await settle();
    assert.deepEqual(freed, ['model-a']);
    await assert.rejects(
      slot.fill('bad', async () => Promise.reject(new Error('no such folder'))),
      /no such folder/,
    );
    await settle();
    assert.equal(slot.current('bad'), undefined);
  });

  it('disposeAll frees borrowed values too', async () => {
    const freed: string[] = [];
    const slot = new LeasedSlot<string>((v) => void freed.push(v));
    await slot.fill('a', async () => 'model-a');
    await slot.borrow('a');
    await slot.disposeAll();
    assert.deepEqual(freed, ['model-a']);
  });
});
