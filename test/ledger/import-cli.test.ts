// `taizhang import --check / --partial`, `taizhang setting codes`, `taizhang demo --layout published`
// as the office runs them (issue 12).
import { expect, it } from 'vitest';
import { buildCli, type CliIo } from '../../src/cli/index.js';
import { loadConfig } from '../../src/config.js';
import { findTenant } from '../../src/db/repos/tenants.js';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { writePublishedWorkbook } from '../../src/demo/published.js';
import { describeEachDatabase } from '../helpers/db.js';
import { publishedDemoRows, publishedWorkbook, type PublishedRow } from '../helpers/workbooks.js';

function capture(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), isTty: false };
}

describeEachDatabase('taizhang import (published layouts)', (ctx) => {
  const run = async (tenantKey: string, ...args: string[]) => {
    const io = capture();
    const config = loadConfig({ DATABASE_URL: ctx().target.url, DEFAULT_TENANT_KEY: tenantKey });
    process.exitCode = undefined;
    await buildCli(config, io).parseAsync(args, { from: 'user' });
    const code = process.exitCode ?? 0;
    process.exitCode = undefined;
    return { out: io.lines.join('\n'), err: io.errors.join('\n'), code };
  };

  it('--check prints the mapping, unrecognised columns, inferred units and leaders, suggestions; writes nothing', async () => {
    const file = await publishedWorkbook({ headers: ['序号', '重点任务', '牵头单位', '责任单位', '牵头领导', '完成时限', '成果形式', '备注', '联系电话'] });
    const { out, code } = await run('cli-check', 'import', '--check', file);
    expect(code).toBe(0);
    expect(out).toContain('工作表「附件」（published.xlsx）：按「台账」读取，表头在第 4 行');
    expect(out).toContain('重点任务（B）→ 改革事项');
    expect(out).toContain('责任单位（D）→ 配合单位（已有牵头单位列，责任单位作配合单位）');
    expect(out).toContain('未识别的列（不导入）：联系电话（I）');
    expect(out).toMatch(/将按台账新建单位 \d+ 个（请改革办确认名称与类型）：县财政局、县税务局/);
    expect(out).toContain('将按台账新建县级领导 2 人（请改革办确认）：陆明、俞悦');
    expect(out).toContain('建议：「附件」第 11 行未填完成时限，任务内容写有「5月底前」');
    expect(out).toContain('检查通过：');
    const { out: tenants } = await run('cli-check', 'tenants');
    expect(tenants).toMatch(/cli-check.*事项 0/);
  });

  it('by default writes nothing while any row has an error; --partial imports the others; codes use the tenant prefix', async () => {
    const rows: PublishedRow[] = [...publishedDemoRows.slice(0, 3), { no: 3, task: '开展改革试点', lead: null, due: '2026年6月' }];
    const file = await publishedWorkbook({ rows });
    await run('cli-partial', 'tenants');
    const set = await run('cli-partial', 'setting', 'codes', '{"prefix":"HX"}');
    expect(set.code).toBe(0);
    const strict = await run('cli-partial', 'import', file);
    expect(strict.code).toBe(1);
    expect(strict.err).toContain('导入失败：发现 1 处错误，未写入任何数据。（可用 --partial 只导入没有错误的行）');
    expect(strict.err).toContain('「附件」第 8 行「牵头单位」列：牵头单位为空');
    const partial = await run('cli-partial', 'import', '--partial', file);
    expect(partial.code).toBe(0);
    expect(partial.out).toContain('导入完成（--partial：1 处错误所在的行已跳过）');
    expect(partial.out).toContain('事项：新增 2，更新 0，未变 0');
    // A second look finds the imported rows by title, with the tenant's prefix.
    const again = await run('cli-partial', 'import', '--check', '--verbose', '--partial', file);
    // --verbose also says which units each row was read with.
    expect(again.out).toMatch(/「附件」第 6 行 → HX-2026-001（标题；牵头：[^）]+）/);
    expect(again.out).toMatch(/「附件」第 7 行 → HX-2026-002（标题；牵头：[^）]+）/);
  });

  it('demo --layout published loads the published-layout demo with QY codes', async () => {
    const { out, code } = await run('cli-demo-pub', 'demo', '--layout', 'published', '--tenant', 'cli-demo-pub');
    // What was loaded, as the template demo says it; the placeholder tenant name becomes the county's office.
    expect([code, out]).toEqual([0, '已载入示范台账（租户 cli-demo-pub：清源县委改革办）\n单位 12，人员 2，事项 9，节点 0，分组 3，已绑定工作群的单位 0']);
    const { prisma } = ctx();
    const tenant = (await findTenant(prisma, 'cli-demo-pub'))!;
    const tasks = await prisma.task.findMany({ where: { tenantId: tenant.id }, orderBy: { codeKey: 'asc' } });
    expect(tasks.map((t) => t.code)).toEqual(Array.from({ length: 9 }, (_, i) => `QY-2026-00${i + 1}`));
    expect(tasks.filter((t) => t.longTerm)).toHaveLength(2);
    expect(new Set(tasks.map((t) => t.section))).toEqual(new Set(['一、经济体制改革', '一、经济体制改革 / （一）农业农村改革', '二、社会治理改革']));
  });

  it('demo --layout published --write writes the shipped workbook, which is what src/demo/published.ts builds', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'taizhang-demo-write-'));
    const file = path.join(dir, '公布格式.xlsx');
    const { out, code } = await run('cli-demo-write', 'demo', '--layout', 'published', '--write', file);
    expect([code, out]).toEqual([0, `已写入 ${file}（公布格式的示范台账；未载入数据库）`]);
    expect(await findTenant(ctx().prisma, 'cli-demo-write')).toBeNull();
    const fresh = path.join(dir, 'fresh.xlsx');
    await writePublishedWorkbook(fresh);
    const cells = async (f: string) => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(f);
      return wb.worksheets.map((ws) => ({ name: ws.name, state: ws.state, merges: ws.model.merges, rows: ws.getSheetValues().map((r) => JSON.stringify(r ?? null)) }));
    };
    const written = await cells(file);
    expect(written).toEqual(await cells(fresh));
    expect(written[0]!.rows.join('')).toContain('清源县2026年全面深化改革重点任务分工方案');
  });
});
