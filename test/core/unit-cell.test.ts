import { describe, expect, it } from 'vitest';
import { COLLECTIVE_PATTERNS, collectiveOf, MAX_JOINT_LEADS, normaliseUnitName, outsideBrackets, parseUnitCell, UNIT_NOTE_MESSAGES } from '../../src/core/unit-cell.js';

const names = (refs: { name: string }[]) => refs.map((r) => r.name);

describe('normaliseUnitName', () => {
  it.each([
    [' 区 财政局 ', '区财政局'],
    ['区\u00A0财政局\u200B', '区财政局'],
    ['县发改局(粮食局)', '县发改局（粮食局）'],
    ['ＸＸ县发改局', 'XX县发改局'],
    ['区财政局。', '区财政局'],
    ['★区财政局', '区财政局'],
  ])('%j → %s', (raw, want) => expect(normaliseUnitName(raw)).toBe(want));
});

describe('collectives', () => {
  it('every example in the pattern table is recognised', () => {
    for (const p of COLLECTIVE_PATTERNS) for (const e of p.examples) expect(collectiveOf(e), e).not.toBeNull();
  });
  it.each([
    ['各镇人民政府', '乡镇'], ['各乡镇（街道）', '乡镇街道'], ['各乡镇(街道)', '乡镇街道'], ['区政府有关部门', '部门'], ['县直各有关单位', '部门'],
    ['各县市区政府', '县市区'], ['各县（市、区）人民政府', '县市区'], ['相关单位', undefined], ['各有关部门', '部门'], ['市级各有关部门', '部门'], ['各街道办事处', '街道'],
  ])('%s → %s', (name, kind) => {
    expect(collectiveOf(name)).toEqual(kind ? { name: normaliseUnitName(name), unitKind: kind } : { name });
  });
  it.each(['区财政局', '县发改局', '区政府办', '县政务服务中心', '区税务局', '市场监管局', '各庄镇人民政府'])('%s is a unit', (name) => {
    expect(collectiveOf(name)).toBeNull();
  });
});

