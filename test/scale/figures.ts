// The check every fault scenario ends with (bench/fault-scenarios.ts figures).
import { expect } from 'vitest';
import type { Figures } from '../../bench/fault-scenarios.js';

/** Every event sent was recorded once, no reply went twice, no message ended failed. */
export function expectNothingLostOrDoubled(f: Figures): void {
  expect(f.lost).toBe(0);
  expect(f.duplicates).toBe(0);
  expect(f.recorded).toBe(f.sent);
  expect(f.failedOutbox).toBe(0);
}
