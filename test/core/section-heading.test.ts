import { describe, expect, it } from 'vitest';
import { classifyRow, cleanField, cleanTitle, enterSection, sectionLabel, sectionLeaders, stripTaskNumber, type RowContext, type SectionHeading } from '../../src/core/section-heading.js';

// 序号 | 改革任务 | 牵头单位 | 配合单位 | 完成时限
const ctx = { titleColumn: 1, numberColumn: 0 };
const merged = (text: string) => [text, text, text, text, text];
const headingOf = (cells: unknown[], c: RowContext = ctx) => {
  const r = classifyRow(cells, c);
  if (r.kind !== 'heading') throw new Error(`not a heading: ${JSON.stringify(r)}`);
  return r.heading;
};

describe('classifyRow', () => {
  it('blank rows (empty, whitespace, unreadable formula)', () => {
    expect(classifyRow([], ctx)).toEqual({ kind: 'blank' });
    expect(classifyRow([null, '  ', '\n', undefined, { formula: 'A1' }], ctx)).toEqual({ kind: 'blank' });
  });

  it('一、… merged across the table is a level-1 heading', () => {
    expect(headingOf(merged('一、深化财税体制改革'))).toEqual({ level: 1, number: '一', title: '深化财税体制改革', label: '一、深化财税体制改革', leaders: [] });
  });

  it('（一）… and (一)… are level-2 headings, also when only one cell is filled', () => {
    expect(headingOf(merged('（一）优化营商环境'))).toMatchObject({ level: 2, number: '（一）', title: '优化营商环境' });
    expect(headingOf([null, '(二)推进数字政府建设', null, null])).toMatchObject({ level: 2, number: '(二)', title: '推进数字政府建设' });
    expect(headingOf(['第一部分 重点改革任务', null])).toMatchObject({ level: 1, number: '第一部分', title: '重点改革任务' });
  });

  it('names leaders: 一、…（牵头领导：甲、乙）', () => {
    const h = headingOf(merged('一、深化国资国企改革（牵头领导：俞 悦、陆明）'));
    expect(h).toEqual({ level: 1, number: '一', title: '深化国资国企改革', label: '一、深化国资国企改革', leaders: ['俞悦', '陆明'] });
    expect(headingOf(merged('（二）农村改革(责任县领导:张三)')).leaders).toEqual(['张三']);
  });

  it('an unnumbered sub-heading merged across the range (or flagged merged) is a level-3 heading', () => {
    expect(headingOf(merged('营商环境类'))).toMatchObject({ level: 3, number: null, title: '营商环境类', label: '营商环境类' });
    expect(headingOf([null, '营商环境类'], { ...ctx, merged: true })).toMatchObject({ level: 3, number: null });
    expect(headingOf(['营商环境类', null, null], { titleColumn: 1 })).toMatchObject({ level: 3, title: '营商环境类' });
  });

  it('a 序号 cell holding 一 / （一） with the heading text beside it', () => {
    expect(headingOf(['一', '经济体制改革', null, null])).toEqual({ level: 1, number: '一', title: '经济体制改革', label: '一、经济体制改革', leaders: [] });
    expect(headingOf(['（二）', '社会事业改革', '社会事业改革', '社会事业改革'])).toMatchObject({ level: 2, number: '（二）', label: '（二）社会事业改革' });
  });

  it('a heading row may name its leaders in the leader column', () => {
    const c = { titleColumn: 1, numberColumn: 0, leaderColumn: 4 };
    expect(headingOf(['一', '深化经济体制改革', null, null, '俞 悦\n陆明'], c)).toMatchObject({ level: 1, number: '一', title: '深化经济体制改革', leaders: ['俞悦', '陆明'] });
    expect(headingOf([null, '（一）优化营商环境', null, null, '陆明'], c)).toMatchObject({ level: 2, leaders: ['陆明'] });
    expect(headingOf(['营商环境类', '营商环境类', '营商环境类', '营商环境类', '陆明'], c)).toMatchObject({ level: 3, leaders: ['陆明'] });
    expect(classifyRow(['1', '推进审批改革', null, null, '陆明'], c)).toEqual({ kind: 'task' });
    expect(classifyRow([null, '推进审批改革', null, null, '陆明'], c)).toEqual({ kind: 'task' });
  });

  it('task rows: numbered or not, with units; a lone title is a task', () => {
    expect(classifyRow(['1', '推进项目审批改革', '区政务服务局', '区发改局', '2026年6月底前'], ctx)).toEqual({ kind: 'task' });
    expect(classifyRow(['一', '推进项目审批改革', '区政务服务局'], ctx)).toEqual({ kind: 'task' });
    expect(classifyRow([null, '推进项目审批改革', null], ctx)).toEqual({ kind: 'task' });
    // Only a pre-filled 序号 (an empty template row) is nothing to import (workbook breaker, 2026-11-30:
    // each such row stopped the import with 「改革事项为空」).
    expect(classifyRow(['3', null, null], ctx)).toEqual({ kind: 'blank' });
    expect(classifyRow(['3', null, '县财政局'], ctx)).toEqual({ kind: 'task' });
  });

  it('footnotes below the table', () => {
    expect(classifyRow(merged('注：1. 完成时限未注明年份的均为2026年。'), ctx)).toEqual({ kind: 'footnote', text: '注：1. 完成时限未注明年份的均为2026年。' });
    expect(classifyRow(['备注:各单位每月25日前报送进展'], ctx).kind).toBe('footnote');
    expect(classifyRow(['注1．带★为省考核事项'], ctx).kind).toBe('footnote');
    expect(classifyRow(['填报单位：区委改革办'], ctx).kind).toBe('footnote');
    expect(classifyRow([null, '本表由区委改革办负责解释'], ctx).kind).toBe('footnote');
    expect(classifyRow(['※ 带★为省考核事项', null], ctx).kind).toBe('footnote');
    expect(classifyRow(['（注1）完成时限为2026年'], ctx).kind).toBe('footnote');
    // A totals row counts the rows above: not a task without a lead unit (import trial, 2026-11-30).
    for (const row of [['合计', '4项'], ['合  计', null, null, '12'], ['小计', '3项'], ['总计：20项'], ['共计', '']]) expect(classifyRow(row, ctx).kind, JSON.stringify(row)).toBe('footnote');
    expect(classifyRow(['1', '合计收入核算改革', '县财政局'], ctx).kind).toBe('task');
    // A signature row across cells, and the column numbers printed under the header.
    expect(classifyRow(['审核人：', null, '填表人：', null, '联系电话：'], ctx).kind).toBe('footnote');
    expect(classifyRow(['1', '2', '3', '4', '5'], ctx).kind).toBe('footnote');
    expect(classifyRow(['1', '2', '县财政局'], ctx).kind).toBe('task');
  });

  it('the header repeated mid-table (a table printed over pages) is a header row, not a task', () => {
    expect(classifyRow(['序号', '改革任务', '牵头单位', '配合单位', '完成时限'], ctx)).toEqual({ kind: 'header' });
    expect(classifyRow(['序 号', '重点任务', '牵头\n部门', null, null], ctx)).toEqual({ kind: 'header' });
    expect(classifyRow(['1', '推进改革任务', '牵头单位', null, null], ctx)).toEqual({ kind: 'task' });
  });
});