describe('parseUnitCell', () => {
  it('separators 、，,；; and line breaks mixed', () => {
    const r = parseUnitCell('区财政局、区税务局，区发改局,区住建局；区民政局;区公安局\n区教育局\r\n区卫健委', 'co');
    expect(names(r.cos)).toEqual(['区财政局', '区税务局', '区发改局', '区住建局', '区民政局', '区公安局', '区教育局', '区卫健委']);
    expect(r.leads).toEqual([]);
  });

  it('several leads in a 牵头 column are a joint lead (up to three)', () => {
    const r = parseUnitCell('区财政局、区税务局');
    expect(names(r.leads)).toEqual(['区财政局', '区税务局']);
    expect(r.notes).toContain('joint-lead');
    expect(r.notes).not.toContain('too-many-leads');
    expect(parseUnitCell('甲局、乙局、丙局、丁局').notes).toContain('too-many-leads');
    expect(MAX_JOINT_LEADS).toBe(3);
    expect(UNIT_NOTE_MESSAGES['too-many-leads']).toContain('最多 3 个');
  });

  it('X牵头，Y、Z配合 splits lead and co-units', () => {
    const r = parseUnitCell('区政务服务局牵头，区发改局、区住建局配合', 'co');
    expect(names(r.leads)).toEqual(['区政务服务局']);
    expect(names(r.cos)).toEqual(['区发改局', '区住建局']);
    expect(r.notes).toEqual(['lead-and-co-split']);
  });

  it('X、Y牵头，Z配合 — a joint lead with a co-unit', () => {
    const r = parseUnitCell('区财政局、区税务局牵头，区发改局配合');
    expect(names(r.leads)).toEqual(['区财政局', '区税务局']);
    expect(names(r.cos)).toEqual(['区发改局']);
  });

  it('…牵头，市级各有关部门按职责分工负责 → lead + collective co', () => {
    const r = parseUnitCell('市发改委牵头，市级各有关部门按职责分工负责');
    expect(names(r.leads)).toEqual(['市发改委']);
    expect(r.cos).toEqual([]);
    expect(r.collectives).toEqual([{ kind: 'collective', name: '市级各有关部门', unitKind: '部门', role: 'co' }]);
  });

  it('共同负责 / 分别负责 are leads; 按职责分工 is co', () => {
    expect(names(parseUnitCell('区财政局、区税务局共同负责', 'co').leads)).toEqual(['区财政局', '区税务局']);
    expect(names(parseUnitCell('区财政局、区税务局分别负责', 'co').leads)).toEqual(['区财政局', '区税务局']);
    const r = parseUnitCell('区财政局牵头，区税务局、区审计局按职责分工');
    expect(names(r.cos)).toEqual(['区税务局', '区审计局']);
  });

  it('units after a named lead without a role word are co-units', () => {
    const r = parseUnitCell('由区委编办牵头，区司法局、区财政局');
    expect(names(r.leads)).toEqual(['区委编办']);
    expect(names(r.cos)).toEqual(['区司法局', '区财政局']);
  });

  it('区财政局（牵头）、区税务局 and prefixes 牵头单位：… 配合单位：…', () => {
    const a = parseUnitCell('区税务局、区财政局（牵头）', 'co');
    expect(names(a.leads)).toEqual(['区财政局']);
    expect(names(a.cos)).toEqual(['区税务局']);
    const b = parseUnitCell('牵头单位：区财政局\n配合单位：区税务局、区审计局');
    expect(names(b.leads)).toEqual(['区财政局']);
    expect(names(b.cos)).toEqual(['区税务局', '区审计局']);
  });

  it('a co column without role words gives co-units; with 牵头 it still names the lead', () => {
    expect(names(parseUnitCell('区税务局、区审计局', 'co').cos)).toEqual(['区税务局', '区审计局']);
    expect(names(parseUnitCell('区审计局牵头', 'co').leads)).toEqual(['区审计局']);
  });

  it('parenthesised alias', () => {
    const r = parseUnitCell('县发改局(粮食局)、县委办（县政府办）');
    expect(r.leads).toEqual([{ name: '县发改局', alias: '粮食局' }, { name: '县委办', alias: '县政府办' }]);
    expect(r.notes).toContain('alias');
  });

  it('trailing 等 / 等有关部门 stripped', () => {
    const r = parseUnitCell('区发改局、区财政局等有关部门', 'co');
    expect(names(r.cos)).toEqual(['区发改局', '区财政局']);
    expect(names(parseUnitCell('区发改局等').leads)).toEqual(['区发改局']);
    expect(r.notes).toContain('etc-stripped');
  });

  it('collectives instead of units, in any role; separators inside brackets do not split', () => {
    const r = parseUnitCell('各县（市、区）政府、县直各有关单位');
    expect(r.leads).toEqual([]);
    expect(r.collectives).toEqual([
      { kind: 'collective', name: '各县（市、区）政府', unitKind: '县市区', role: 'lead' },
      { kind: 'collective', name: '县直各有关单位', unitKind: '部门', role: 'lead' },
    ]);
    expect(parseUnitCell('区农业农村局、各镇人民政府', 'co').collectives).toEqual([{ kind: 'collective', name: '各镇人民政府', unitKind: '乡镇', role: 'co' }]);
  });

  it('spaces between full names separate; a spaced-out name does not split', () => {
    expect(names(parseUnitCell('区财政局 区税务局').leads)).toEqual(['区财政局', '区税务局']);
    expect(names(parseUnitCell('区 财政局').leads)).toEqual(['区财政局']);
  });

  it('a unit named as lead and as co-unit is a lead; repeats dropped; blanks ignored', () => {
    const r = parseUnitCell('区财政局牵头，区财政局、区税务局、区税务局配合');
    expect(names(r.leads)).toEqual(['区财政局']);
    expect(names(r.cos)).toEqual(['区税务局']);
    expect(parseUnitCell('')).toEqual({ leads: [], cos: [], collectives: [], notes: [] });
    expect(parseUnitCell('、，\n')).toEqual({ leads: [], cos: [], collectives: [], notes: [] });
    expect(parseUnitCell(null).leads).toEqual([]);
  });

  // Found by a breaker (2026-11-30) on cells written as officials number lists in published ledgers.
  it('list numbers before units separate them and are not part of a name (1. 1、 一、 （一） (1) ①)', () => {
    for (const cell of ['①县财政局②县税务局', '1.县财政局\n2.县税务局', '1、县财政局；2、县税务局', '（一）县财政局（二）县税务局', '一、县财政局 二、县税务局', '(1)县财政局、(2)县税务局']) {
      expect(names(parseUnitCell(cell).leads), cell).toEqual(['县财政局', '县税务局']);
    }
    // Numbers that belong to a name stay.
    for (const name of ['县第1.5中学', '县一中', '2026年度考核办', '12345']) expect(names(parseUnitCell(name).leads)).toEqual([name]);
  });

  it('a role in 【】 or 〔〕 before or after the name; （等）; a name wholly in brackets; 各镇（街道）人民政府 is a collective', () => {
    for (const cell of ['县财政局【牵头】、县税务局', '【牵头】县财政局、县税务局', '〔牵头〕县财政局，县税务局']) {
      const r = parseUnitCell(cell);
      expect([names(r.leads), names(r.cos)], cell).toEqual([['县财政局'], ['县税务局']]);
    }
    expect(names(parseUnitCell('县财政局（等）').leads)).toEqual(['县财政局']);
    expect(names(parseUnitCell('（县财政局）').leads)).toEqual(['县财政局']);
    expect(names(parseUnitCell('（县财政局、县税务局）').leads)).toEqual(['县财政局', '县税务局']);
    // Property-test counterexample: an item wholly in brackets holding a separator is split, not kept with it.
    expect(names(parseUnitCell('（镇有,头政)').leads)).toEqual(['镇有', '头政']);
    expect(parseUnitCell('各镇（街道）人民政府').collectives.map((c) => c.unitKind)).toEqual(['乡镇街道']);
  });

  it('nested brackets as deep as a cell can hold parse in linear time (32,767 characters)', () => {
    const deep = '（'.repeat(16383) + '）'.repeat(16383);
    const t = performance.now();
    expect(parseUnitCell(deep).leads).toEqual([]);
    expect(outsideBrackets(`县${'（县'.repeat(16000)}${'）'.repeat(16000)}政府`)).toBe('县政府');
    // Generous: the quadratic version took 1.5 s for the first cell alone on this machine.
    expect(performance.now() - t).toBeLessThan(1000);
  });

  it('items that say none (无 暂无 待定 不涉及 — ／ N/A) are no unit; a name merely containing 无 stays', () => {
    for (const cell of ['无', '暂无', '待定', '不涉及', '—', '——', '／', '/', 'N/A', '无配合单位', ' 无 ']) expect(parseUnitCell(cell, 'co'), cell).toEqual({ leads: [], cos: [], collectives: [], notes: [] });
    expect(names(parseUnitCell('县财政局、无', 'co').cos)).toEqual(['县财政局']);
    expect(names(parseUnitCell('无锡办事处').leads)).toEqual(['无锡办事处']);
  });
});
