import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeAllocator, naturalCompare, nextCode, normaliseTitle, titleSimilarity, TITLE_SIMILARITY_THRESHOLD } from '../../src/core/task-codes.js';

describe('naturalCompare', () => {
  it('digit runs compare as numbers', () => {
    expect(['QY-2026-10', 'QY-2026-2', 'QY-2026-001', 'QY-2025-99', 'LY-2026-5'].sort(naturalCompare)).toEqual(['LY-2026-5', 'QY-2025-99', 'QY-2026-001', 'QY-2026-2', 'QY-2026-10']);
    expect(['1.10', '1.2', '1.1', '2', '10'].sort(naturalCompare)).toEqual(['1.1', '1.2', '1.10', '2', '10']);
    expect(naturalCompare('a2', 'a02')).toBeLessThan(0);
    expect(naturalCompare('x', 'x')).toBe(0);
    expect(naturalCompare('x', 'x1')).toBeLessThan(0);
  });
  it('is a consistent order (antisymmetric, sorting twice is stable)', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => {
      expect(Math.sign(naturalCompare(a, b))).toBe(-Math.sign(naturalCompare(b, a)) || 0);
      if (naturalCompare(a, b) === 0) expect(a).toBe(b);
    }));
    const codes = Array.from({ length: 30 }, (_, i) => `QY-2026-${i + 1}`);
    expect([...codes].reverse().sort(naturalCompare)).toEqual(codes);
  });
});

describe('codes for a ledger without 编号', () => {
  it('nextCode follows the highest serial of that prefix and year', () => {
    expect(nextCode('QY', 2026, [])).toBe('QY-2026-001');
    expect(nextCode('QY', 2026, ['QY-2026-009', 'qy-2026-7', 'QY-2025-050', 'LY-2026-100', 'QY-2026-X'])).toBe('QY-2026-010');
    expect(nextCode('qy', 2026, ['ＱＹ－２０２６－０４１'])).toBe('QY-2026-042');
    expect(nextCode('QY', 2026, ['QY-2026-999'])).toBe('QY-2026-1000');
  });
  it('an allocator hands out consecutive unique codes', () => {
    const next = codeAllocator('QY', 2026, ['QY-2026-002']);
    const codes = Array.from({ length: 2000 }, () => next());
    expect(codes[0]).toBe('QY-2026-003');
    expect(codes[1999]).toBe('QY-2026-2002');
    expect(new Set(codes).size).toBe(2000);
  });
});

describe('titles for re-import', () => {
  it('normaliseTitle strips numbering, ★, punctuation, whitespace and the trailing 。', () => {
    const want = '深化一件事一次办改革';
    for (const t of ['1.深化“一件事一次办”改革。', '★（一）深化"一件事一次办"改革', '深化 “一件事一次办” 改革', '1.1 深化「一件事一次办」改革；', '深化一件事一次办改革\u200B']) {
      expect(normaliseTitle(t)).toBe(want);
    }
    expect(normaliseTitle('推进5G基站建设')).toBe('推进5g基站建设');
    expect(normaliseTitle(null)).toBe('');
  });

  it('titleSimilarity: 1 for the same title; high for a slight retitle; low for another task', () => {
    expect(titleSimilarity('1.推进审批改革。', '推进审批改革')).toBe(1);
    expect(titleSimilarity('推进工程建设项目审批制度改革', '深入推进工程建设项目审批制度改革')).toBeGreaterThanOrEqual(TITLE_SIMILARITY_THRESHOLD);
    expect(titleSimilarity('推进工程建设项目审批制度改革', '推进工程项目审批制度改革')).toBeGreaterThanOrEqual(TITLE_SIMILARITY_THRESHOLD);
    expect(titleSimilarity('推进工程建设项目审批制度改革', '深化农村集体产权制度改革')).toBeLessThan(TITLE_SIMILARITY_THRESHOLD);
    expect(titleSimilarity('', '')).toBe(0);
    expect(titleSimilarity('甲', '乙')).toBe(0);
  });

  it('titleSimilarity is symmetric and within 0–1', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => {
      const s = titleSimilarity(a, b);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(1);
      expect(titleSimilarity(b, a)).toBeCloseTo(s, 10);
    }));
  });
});
