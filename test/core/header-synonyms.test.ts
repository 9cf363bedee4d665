import { describe, expect, it } from 'vitest';
import { columnOf, fieldOfHeader, HEADER_SYNONYMS, LEDGER_FIELDS, mapHeaders, normaliseHeader } from '../../src/core/header-synonyms.js';
import { SHEET_COLUMNS } from '../../src/ledger/import/validate.js';

describe('normaliseHeader', () => {
  it.each([
    ['目  标  任  务', '目标任务'],
    ['完成\n时限', '完成时限'],
    ['完成\r\n时限', '完成时限'],
    ['完成\u00A0时限', '完成时限'],
    ['完成\u3000时限', '完成时限'],
    ['完成\u200B时限', '完成时限'],
    ['\uFEFF完成时限\u200C\u200D', '完成时限'],
    ['完成时限（年月日）', '完成时限'],
    ['完成时限(年月日)', '完成时限'],
    ['完成时限【必填】', '完成时限'],
    ['完成时限：', '完成时限'],
    ['完成时限:', '完成时限'],
    ['*牵头单位', '牵头单位'],
    ['★ 改革事项 ★', '改革事项'],
    ['ＮＯ．', 'NO.'],
    ['责任单位\n（牵头单位在前）', '责任单位'],
    ['（备注）', '备注'],
    ['', ''],
  ])('%j → %s', (raw, want) => {
    expect(normaliseHeader(raw)).toBe(want);
  });
  it('accepts exceljs values', () => {
    expect(normaliseHeader({ richText: [{ text: '牵头' }, { text: '单位' }] })).toBe('牵头单位');
    expect(normaliseHeader(null)).toBe('');
    expect(normaliseHeader({ formula: 'A1' })).toBe('');
  });
});

describe('the synonym table', () => {
  it('keeps every header of the project template (台账 sheet) as its own field', () => {
    for (const h of [...SHEET_COLUMNS.台账.required, ...SHEET_COLUMNS.台账.optional]) expect(fieldOfHeader(h)).toBe(h);
  });
  it.each([
    ['序号', '序号'],
    ...['改革任务', '目标任务', '目标与任务', '重点任务', '工作任务', '任务内容', '具体举措', '改革事项'].map((h): [string, string] => [h, '改革事项']),
    ...['牵头单位', '牵头部门', '牵头责任单位', '主责单位'].map((h): [string, string] => [h, '牵头单位']),
    ...['协同责任单位', '配合单位', '参与单位'].map((h): [string, string] => [h, '配合单位']),
    ...['责任领导', '牵头领导', '牵头负责领导', '分管县领导', '分管领导', '牵头区领导', '县级领导', '领衔领导'].map((h): [string, string] => [h, '领衔领导']),
    ...['完成时限', '完成时间', '时间节点', '时限要求'].map((h): [string, string] => [h, '完成时限']),
    ['成果形式', '成果形式'], ['预期成果', '成果形式'], ['责任人', '责任人'], ['备注', '备注'],
    ['责任单位', 'responsible-unit'], ['责任主体', 'responsible-unit'], ['完成时限要求', '完成时限'],
    ['进展情况', null], ['', null],
  ] as [string, string | null][])('%s → %s', (h, field) => {
    expect(fieldOfHeader(h)).toBe(field);
  });
  it('no synonym is listed for two fields, and each field lists itself', () => {
    const seen = new Map<string, string>();
    for (const f of LEDGER_FIELDS) {
      expect(HEADER_SYNONYMS[f].map(normaliseHeader)).toContain(normaliseHeader(f));
      for (const h of HEADER_SYNONYMS[f]) {
        const k = normaliseHeader(h);
        expect(seen.get(k) ?? f).toBe(f);
        seen.set(k, f);
      }
    }
  });
});

describe('mapHeaders', () => {
  it('maps a published header row with annotations, spacing and unknown columns', () => {
    const m = mapHeaders(['序  号', '重点任务', '牵头单位', '责任单位', '完成时限（年月日）', '进展情况', null, '备注：', '分管县领导']);
    expect(m.mapping).toEqual([
      { column: 0, header: '序  号', field: '序号' },
      { column: 1, header: '重点任务', field: '改革事项' },
      { column: 2, header: '牵头单位', field: '牵头单位' },
      { column: 3, header: '责任单位', field: '配合单位', rule: 'responsible-unit-is-co' },
      { column: 4, header: '完成时限（年月日）', field: '完成时限' },
      { column: 7, header: '备注：', field: '备注' },
      { column: 8, header: '分管县领导', field: '领衔领导' },
    ]);
    expect(m.unrecognised).toEqual(['进展情况']);
    expect(m.unrecognisedColumns).toEqual([{ column: 5, header: '进展情况' }]);
    expect(m.duplicates).toEqual([]);
    expect(columnOf(m, '完成时限')).toBe(4);
    expect(columnOf(m, '状态')).toBeUndefined();
  });

  it('责任单位 is the lead when there is no 牵头 column', () => {
    const m = mapHeaders(['序号', '工作任务', '责任单位', '完成时间']);
    expect(m.mapping[2]).toEqual({ column: 2, header: '责任单位', field: '牵头单位', rule: 'responsible-unit-is-lead' });
  });

  it('责任单位 beside both 牵头单位 and 配合单位 is a duplicate that does not displace 配合单位', () => {
    const m = mapHeaders(['改革任务', '责任单位', '牵头单位', '配合单位']);
    expect(m.mapping.find((x) => x.field === '配合单位')).toEqual({ column: 3, header: '配合单位', field: '配合单位' });
    expect(m.duplicates).toEqual([{ field: '配合单位', columns: [3, 1], headers: ['配合单位', '责任单位'] }]);
  });

  it('two columns for one field: the first is read, both are reported', () => {
    const m = mapHeaders(['重点任务', '具体举措', '牵头部门']);
    expect(m.mapping.map((x) => [x.column, x.field])).toEqual([[0, '改革事项'], [2, '牵头单位']]);
    expect(m.duplicates).toEqual([{ field: '改革事项', columns: [0, 1], headers: ['重点任务', '具体举措'] }]);
  });

  it('reads exceljs header cells (rich text) and ignores blanks and unreadable cells', () => {
    const m = mapHeaders([{ richText: [{ text: '牵头' }, { text: '\n单位' }] }, undefined, { formula: 'X' }, 3]);
    expect(m.mapping).toEqual([{ column: 0, header: '牵头\n单位', field: '牵头单位' }]);
    expect(m.unrecognised).toEqual(['3']);
  });
});
