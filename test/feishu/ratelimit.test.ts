import { describe, expect, it } from 'vitest';
import { SlidingWindowLimiter } from '../../src/feishu/ratelimit.js';
import { classifyResponse } from '../../src/feishu/errors.js';
import { sleep } from './helpers.js';

describe('SlidingWindowLimiter', () => {
  it('allows N per window and counts each call until a window after its release', async () => {
    const limiter = new SlidingWindowLimiter();
    const spec = [{ key: 'k', limit: 3, windowMs: 200 }];
    const t0 = performance.now();
    const starts: number[] = [];
    const run = async () => {
      const p = await limiter.acquire(spec);
      starts.push(performance.now() - t0);
      await sleep(30); // the "request"
      p.release();
    };
    await Promise.all(Array.from({ length: 7 }, run));
    limiter.close();
    expect(starts.slice(0, 3).every((t) => t < 200)).toBe(true); // the 4th cannot start before 225
    // 4th..6th wait for the first three to finish (~30 ms) plus the window (200 ms).
    expect(starts[3]!).toBeGreaterThanOrEqual(225);
    expect(starts[6]!).toBeGreaterThanOrEqual(450);
  });

  it('a waiter blocked on one key does not hold up others, and pause() blocks a key', async () => {
    const limiter = new SlidingWindowLimiter();
    const busy = { key: 'chat:a', limit: 1, windowMs: 500 };
    const app = { key: 'app', limit: 100, windowMs: 1000 };
    (await limiter.acquire([app, busy])).release();
    const t0 = performance.now();
    const blocked = limiter.acquire([app, busy]).then((p) => (p.release(), performance.now() - t0));
    const other = await limiter.acquire([app, { key: 'chat:b', limit: 1, windowMs: 500 }]);
    other.release();
    expect(performance.now() - t0).toBeLessThan(400); // the blocked one needs 450
    expect(await blocked).toBeGreaterThanOrEqual(450);
    limiter.pause('app', 150);
    const t1 = performance.now();
    (await limiter.acquire([app])).release();
    expect(performance.now() - t1).toBeGreaterThanOrEqual(140);
    limiter.close();
  });
});

describe('classifyResponse', () => {
  it('classifies Feishu answers', () => {
    expect(classifyResponse(200, { code: 0, data: { message_id: 'om_1' } }, {}, 1000)).toEqual({ kind: 'ok', messageId: 'om_1' });
    expect(classifyResponse(429, { code: 99991400, msg: 'limit' }, { 'x-ogw-ratelimit-reset': '3' }, 1000)).toMatchObject({ kind: 'rate_limited', scope: 'app', resetMs: 3000 });
    expect(classifyResponse(400, { code: 230020, msg: 'limit' }, {}, 1000)).toMatchObject({ kind: 'rate_limited', scope: 'recipient', resetMs: 1000 });
    expect(classifyResponse(400, { code: 11232, msg: 'x' }, {}, 1000)).toMatchObject({ kind: 'rate_limited', scope: 'app' });
    expect(classifyResponse(400, { code: 230002, msg: 'x' }, {}, 1000)).toMatchObject({ kind: 'permanent', code: 230002 });
    expect(classifyResponse(400, { code: 230053, msg: 'x' }, {}, 1000)).toMatchObject({ kind: 'permanent' });
    expect(classifyResponse(400, { code: 99991663, msg: 'x' }, {}, 1000)).toMatchObject({ kind: 'transient', token: true });
    expect(classifyResponse(503, { code: 1, msg: 'busy' }, {}, 1000)).toMatchObject({ kind: 'transient', status: 503 });
  });
});
