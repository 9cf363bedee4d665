// The CLI as the office uses it: real commands on a real SQLite file, output in Chinese.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/index.js';
import { DEMO_WORKBOOK, editedDemoWorkbook, rowByKey, columnIndex, tempDir } from './helpers/workbooks.js';

/** Sets these environment variables for the enclosing describe block, and restores them after. */
function useEnv(vars: Record<string, string>): void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  beforeAll(() => Object.assign(process.env, vars));
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}

/** One CLI invocation, its output and exit code captured. */
async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  process.exitCode = undefined;
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), isTty: false });
  process.exitCode = undefined;
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('taizhang CLI', () => {
  const dir = tempDir('taizhang-cli-');
  useEnv({ DATABASE_URL: `file:${path.join(dir, 'cli.db')}` });

  it('migrates, imports, re-imports, exports, and checks the calendar', async () => {
    expect((await run('migrate')).out).toMatch(/已应用迁移|数据库已是最新/);
    const first = await run('import', DEMO_WORKBOOK);
    expect(first.code).toBe(0);
    expect(first.out).toContain('事项：新增 18，更新 0，未变 0');
    expect(first.out).toContain('任务交办单');
    expect((await run('import', DEMO_WORKBOOK)).out).toContain('事项：新增 0，更新 0，未变 18');
    const file = path.join(dir, 'out.xlsx');
    const exp = await run('export', file, '--at', '2026-11-21T09:00');
    expect(exp.out).toBe(`已导出 ${file}：事项 18，单位 12，人员 38，节点 9`);
    expect((await run('calendar', '2026-10-10')).out).toBe('2026-10-10（周六）：工作日（国庆节调休上班）〔库数据〕');
    expect((await run('calendar', '2026-10-05')).out).toBe('2026-10-05（周一）：休息日（国庆节）〔库数据〕');
    expect((await run('calendar', '2027')).out).toContain('2027 年放假安排：尚未载入——法定节假日已按放假办法推算，调休安排未知');
  });

  it('reports bad files and bad arguments in Chinese with exit code 1, writing nothing', async () => {
    const bad = await editedDemoWorkbook((wb) => {
      // A 类别 the ledger does not know is now read as part of the section (published ledgers);
      // a 状态 the ledger does not know is still an error.
      rowByKey(wb, '台账', 'QY-2026-001').getCell(columnIndex(wb, '台账', '状态')).value = '随便写的状态';
    });
    expect((await run('tenant', '--tenant', 'cli-bad', '--create', '--name', '检查用改革办')).out).toBe('已新建租户 cli-bad：检查用改革办');
    const r = await run('import', bad, '--tenant', 'cli-bad');
    expect(r.code).toBe(1);
    expect(r.err).toContain('导入失败：发现 1 处错误，未写入任何数据。');
    expect(r.err).toContain('「台账」第 2 行「状态」列：状态「随便写的状态」无效');
    expect((await run('import', bad, '--tenant', 'cli-bad', '--check')).code).toBe(1);
    expect(await run('import', '/no/such/file.xlsx')).toMatchObject({ code: 1, err: '错误：找不到文件：/no/such/file.xlsx' });
    expect(await run('export', 'x.txt')).toMatchObject({ code: 1, err: '错误：导出文件名应以 .xlsx 结尾' });
    expect(await run('export', path.join(dir, 'y.xlsx'), '--at', '2026-13-01')).toMatchObject({ code: 1, err: '错误：时间「2026-13-01」不是有效日期' });
    expect((await run('nonsense')).err).toContain('未知命令「nonsense」');
    // Commander's own words in Chinese: the suggestion and the help headings.
    expect((await run('exprot')).err).toContain('（是不是要输入 export？）');
    const help = (await run('export', '--help')).out;
    expect(help).toMatch(/^用法： taizhang export \[选项\] <file>/);
    expect(help).toContain('参数：');
    expect(help).toContain('选项：');
    expect(help).not.toMatch(/Usage:|Options:|Arguments:|\(default:/);
    // The system's own file errors are said in Chinese too (no ENOENT to an official).
    const missingDir = await run('export', '/no/such/dir/x.xlsx', '--tenant', 'cli-bad');
    expect(missingDir).toMatchObject({ code: 1, err: '错误：找不到文件或目录「/no/such/dir/x.xlsx」，请检查路径（写入时，所在目录须已存在）' });
  });
});

describe('taizhang setting', () => {
  const dir = tempDir('taizhang-cli-set-');
  useEnv({ DATABASE_URL: `file:${path.join(dir, 'set.db')}` });

  it('validates in Chinese, stores, and shows the effective value', async () => {
    const bad = await run('setting', 'supervision', '{"blueWithinWorkingDays":-1}');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('蓝色预警提前天数不能为负数');
    expect((await run('setting', 'nonsense', '{}')).err).toContain('没有这个设置项');
    expect((await run('setting', 'supervision', '{oops')).err).toContain('不是合法的 JSON');
    const ok = await run('setting', 'supervision', '{"blueWithinWorkingDays":3}');
    expect(ok.out).toContain('"blueWithinWorkingDays":3');
    expect(ok.out).toContain('"yellowOverdueMaxWorkingDays":10');
    expect((await run('setting', 'supervision')).out).toContain('"blueWithinWorkingDays": 3');
  });
});

describe('taizhang for a store app (FEISHU_APP_TYPE=isv): every ledger command names its tenant', () => {
  const dir = tempDir('taizhang-cli-isv-');
  useEnv({ DATABASE_URL: `file:${path.join(dir, 'isv.db')}`, FEISHU_APP_TYPE: 'isv' });

  it('refuses to guess the tenant, loads and names ledgers per tenant', async () => {
    const noTenant = await run('import', DEMO_WORKBOOK);
    expect(noTenant.code).toBe(1);
    expect(noTenant.err).toContain('请用 --tenant <tenant_key> 指明租户');
    expect((await run('demo')).err).toContain('请用 --tenant');

    // Tenants are made by Feishu's first event, or explicitly; never by a --tenant on another command.
    expect((await run('tenant', '--tenant', 'tk-qingyuan', '--create', '--name', 'tk-qingyuan')).code).toBe(0);
    expect((await run('tenant', '--tenant', 'tk-beiling', '--create', '--name', '北岭县')).code).toBe(0);
    // Loaded with counts; a tenant still named by its key takes the demo county's office name.
    expect((await run('demo', '--tenant', 'tk-qingyuan')).out).toBe('已载入示范台账（租户 tk-qingyuan：清源县委改革办）\n单位 12，人员 38，事项 18，节点 9，已绑定工作群的单位 7');
    // Another tenant gets its own copy; a tenant that has a ledger is left alone.
    expect((await run('import', DEMO_WORKBOOK, '--tenant', 'tk-beiling')).out).toContain('事项：新增 18');
    expect((await run('demo', '--tenant', 'tk-qingyuan')).out).toBe('租户 tk-qingyuan 已有台账，未载入示范数据');
    expect((await run('tenant', '--tenant', 'tk-beiling', '--name', '北岭县委改革办')).out).toBe('租户 tk-beiling 已改名为「北岭县委改革办」');
    const list = (await run('tenants')).out;
    expect(list).toContain('tk-qingyuan　清源县委改革办　单位 12，人员 38，事项 18');
    expect(list).toContain('tk-beiling　北岭县委改革办　单位 12，人员 38，事项 18');
    const file = path.join(dir, 'beiling.xlsx');
    expect((await run('export', file, '--tenant', 'tk-beiling')).out).toContain('事项 18');
    expect((await run('job', 'reminders', '--tenant', 'tk-beiling', '--at', '2026-11-23T09:00', '--dry-run')).code).toBe(0);
  });

  it('a misspelt --tenant creates nothing: every command names the known tenants and how to create one', async () => {
    const before = (await run('tenants')).out;
    for (const args of [
      ['import', DEMO_WORKBOOK, '--tenant', 'tk-beilin'],
      ['import', DEMO_WORKBOOK, '--tenant', 'tk-beilin', '--check'],
      ['demo', '--tenant', 'tk-beilin'],
      ['export', path.join(dir, 'typo.xlsx'), '--tenant', 'tk-beilin'],
      ['setting', '--tenant', 'tk-beilin'],
      ['job', 'reminders', '--tenant', 'tk-beilin', '--at', '2026-11-23T09:00'],
      ['job', '--list', '--tenant', 'tk-beilin'],
      ['tenant', '--tenant', 'tk-beilin', '--name', '北岭县委改革办'],
      ['calendar', '2027', '--tenant', 'tk-beilin'],
    ]) {
      const r = await run(...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err).toContain('错误：租户「tk-beilin」不存在。已有租户：');
      expect(r.err).toContain('tk-beiling（北岭县委改革办）');
      expect(r.err).toContain('若确要新建，请用 taizhang tenant --tenant tk-beilin --create --name <名称>');
    }
    expect((await run('tenants')).out).toBe(before);
    expect((await run('tenant', '--tenant', 'tk-beiling', '--create', '--name', '又一个')).err).toBe('错误：租户 tk-beiling 已存在（北岭县委改革办）；改名请去掉 --create');
    expect((await run('tenant', '--tenant', 'tk-nanhu', '--create')).err).toBe('错误：新建租户需要 --name <名称>（如 某某县委改革办）');
    expect((await run('tenant', '--tenant', 'tk-nanhu', '--create', '--name', '南湖区委改革办')).out).toBe('已新建租户 tk-nanhu：南湖区委改革办');
    expect((await run('tenants')).out).toContain('tk-nanhu　南湖区委改革办　单位 0，人员 0，事项 0');
  });
});