describe('sections', () => {
  const h = (level: 1 | 2 | 3, label: string, leaders: string[] = []): SectionHeading => ({ level, number: null, title: label, label, leaders });
  it('entering a heading closes those of its level or deeper', () => {
    let open: SectionHeading[] = [];
    open = enterSection(open, h(1, '一、甲', ['俞悦']));
    open = enterSection(open, h(2, '（一）乙'));
    expect(sectionLabel(open)).toBe('一、甲 / （一）乙');
    expect(sectionLeaders(open)).toEqual(['俞悦']);
    open = enterSection(open, h(2, '（二）丙', ['陆明']));
    expect(sectionLabel(open)).toBe('一、甲 / （二）丙');
    expect(sectionLeaders(open)).toEqual(['陆明']);
    open = enterSection(open, h(1, '二、丁'));
    expect(sectionLabel(open)).toBe('二、丁');
    expect(sectionLeaders(open)).toEqual([]);
    expect(sectionLabel([])).toBeNull();
  });
});

describe('stripTaskNumber / cleanTitle / cleanField', () => {
  it.each([
    ['1.推进审批改革', '1', '推进审批改革'],
    ['1. 推进审批改革', '1', '推进审批改革'],
    ['1﹒推进审批改革', '1', '推进审批改革'],
    ['1．推进审批改革', '1', '推进审批改革'],
    ['1、推进审批改革', '1', '推进审批改革'],
    ['12)推进审批改革', '12', '推进审批改革'],
    ['1.1推进审批改革', '1.1', '推进审批改革'],
    ['1.1 推进审批改革', '1.1', '推进审批改革'],
    ['1.1.推进审批改革', '1.1', '推进审批改革'],
    ['2.3.1 推进审批改革', '2.3.1', '推进审批改革'],
    ['（一）推进审批改革', '（一）', '推进审批改革'],
    ['(1)推进审批改革', '(1)', '推进审批改革'],
    ['一、推进审批改革', '一', '推进审批改革'],
    ['①推进审批改革', '①', '推进审批改革'],
    ['1.5万亩高标准农田建设', null, '1.5万亩高标准农田建设'],
    ['2026年完成改造', null, '2026年完成改造'],
    ['5G基站建设', null, '5G基站建设'],
    ['推进审批改革', null, '推进审批改革'],
  ])('%s → %s | %s', (text, number, rest) => {
    expect(stripTaskNumber(text)).toEqual({ number, text: rest });
  });

  it('cleanTitle strips ★, the number and the trailing 。', () => {
    expect(cleanTitle('★1.深化“一件事一次办”改革。')).toEqual({ number: '1', title: '深化“一件事一次办”改革' });
    expect(cleanTitle('推进审批改革★')).toEqual({ number: null, title: '推进审批改革' });
    expect(cleanTitle('')).toEqual({ number: null, title: null });
  });

  it('cleanField strips ★ and trailing 。；， but keeps inner punctuation', () => {
    expect(cleanField('出台实施方案。')).toBe('出台实施方案');
    expect(cleanField('方案，制度。；')).toBe('方案，制度');
    expect(cleanField('☆ 。')).toBeNull();
    expect(cleanField(null)).toBeNull();
  });
});
