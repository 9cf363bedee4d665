import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEADLINE_PHRASES, deadlineInText, endOfMonth, parseDeadline, titleYearOf, YEAR_SOURCE_LABELS } from '../../src/core/deadline-phrase.js';

const ctx = { importYear: 2026 };

describe('parseDeadline: every phrasing of issue 12', () => {
  it.each([
    ['2026年6月底前', '2026-06-30', 'cell'],
    ['2027年6月底前', '2027-06-30', 'cell'],
    ['6月底前', '2026-06-30', 'import'],
    ['6月底完成', '2026-06-30', 'import'],
    ['六月底', '2026-06-30', 'import'],
    ['2026年6月', '2026-06-30', 'cell'],
    ['2026年2月', '2026-02-28', 'cell'],
    ['2028年2月底', '2028-02-29', 'cell'],
    ['2026年底', '2026-12-31', 'cell'],
    ['2026年年底前', '2026-12-31', 'cell'],
    ['2026年', '2026-12-31', 'cell'],
    ['二〇二六年九月底', '2026-09-30', 'cell'],
    ['年底前', '2026-12-31', 'import'],
    ['年内', '2026-12-31', 'import'],
    ['全年', '2026-12-31', 'import'],
    ['上半年', '2026-06-30', 'import'],
    ['下半年', '2026-12-31', 'import'],
    ['2026年上半年', '2026-06-30', 'cell'],
    ['第三季度', '2026-09-30', 'import'],
    ['三季度末', '2026-09-30', 'import'],
    ['第1季度', '2026-03-31', 'import'],
    ['2026年第四季度', '2026-12-31', 'cell'],
    ['2026Q2', '2026-06-30', 'cell'],
    ['2026年6月30日前', '2026-06-30', 'cell'],
    ['6月30日前', '2026-06-30', 'import'],
    ['2026年3月—6月', '2026-06-30', 'cell'],
    ['2026年3月-6月', '2026-06-30', 'cell'],
    ['2026年3月至2027年6月', '2027-06-30', 'cell'],
    ['2026年11月—3月', '2027-03-31', 'cell'],
    ['3—6月', '2026-06-30', 'import'],
    ['2026.6.30', '2026-06-30', 'cell'],
    ['2026/6/30', '2026-06-30', 'cell'],
    ['2026-06-30', '2026-06-30', 'cell'],
    ['２０２６年６月３０日', '2026-06-30', 'cell'],
    ['2026 年 6 月 30 日', '2026-06-30', 'cell'],
    ['2026-12-15 17:30', '2026-12-15', 'cell'],
    ['2026-12-15T17:30:00.000Z', '2026-12-15', 'cell'],
    ['2026.6', '2026-06-30', 'cell'],
    ['2026年6月中旬', '2026-06-20', 'cell'],
    ['2026年6月上旬', '2026-06-10', 'cell'],
    ['6月底前完成初稿，12月底前全面完成', '2026-12-31', 'import'],
    ['2026年底前，6月底前完成方案', '2026-12-31', 'cell'],
    ['6月底前完成，9月起实施', '2026-06-30', 'import'],
    ['3月起草方案，6月底前印发', '2026-06-30', 'import'],
    ['46203', '2026-06-30', 'cell'],
    ['6.30前', '2026-06-30', 'import'],
    ['12/31', '2026-12-31', 'import'],
    ['2026', '2026-12-31', 'cell'],
  ])('%s → %s (year from %s)', (written, due, yearSource) => {
    expect(parseDeadline(written, ctx)).toEqual({ due, asWritten: written.replace(/\s+/g, ' ').trim(), kind: 'date', yearSource });
  });

  it('the year comes from the cell, else the title, else the import', () => {
    expect(parseDeadline('6月底前', { titleYear: 2025, importYear: 2026 })).toMatchObject({ due: '2025-06-30', yearSource: 'title' });
    expect(parseDeadline('2027年6月底前', { titleYear: 2025, importYear: 2026 })).toMatchObject({ due: '2027-06-30', yearSource: 'cell' });
    expect(parseDeadline('年底前', { importYear: 2030 })).toMatchObject({ due: '2030-12-31', yearSource: 'import' });
    expect(Object.keys(YEAR_SOURCE_LABELS).sort()).toEqual(['cell', 'import', 'title']);
  });

  it.each(['长期坚持', '持续推进', '常态化推进', '长期', '常态化', '每月25日前报送', '长期坚持，每年12月底前报送', '每季度末', '每半年', '2026年起', '自3月开始']) ('%s is 长期事项 (no due date)', (written) => {
    expect(parseDeadline(written, ctx)).toEqual({ due: null, asWritten: written, kind: 'longTerm', yearSource: 'cell' });
  });

  it('a date beside a long-term word is a date; 2026年起长期坚持 is long-term', () => {
    expect(parseDeadline('2026年6月底前完成，长期坚持', ctx)).toMatchObject({ due: '2026-06-30', kind: 'date' });
    expect(parseDeadline('2026年起长期坚持', ctx)).toMatchObject({ due: null, kind: 'longTerm' });
  });

  it.each(['待定', '另行通知', '根据上级要求', '起草方案', '即时', '6.31', '完成1.5万亩', '13月底', '2026年2月30日', '0月'])('%s is unparsed and kept as written', (written) => {
    expect(parseDeadline(written, ctx)).toEqual({ due: null, asWritten: written, kind: 'unparsed', yearSource: 'cell' });
  });

  it('Date cells are the date shown — 16:00 and later are not the next day', () => {
    expect(parseDeadline(new Date(Date.UTC(2026, 11, 15, 17, 30)), ctx)).toEqual({ due: '2026-12-15', asWritten: '2026-12-15', kind: 'date', yearSource: 'cell' });
    expect(parseDeadline(new Date(Date.UTC(2026, 11, 31, 16, 0)), ctx)?.due).toBe('2026-12-31');
    expect(parseDeadline(new Date(Date.UTC(2026, 0, 1, 0, 0)), ctx)?.due).toBe('2026-01-01');
    expect(parseDeadline(new Date('nope'), ctx)).toBeNull();
  });

  it('Excel serials (with a time fraction) and years as numbers', () => {
    expect(parseDeadline(46203, ctx)).toEqual({ due: '2026-06-30', asWritten: '2026-06-30', kind: 'date', yearSource: 'cell' });
    expect(parseDeadline(46371.75, ctx)?.due).toBe('2026-12-15');
    expect(parseDeadline(2026, ctx)).toEqual({ due: '2026-12-31', asWritten: '2026', kind: 'date', yearSource: 'cell' });
    expect(parseDeadline(6.3, ctx)).toEqual({ due: null, asWritten: '6.3', kind: 'unparsed', yearSource: 'cell' });
    expect(parseDeadline(Number.NaN, ctx)?.kind).toBe('unparsed');
  });

  it('blank → null; other types → null', () => {
    for (const v of [null, undefined, '', '   ', '\u200B', true, { formula: 'A1' }]) expect(parseDeadline(v, ctx)).toBeNull();
  });

  it('every example in the phrase table parses to a date or (起) long-term', () => {
    for (const p of DEADLINE_PHRASES) for (const e of p.examples) expect(parseDeadline(e, ctx)?.kind, e).toMatch(/date|longTerm/);
  });
});

