// A document covers the period its title names (src/core/document-periods.ts): the rule alone, then
// the Word files generated with an injected clock on each database — in November the half-year
// 通报 is 2026上半年 judged as of 30 June (a task closed in September is still overdue in it), the
// current half-year and year say 截至, in January the 盘总账 is the year just ended — and the CLI.
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/clock.js';
import { documentPeriod } from '../../src/core/document-periods.js';
import { DocumentPeriodError, generateDocument, type DocumentKind } from '../../src/documents/generate.js';
import { loadDemoLedger } from '../../src/demo/load.js';
import { runCli } from '../../src/cli/index.js';
import type { AppContext } from '../../src/app.js';
import { describeEachDatabase } from '../helpers/db.js';
import { testApp } from '../helpers/app.js';
import { tempDir } from '../helpers/workbooks.js';

const textOf = async (buffer: Buffer) => {
  const xml = await (await JSZip.loadAsync(buffer)).file('word/document.xml')!.async('string');
  return [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
};

describe('documentPeriod', () => {
  const pick = (kind: Parameters<typeof documentPeriod>[0], today: string, requested?: string) => {
    const r = documentPeriod(kind, today, requested);
    return r.ok ? [r.period.key, r.asOf, r.partial, r.label] : r.reason;
  };

  it('half-year: the most recent half that has ended, as of its last day; the current one 截至 today', () => {
    expect(pick('half-year', '2026-11-30')).toEqual(['2026-H1', '2026-06-30', false, '2026年上半年']);
    expect(pick('half-year', '2026-07-01')).toEqual(['2026-H1', '2026-06-30', false, '2026年上半年']);
    expect(pick('half-year', '2026-03-10')).toEqual(['2025-H2', '2025-12-31', false, '2025年下半年']);
    expect(pick('half-year', '2026-11-30', '2026-H2')).toEqual(['2026-H2', '2026-11-30', true, '2026年下半年（截至11月30日）']);
    expect(pick('half-year', '2026-11-30', '2026 下半年')).toEqual(['2026-H2', '2026-11-30', true, '2026年下半年（截至11月30日）']);
    expect(pick('half-year', '2026-11-30', '2025上半年')).toEqual(['2025-H1', '2025-06-30', false, '2025年上半年']);
    expect(pick('half-year', '2026-11-30', '2027-H1')).toBe('2027年上半年尚未开始，无法生成。');
    expect(pick('half-year', '2026-11-30', '第三季度')).toContain('看不懂「第三季度」');
  });

  it('year-end: in January the year just ended; from February the current year 截至 today; a year can be named', () => {
    expect(pick('year-end', '2027-01-04')).toEqual(['2026', '2026-12-31', false, '2026年度']);
    expect(pick('year-end', '2027-01-31')).toEqual(['2026', '2026-12-31', false, '2026年度']);
    expect(pick('year-end', '2026-11-30')).toEqual(['2026', '2026-11-30', true, '2026年度（截至11月30日）']);
    expect(pick('year-end', '2026-02-01')).toEqual(['2026', '2026-02-01', true, '2026年度（截至2月1日）']);
    expect(pick('year-end', '2026-11-30', '2025')).toEqual(['2025', '2025-12-31', false, '2025年度']);
    expect(pick('year-end', '2026-11-30', '2027年')).toBe('2027年尚未开始，无法生成。');
  });

  it('brief and cases: the month / quarter of the date, or the one named', () => {
    expect(pick('brief', '2026-11-30')).toEqual(['2026-11', '2026-11-30', true, '2026年11月']);
    expect(pick('brief', '2026-11-30', '2026-10')).toEqual(['2026-10', '2026-10-31', false, '2026年10月']);
    expect(pick('brief', '2026-11-30', '2026年9月')).toEqual(['2026-09', '2026-09-30', false, '2026年9月']);
    expect(pick('brief', '2026-11-30', '2026-13')).toContain('看不懂');
    expect(pick('cases', '2026-11-30')).toEqual(['2026-Q4', '2026-11-30', true, '2026年第四季度']);
    expect(pick('cases', '2026-11-30', '2026q3')).toEqual(['2026-Q3', '2026-09-30', false, '2026年第三季度']);
    expect(pick('cases', '2026-11-30', '2026年第三季度')).toEqual(['2026-Q3', '2026-09-30', false, '2026年第三季度']);
    expect(pick('cases', '2026-11-30', '2027Q1')).toBe('2027年第一季度尚未开始，无法生成。');
  });
});

describeEachDatabase('documents: default periods with an injected clock', (ctx) => {
  const clock = new FixedClock(new Date('2026-11-30T02:00:00Z')); // 2026-11-30 10:00 Shanghai
  let app: AppContext;
  const gen = async (kind: DocumentKind, period?: string) =>
    generateDocument(app.db.prisma, kind, { tenantId: app.defaultTenant.id, issuer: '清源县委改革办', at: clock.now(), calendar: await app.calendars.calendarFor(app.defaultTenant.id), period: period ?? null });

  beforeAll(async () => {
    app = await testApp(ctx(), { tenantKey: 'doc-periods', clock });
    await loadDemoLedger(app);
    // Overdue at the end of June, closed in September: the 上半年 通报 must still show it overdue.
    const task = await app.db.prisma.task.findFirstOrThrow({ where: { tenantId: app.defaultTenant.id, code: 'QY-2026-018' } });
    await app.db.prisma.task.update({
      where: { id: task.id },
      data: { status: '已销号', startDate: '2026-02-01', deadline: '2026-05-29', originalDeadline: null, completedOn: '2026-09-05', closedOn: '2026-09-10' },
    });
  });

  it('half-year in November: 2026年上半年, data as of 30 June — not today\'s status under a 上半年 title', async () => {
    const doc = await gen('half-year');
    expect([doc.fileName, doc.asOf, doc.partial]).toEqual(['半年一通报-2026-H1.docx', '2026-06-30', false]);
    const text = await textOf(doc.buffer);
    expect(text).toContain('关于2026年上半年改革任务推进情况的通报');
    expect(text).toContain('清源县委改革办　2026年11月30日');
    expect(text).toContain('截至2026年6月30日，台账共有改革事项');
    expect(text).toMatch(/表2　逾期未完成事项.*QY-2026-018/);
    // Today it is closed: the current half-year, 截至 today, does not list it as overdue.
    const current = await gen('half-year', '2026-H2');
    expect([current.fileName, current.asOf, current.partial]).toEqual(['半年一通报-2026-H2-截至2026-11-30.docx', '2026-11-30', true]);
    const now = await textOf(current.buffer);
    expect(now).toContain('关于2026年下半年（截至11月30日）改革任务推进情况的通报');
    expect(now).not.toMatch(/逾期未完成事项.*QY-2026-018/);
  });

  it('year-end in November: this year 截至 today (not an empty 2025); unfinished tasks not yet due are 在办, not 结转下年', async () => {
    const doc = await gen('year-end');
    expect([doc.period.key, doc.asOf, doc.partial]).toEqual(['2026', '2026-11-30', true]);
    const text = await textOf(doc.buffer);
    expect(text).toContain('2026年度（截至11月30日）改革任务盘总账情况报告');
    expect(text).toMatch(/台账共有改革事项 1\d 项/);
    expect(text).toContain('在办未到期');
    expect(text).not.toContain('结转下年');
    const last = await textOf((await gen('year-end', '2025')).buffer);
    expect(last).toContain('2025年度改革任务盘总账情况报告');
    await expect(gen('year-end', '2027')).rejects.toThrow(DocumentPeriodError);
  });

  it('year-end in January: the year just ended, as of 31 December, with 结转下年', async () => {
    clock.set(new Date('2027-01-04T03:00:00Z'));
    try {
      const doc = await gen('year-end');
      expect([doc.fileName, doc.asOf, doc.partial]).toEqual(['年终盘总账-2026.docx', '2026-12-31', false]);
      const text = await textOf(doc.buffer);
      expect(text).toContain('2026年度改革任务盘总账情况报告');
      expect(text).not.toContain('截至');
      expect(text).toContain('结转下年');
    } finally {
      clock.set(new Date('2026-11-30T02:00:00Z'));
    }
  });

  it('brief and cases: the month / quarter of the date, or the one named', async () => {
    expect((await gen('brief')).fileName).toBe('推广动态简报-2026-11.docx');
    const october = await gen('brief', '2026-10');
    expect(october.fileName).toBe('推广动态简报-2026-10.docx');
    expect(await textOf(october.buffer)).toContain('2026年10月（第10期）');
    expect((await gen('cases')).fileName).toBe('典型案例汇编-2026-Q4.docx');
    expect(await textOf((await gen('cases', '2026Q3')).buffer)).toContain('本季度暂无入选案例');
  });
});

describe('taizhang doc: default periods', () => {
  const dir = tempDir('taizhang-doc-periods-');
  const saved = process.env.DATABASE_URL;
  beforeAll(() => void (process.env.DATABASE_URL = `file:${path.join(dir, 'doc.db')}`));
  afterAll(() => (saved === undefined ? delete process.env.DATABASE_URL : void (process.env.DATABASE_URL = saved)));

  it('half-year in November names 上半年 and its cut-off; year-end says 截至; --period picks one; a future one is refused', async () => {
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l), isTty: false };
    expect(await runCli(['migrate'], io)).toBe(0);
    expect(await runCli(['demo'], io)).toBe(0);
    expect(await runCli(['doc', 'half-year', '--at', '2026-11-30', '--out', path.join(dir, 'h.docx')], io)).toBe(0);
    expect(out.at(-1)).toMatch(/^已生成半年一通报（2026年上半年，数据截至 2026-06-30）：.*h\.docx/);
    expect(await runCli(['doc', 'year-end', '--at', '2026-11-30', '--out', path.join(dir, 'y.docx')], io)).toBe(0);
    expect(out.at(-1)).toMatch(/^已生成年终盘总账（2026年度（截至11月30日），数据截至 2026-11-30）/);
    expect(await runCli(['doc', 'year-end', '--at', '2026-11-30', '--period', '2025', '--out', path.join(dir, 'y25.docx')], io)).toBe(0);
    expect(out.at(-1)).toMatch(/^已生成年终盘总账（2025年度，数据截至 2025-12-31）/);
    expect(await runCli(['doc', 'half-year', '--at', '2026-11-30', '--period', '2027-H1'], io)).toBe(1);
    expect(out.at(-1)).toContain('2027年上半年尚未开始，无法生成。');
    process.exitCode = undefined;
  });
});
