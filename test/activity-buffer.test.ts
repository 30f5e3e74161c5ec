import { describe, expect, it } from 'vitest';
import { type Activity, ActivityBuffer } from '../src/storage/activity-buffer.js';

// The write-behind buffer of last use (src/storage/activity-buffer.ts) when its writer fails.
// (The stores' own writers, a worker thread dying included, are tested in store-conformance.)

describe('activity buffer', () => {
  it('keeps the batch when the write throws at once (a worker thread that cannot be started), and writes it on the next flush', async () => {
    const written: Activity[][] = [];
    let fail = true;
    const buffer = new ActivityBuffer((batch) => {
      if (fail) throw new Error('cannot start the worker');
      written.push(batch);
      return Promise.resolve();
    }, 60_000);
    buffer.record('s1', 1000, '192.0.2.1');
    await expect(buffer.flush()).rejects.toThrow('cannot start the worker');
    expect(buffer.peek('s1')).toEqual({ sessionId: 's1', atMs: 1000, ip: '192.0.2.1' });
    fail = false;
    await buffer.flush();
    expect(written).toEqual([[{ sessionId: 's1', atMs: 1000, ip: '192.0.2.1' }]]);
    expect(buffer.size).toBe(0);
  });
});
