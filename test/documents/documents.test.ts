// The Word documents the office sends up, generated from the demo ledger (with issue 16's pilots,
// achievements, cases and promotion plan) on each database, then opened as the zip a .docx is and
// checked: title, numbered headings in 黑体 / 仿宋_GB2312, tables, chart images present.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/clock.js';
import { generateDocument, type DocumentKind } from '../../src/documents/generate.js';
import { loadDemoLedger } from '../../src/demo/load.js';
import { runCli } from '../../src/cli/index.js';
import { describeEachDatabase } from '../helpers/db.js';
import { testApp } from '../helpers/app.js';
import { tempDir } from '../helpers/workbooks.js';

async function open(buffer: Buffer) {
  const zip = await JSZip.loadAsync(buffer);
  const xml = await zip.file('word/document.xml')!.async('string');
  const text = [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
  const media = Object.keys(zip.files).filter((f) => f.startsWith('word/media/'));
  const pngs = await Promise.all(media.map(async (f) => (await zip.file(f)!.async('nodebuffer')).subarray(0, 8)));
  return { xml, text, media, pngs, tables: (xml.match(/<w:tbl>/g) ?? []).length };
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describeEachDatabase('documents', (ctx) => {
  const at = new Date('2026-11-23T01:30:00Z'); // 2026-11-23 09:30 Shanghai
  let gen: (kind: DocumentKind, when?: Date) => ReturnType<typeof generateDocument>;

  beforeAll(async () => {
    const app = await testApp(ctx(), { tenantKey: 'docs', clock: new FixedClock(at) });
    await loadDemoLedger(app);
    const calendar = await app.calendars.calendarFor(app.defaultTenant.id);
    gen = (kind, when = at) => generateDocument(app.db.prisma, kind, { tenantId: app.defaultTenant.id, issuer: '清源县委改革办', at: when, calendar });
  });

  it('half-year 通报: title, issuer and date, numbered 黑体 sections, the unit table, overdue table, a PNG chart', async () => {
    const doc = await gen('half-year', new Date('2026-07-01T02:00:00Z'));
    expect(doc.fileName).toBe('半年一通报-2026-H1.docx');
    const d = await open(doc.buffer);
    expect(d.text).toContain('关于2026年上半年改革任务推进情况的通报');
    expect(d.text).toContain('清源县委改革办　2026年7月1日');
    for (const h of ['一、总体情况', '二、各单位推进情况', '三、工作亮点', '四、存在的问题', '五、下步工作要求', '1.压实责任。']) expect(d.text).toContain(h);
    expect(d.text).toContain('表1　各单位改革任务推进情况');
    expect(d.tables).toBeGreaterThanOrEqual(1);
    expect(d.media).toHaveLength(1);
    expect(d.pngs[0]!.equals(PNG)).toBe(true);
    expect(d.xml).toContain('w:eastAsia="方正小标宋简体"');
    expect(d.xml).toContain('w:eastAsia="黑体"');
    expect(d.xml).toContain('w:eastAsia="仿宋_GB2312"');
    // A4 with the GB/T 9704 margins (37 mm top = 2098 twips).
    expect(d.xml).toMatch(/<w:pgMar [^>]*w:top="2098"/);
  });

  it('year-end 盘总账: classes, per-unit table, lists by class, a pie chart', async () => {
    const d = await open((await gen('year-end', new Date('2027-01-04T03:00:00Z'))).buffer);
    expect(d.text).toContain('2026年度改革任务盘总账情况报告');
    for (const h of ['一、总体情况', '二、分单位对账情况', '三、逐项对账情况', '（一）逾期未完成事项', '（二）待审核销号事项', '（三）结转下年事项']) expect(d.text).toContain(h);
    expect(d.text).toContain('台账共有改革事项 18 项');
    expect(d.tables).toBeGreaterThanOrEqual(2);
    expect(d.media).toHaveLength(1);
    // The three achievements confirmed in 2026 are named.
    expect(d.text).toContain('“五级联动”基层治理工作机制获市委主要领导批示肯定（获上级批示肯定）');
    expect(d.text).not.toContain('省电视台报道'); // pending, not confirmed
  });

  it('推广动态简报: progress by batch, adaptations, common problems, next steps, who has not reported', async () => {
    const d = await open((await gen('brief')).buffer);
    expect(d.text).toContain('改革试点经验复制推广动态简报');
    expect(d.text).toContain('2026年11月（第11期）');
    for (const h of ['一、总体进展', '二、因地制宜的适应性调整', '三、共性问题', '四、下步工作']) expect(d.text).toContain(h);
    expect(d.text).toContain('（一）家庭农场培育提升经验复制推广');
    expect(d.text).toContain('首批推广单位');
    expect(d.text).toContain('重点推广单位');
    expect(d.text).toContain('山区村改“农创园”为分散式庭院经济点');
    expect(d.text).toContain('缺少懂经营的农创客');
    expect(d.text).toContain('本期未报送推广进展');
    expect(d.tables).toBe(1);
    expect(d.media).toHaveLength(1);
  });

  it('案例汇编: theme, contents table, each selected case with the office comment; leads are left out', async () => {
    const doc = await gen('cases');
    expect(doc.fileName).toBe('典型案例汇编-2026-Q4.docx');
    const d = await open(doc.buffer);
    expect(d.text).toContain('2026年第四季度全面深化改革典型案例汇编');
    expect(d.text).toContain('主题：基层治理与便民服务创新');
    expect(d.text).toContain('目　录');
    expect(d.text).toMatch(/一、“五级联动”让基层治理末梢活起来（[^）]+）/);
    expect(d.text).toMatch(/二、“站所合一”打通平安建设最后一公里/);
    expect(d.text).toContain('群众诉求平均办结时间由 7 天缩短到 2.5 天');
    expect(d.text).toContain('1.亮点：机制闭环、责任到格');
    expect(d.text).not.toContain('口袋公园建设中的群众议事');
    // Each case links back to its task and that task's confirmed achievements.
    expect(d.text).toMatch(/关联事项与成果1\.关联事项：QY-2026-007 [^。]*2\.取得的成果：获上级批示肯定——“五级联动”基层治理工作机制获市委主要领导批示肯定/);
    expect(d.tables).toBe(1);
  });
});

describe('taizhang doc', () => {
  const dir = tempDir('taizhang-doc-');
  const saved = process.env.DATABASE_URL;
  beforeAll(() => void (process.env.DATABASE_URL = `file:${path.join(dir, 'doc.db')}`));
  afterAll(() => (saved === undefined ? delete process.env.DATABASE_URL : void (process.env.DATABASE_URL = saved)));

  it('writes each document to --out and refuses an unknown kind in Chinese', async () => {
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l), isTty: false };
    expect(await runCli(['migrate'], io)).toBe(0);
    expect(await runCli(['demo'], io)).toBe(0);
    const file = path.join(dir, 'brief.docx');
    expect(await runCli(['doc', 'brief', '--at', '2026-11-23', '--out', file], io)).toBe(0);
    expect(out.at(-1)).toMatch(/^已生成推广动态简报（2026年11月）：.*brief\.docx（\d+ KB）$/);
    expect((await open(await readFile(file))).text).toContain('家庭农场培育提升经验复制推广');
    expect(await runCli(['doc', 'memo'], io)).toBe(1);
    expect(out.at(-1)).toContain('没有「memo」这种文件');
    process.exitCode = undefined;
  });
});