describe('parseDeadline properties', () => {
  const year = fc.integer({ min: 2000, max: 2099 });
  const month = fc.integer({ min: 1, max: 12 });
  const cnQ = ['一', '二', '三', '四'];

  it('year + month phrasings end on the last day of that month', () => {
    const patterns = [(y: number, m: number) => `${y}年${m}月底前`, (y: number, m: number) => `${y}年${m}月`, (y: number, m: number) => `${y}年${m}月底完成`, (y: number, m: number) => `${y}.${m}`, (y: number, m: number) => `${y}年1月—${m}月`];
    fc.assert(fc.property(year, month, fc.constantFrom(...patterns), (y, m, p) => {
      const r = parseDeadline(p(y, m), { importYear: 2026 })!;
      expect(r.due).toBe(endOfMonth(y, m));
      expect(r.yearSource).toBe('cell');
      expect(r.due!.slice(8)).toBe(String(new Date(Date.UTC(y, m, 0)).getUTCDate()));
    }));
  });

  it('month without a year takes the title year, else the import year', () => {
    fc.assert(fc.property(year, month, fc.option(year, { nil: undefined }), fc.constantFrom('底前', '底', '底完成', '', '末'), (importYear, m, titleYear, tail) => {
      const r = parseDeadline(`${m}月${tail}`, { importYear, titleYear })!;
      expect(r.due).toBe(endOfMonth(titleYear ?? importYear, m));
      expect(r.yearSource).toBe(titleYear === undefined ? 'import' : 'title');
    }));
  });

  it('quarters, halves and years end on the quarter, half or year end', () => {
    fc.assert(fc.property(year, fc.integer({ min: 1, max: 4 }), fc.boolean(), (y, q, withYear) => {
      const pre = withYear ? `${y}年` : '';
      const c = { importYear: y };
      expect(parseDeadline(`${pre}第${cnQ[q - 1]}季度`, c)?.due).toBe(endOfMonth(y, q * 3));
      expect(parseDeadline(`${pre}${cnQ[q - 1]}季度末`, c)?.due).toBe(endOfMonth(y, q * 3));
      expect(parseDeadline(`${pre}上半年`, c)?.due).toBe(`${y}-06-30`);
      expect(parseDeadline(`${pre}下半年`, c)?.due).toBe(`${y}-12-31`);
      expect(parseDeadline(withYear ? `${y}年底` : '年底前', c)?.due).toBe(`${y}-12-31`);
    }));
  });

  it('never throws; unparsed and long-term keep what was written; a due date is a real date', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom(...'0123456789年月日底前季度上下半第一二三四—-./长期内 ') }), fc.double(), fc.date()), (v) => {
      const r = parseDeadline(v, { importYear: 2026 });
      if (r === null) return;
      if (r.kind !== 'date') expect(r.due).toBeNull();
      if (r.kind === 'unparsed' && typeof v === 'string') expect(r.asWritten).toBe(v.replace(/[\u200B-\u200D\u2060\uFEFF\u00AD]/g, '').replace(/\s+/g, ' ').trim());
      if (r.due !== null) expect(r.due).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (r.due !== null) expect(new Date(`${r.due}T00:00:00Z`).toISOString().slice(0, 10)).toBe(r.due);
    }), { numRuns: 500 });
  });
});

