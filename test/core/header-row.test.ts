import { describe, expect, it } from 'vitest';
import { findHeaderRow, MIN_HEADER_FIELDS } from '../../src/core/header-row.js';

const title = '2026年全面深化改革重点任务分工方案';

describe('findHeaderRow', () => {
  it('skips 附件1 and a merged title row; reports the title lines', () => {
    const rows = [
      ['附件1', null, null, null, null],
      [title, title, title, title, title],
      [],
      ['序号', '改革任务', '牵头单位', '责任单位', '完成时限'],
      ['1', '推进审批改革', '区政务服务局', '区发改局', '6月底前'],
    ];
    const m = findHeaderRow(rows)!;
    expect(m).toMatchObject({ index: 3, headerRows: 1, dataStart: 4, score: 5, titleLines: ['附件1', title] });
    expect(m.map.mapping.map((x) => x.field)).toEqual(['序号', '改革事项', '牵头单位', '配合单位', '完成时限']);
  });

  it('the project template (header in row 1) still works', () => {
    const m = findHeaderRow([['编号', '改革事项', '牵头单位', '完成时限'], ['QY-2026-001', 'x', 'y', '2026-06-30']])!;
    expect(m).toMatchObject({ index: 0, dataStart: 1, score: 4, titleLines: [] });
  });

  it('normalised headers count: letter-spacing, line breaks, annotations', () => {
    const m = findHeaderRow([['序  号', '目  标  任  务', '牵头\n单位', '完成时限（年月日）：']])!;
    expect(m.score).toBe(4);
  });

  it('needs a task-title field and at least two fields', () => {
    expect(MIN_HEADER_FIELDS).toBe(2);
    expect(findHeaderRow([['序号', '牵头单位', '完成时限']])).toBeNull();
    expect(findHeaderRow([['重点任务', '说不清']])).toBeNull();
    expect(findHeaderRow([['单位名称', '类型', '上级单位']])).toBeNull();
    expect(findHeaderRow([])).toBeNull();
  });

  it('a row that says the header twice (merged title made of header words) is not a header', () => {
    expect(findHeaderRow([['重点任务', '重点任务', '重点任务']])).toBeNull();
  });

  it('only the first maxScan rows are looked at', () => {
    const rows: unknown[][] = Array.from({ length: 20 }, () => ['说明文字']);
    rows.push(['改革任务', '牵头单位']);
    expect(findHeaderRow(rows)).toBeNull();
    expect(findHeaderRow(rows, 25)?.index).toBe(20);
  });

  it('picks the row with the most fields', () => {
    const m = findHeaderRow([['任务', '备注'], ['序号', '重点任务', '牵头部门', '配合单位', '完成时间']])!;
    expect(m.index).toBe(1);
  });

  it('combines a two-row header under a merged 责任单位', () => {
    const rows = [
      [title, title, title, title, title],
      ['序号', '重点任务', '责任单位', '责任单位', '完成时限'],
      ['序号', '重点任务', '牵头单位', '配合单位', '完成时限'],
      ['1', '推进审批改革', '区政务服务局', '区发改局', '6月底前'],
    ];
    const m = findHeaderRow(rows)!;
    // With merged cells read as the master's value, the lower row is complete on its own.
    expect(m).toMatchObject({ index: 2, headerRows: 1, dataStart: 3, score: 5 });
    expect(m.headers).toEqual(['序号', '重点任务', '牵头单位', '配合单位', '完成时限']);
    expect(m.map.duplicates).toEqual([]);
    const m2 = findHeaderRow([['序号', '重点任务', '责任单位', null], [null, null, '牵头单位', '配合单位'], ['1', 'x', 'y', 'z']])!;
    expect(m2.headers).toEqual(['序号', '重点任务', '牵头单位', '配合单位']);
    expect(m2.dataStart).toBe(2);
  });

  it('a data row below the header is not taken for a second header row', () => {
    const m = findHeaderRow([['序号', '改革任务', '牵头单位'], ['1', '推进审批改革', '区政务服务局']])!;
    expect(m).toMatchObject({ headerRows: 1, dataStart: 1 });
  });
});
