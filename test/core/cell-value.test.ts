import { describe, expect, it } from 'vitest';
import { CELL_PROBLEM_MESSAGES, cellDateText, cellText, collapseWhitespace, splitCellList, unwrapCell } from '../../src/core/cell-value.js';

describe('unwrapCell / cellText (exceljs values)', () => {
  it('plain values pass through; strings are not trimmed inside', () => {
    expect(unwrapCell('陆明\n俞悦')).toEqual({ value: '陆明\n俞悦' });
    expect(unwrapCell(12)).toEqual({ value: 12 });
    expect(unwrapCell(true)).toEqual({ value: true });
    expect(unwrapCell(null)).toEqual({ value: null });
    expect(unwrapCell(undefined)).toEqual({ value: null });
  });

  it('a formula without a cached result is null with a problem, never [object Object]', () => {
    expect(unwrapCell({ formula: 'A1&B1' })).toEqual({ value: null, problem: 'formula-without-result' });
    expect(unwrapCell({ sharedFormula: 'C2', result: undefined })).toEqual({ value: null, problem: 'formula-without-result' });
    expect(cellText({ formula: 'A1&B1' })).toEqual({ text: null, problem: 'formula-without-result' });
    expect(CELL_PROBLEM_MESSAGES['formula-without-result']).toContain('公式');
  });

  it('a formula with a result gives the result (text, number, date); an error result is a problem', () => {
    expect(unwrapCell({ formula: 'A1', result: '县发改局' })).toEqual({ value: '县发改局' });
    expect(cellText({ formula: 'A1', result: 3 })).toEqual({ text: '3' });
    expect(cellText({ formula: 'TODAY()', result: new Date(Date.UTC(2026, 5, 30)) })).toEqual({ text: '2026-06-30' });
    expect(unwrapCell({ formula: 'X', result: { error: '#REF!' } })).toEqual({ value: null, problem: 'error-value' });
  });

  it('rich text is concatenated; hyperlinks give their text (also rich)', () => {
    expect(cellText({ richText: [{ text: '区财政局' }, { font: { bold: true }, text: '、区税务局' }] })).toEqual({ text: '区财政局、区税务局' });
    expect(cellText({ text: '政策文件', hyperlink: 'https://example.invalid' })).toEqual({ text: '政策文件' });
    expect(cellText({ text: { richText: [{ text: '链' }, { text: '接' }] }, hyperlink: 'x' })).toEqual({ text: '链接' });
  });

  it('errors and unknown objects are problems, never text', () => {
    expect(cellText({ error: '#N/A' })).toEqual({ text: null, problem: 'error-value' });
    expect(cellText({ foo: 1 })).toEqual({ text: null, problem: 'unsupported-value' });
    expect(cellText(Number.NaN)).toEqual({ text: null, problem: 'unsupported-value' });
    expect(cellText(new Date('x'))).toEqual({ text: null, problem: 'unsupported-value' });
    for (const v of [{}, [], { a: { b: 1 } }, Symbol('s'), () => 1]) expect(String(cellText(v).text)).not.toContain('object');
  });

  it('dates are the date shown in the cell, even at 16:00 or later', () => {
    expect(cellDateText(new Date(Date.UTC(2026, 11, 15, 17, 30)))).toBe('2026-12-15');
    expect(cellDateText(new Date(Date.UTC(2026, 11, 15, 23, 59)))).toBe('2026-12-15');
    expect(cellText(new Date(Date.UTC(2026, 11, 31, 16, 0))).text).toBe('2026-12-31');
  });

  it('text is trimmed, CRLF becomes LF, empty is null, booleans are 是/否', () => {
    expect(cellText('  县发改局 \r\n 县财政局  ')).toEqual({ text: '县发改局 \n 县财政局' });
    expect(cellText('   ')).toEqual({ text: null });
    expect(cellText(false)).toEqual({ text: '否' });
  });
});

describe('splitCellList', () => {
  it('a line break separates items (whitespace is not collapsed before splitting)', () => {
    expect(splitCellList('陆明\n俞悦')).toEqual(['陆明', '俞悦']);
    expect(splitCellList('陆明\r\n俞悦')).toEqual(['陆明', '俞悦']);
    expect(splitCellList('陆明\u2028俞悦')).toEqual(['陆明', '俞悦']);
  });
  it('mixed separators, repeats and blanks', () => {
    expect(splitCellList('区财政局、区税务局，区发改局,区住建局；区民政局;区公安局\n\n区财政局')).toEqual(['区财政局', '区税务局', '区发改局', '区住建局', '区民政局', '区公安局']);
    expect(splitCellList(null)).toEqual([]);
    expect(splitCellList('、、')).toEqual([]);
  });
  it('inner whitespace of an item collapses to one space', () => {
    expect(splitCellList('a\u00A0\u3000 b\u200B、c')).toEqual(['a b', 'c']);
    expect(collapseWhitespace(' \u200B x \t y ')).toBe('x y');
  });
});