describe('deadlineInText and titleYearOf', () => {
  it.each([
    ['5月底前实现企业开办全程网办', { due: '2026-05-31', asWritten: '5月底前' }],
    ['年底前建成数据共享平台', { due: '2026-12-31', asWritten: '年底前' }],
    ['6月底前出台方案，9月底前完成试点', { due: '2026-09-30', asWritten: '9月底前' }],
    ['2027年6月30日前完成验收', { due: '2027-06-30', asWritten: '2027年6月30日前' }],
    ['三季度末完成', { due: '2026-09-30', asWritten: '三季度末完成' }],
  ])('%s → %j', (text, want) => {
    expect(deadlineInText(text, 2026)).toEqual(want);
  });
  it.each(['1.1完成全县清产核资', '推进12个月份的数据归集', '完成率达到90%', '深化5G应用', '', '打造3月花海节品牌'])('%s has none', (text) => {
    expect(deadlineInText(text, 2026)).toBeNull();
  });
  it('titleYearOf', () => {
    expect(titleYearOf('2026年全面深化改革工作要点任务分解')).toBe(2026);
    expect(titleYearOf('二〇二五年度改革台账')).toBe(2025);
    expect(titleYearOf('改革台账')).toBeUndefined();
    expect(titleYearOf(null)).toBeUndefined();
  });
});
