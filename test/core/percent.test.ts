import { describe, expect, it } from 'vitest';
import { parsePercent, sharpDrop, PERCENT_DROP_ALERT_POINTS } from '../../src/core/percent.js';

describe('parsePercent (the form box and a chat line)', () => {
  it.each([['60', 60], ['0', 0], ['100', 100], ['６０', 60], ['６０％', 60], ['60%', 60], [' 75 ', 75], ['60.5', 61], ['６０．５', 61], ['+20', 20], ['007', 7]])('%s → %d', (written, value) => {
    expect(parsePercent(written)).toEqual({ ok: true, value });
  });

  it.each([
    ['0x10', '不是数字'], ['1e2', '不是数字'], ['-5%', '不能为负数'], ['-5', '不能为负数'], ['六十', '不是数字'], ['60%%', '不是数字'],
    ['101', '超过了 100%'], ['1000', '超过了 100%'], ['Infinity', '不是数字'], ['NaN', '不是数字'], ['', '0–100'],
  ])('%s is refused: %s', (written, reason) => {
    expect(parsePercent(written)).toMatchObject({ ok: false, reason: expect.stringContaining(reason) });
  });

  it('only a string is read: ["50"], 50 as a number, objects are refused', () => {
    for (const v of [['50'], 50, { v: 50 }, null, true]) expect(parsePercent(v)).toMatchObject({ ok: false, reason: expect.stringContaining('0–100') });
  });
});

describe('sharpDrop', () => {
  it(`flags a fall of ${PERCENT_DROP_ALERT_POINTS} points or more`, () => {
    expect(sharpDrop(75, 60)).toBeNull();
    expect(sharpDrop(75, 55)).toBe(20);
    expect(sharpDrop(80, 10)).toBe(70);
    expect(sharpDrop(null, 10)).toBeNull();
    expect(sharpDrop(50, null)).toBeNull();
    expect(sharpDrop(10, 90)).toBeNull();
  });
});
