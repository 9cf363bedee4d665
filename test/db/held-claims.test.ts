import { afterEach, describe, expect, it, vi } from 'vitest';
import { HeldClaims } from '../../src/db/held-claims.js';

describe('HeldClaims', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('renews the held ids every lockMs/3 while any are held, keeps what is owed, stops when all are settled', async () => {
    vi.useFakeTimers();
    const renewed: number[][] = [];
    const held = new HeldClaims<string>(3_000, async (ids) => void renewed.push(ids));
    vi.advanceTimersByTime(5_000);
    expect(renewed).toEqual([]); // nothing held, no heartbeat

    held.hold(1);
    held.hold(2);
    vi.advanceTimersByTime(1_000);
    expect(renewed).toEqual([[1, 2]]);

    held.owe(2, 'sent');
    expect(held.owedFor(2)).toBe('sent');
    expect(held.owedFor(1)).toBeUndefined();
    expect(held.entries()).toEqual([[1, undefined], [2, 'sent']]);

    held.settle(1);
    vi.advanceTimersByTime(1_000);
    expect(renewed).toEqual([[1, 2], [2]]); // an owed row is still ours: renewed too

    held.settle(2);
    expect(held.size).toBe(0);
    vi.advanceTimersByTime(10_000);
    expect(renewed).toHaveLength(2);

    held.hold(3);
    held.stop(); // stops renewing, keeps the row listed
    vi.advanceTimersByTime(10_000);
    expect(renewed).toHaveLength(2);
    expect(held.has(3)).toBe(true);
  });
});
