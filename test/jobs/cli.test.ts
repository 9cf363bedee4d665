// `taizhang job --list` and `taizhang job <name> --at … [--dry-run]`.
import { expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildCli, type CliIo } from '../../src/cli/index.js';
import { describeEachDatabase } from '../helpers/db.js';
import { putSetting } from '../../src/db/repos/settings.js';
import { deliveriesByUuid, demoTenant, fakeFeishuFor } from './helpers.js';

function capture(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), isTty: false };
}

describeEachDatabase('taizhang job', (ctx) => {
  const run = async (tenantKey: string, ...args: string[]) => runWith({}, tenantKey, ...args);
  const runWith = async (env: Record<string, string>, tenantKey: string, ...args: string[]) => {
    const io = capture();
    const config = loadConfig({ DATABASE_URL: ctx().target.url, DEFAULT_TENANT_KEY: tenantKey, ...env });
    await buildCli(config, io).parseAsync(args, { from: 'user' });
    return io.lines.join('\n');
  };

  it('--list prints every job with its schedule and recipients', async () => {
    await demoTenant(ctx().prisma, 'cli-list');
    const out = await run('cli-list', 'job', '--list', '--at', '2026-11-21T15:00');
    for (const name of ['reminders', 'overdue', 'nudges', 'digest', 'honour-roll', 'quarterly', 'half-year', 'year-end']) expect(out).toContain(name);
    expect(out).toContain('时间：每个工作日 09:00（含调休上班日）；下次 2026-11-23 09:00');
    expect(out).toContain('时间：每年 7 月第一个工作日 11:00');
    expect(out).toContain('接收：牵头单位改革联络员；红色加送 牵头单位一把手、领衔领导');
  });

  it('--list names each job\'s recipients after the units its plan sends to, from the job\'s settings', async () => {
    const tenant = await demoTenant(ctx().prisma, 'cli-list-units');
    const lineOf = (out: string, job: string) => {
      const lines = out.split('\n');
      const i = lines.findIndex((l) => l.trim().startsWith(`${job} `));
      return lines.slice(i, i + 3).find((l) => l.includes('接收：'))!;
    };
    const out = await run('cli-list-units', 'job', '--list', '--at', '2026-11-21T15:00');
    expect(lineOf(out, 'outposts')).toContain('接收：前哨站单位改革联络员（每个前哨站单位一份建议表单）');
    expect(lineOf(out, 'call-reminders')).toContain('接收：榜单面向的、尚未揭榜的单位改革联络员（揭榜截止前 3、1 个工作日和截止当天）');
    expect(lineOf(out, 'case-collection')).toContain('接收：征集通知 全体工作群；催报 本季度尚未报送案例的单位改革联络员');
    expect(lineOf(out, 'promotion-nudges')).toContain('接收：本月尚未报送推广进展的推广单位改革联络员');
    for (const job of ['outposts', 'call-reminders', 'case-collection', 'promotion-nudges']) expect(lineOf(out, job)).not.toContain('牵头单位');
    expect(lineOf(out, 'reminders')).toContain('接收：牵头单位改革联络员、牵头单位工作群（到期前 5、3、1、0 个工作日）');
    // The office's own settings are what the label says.
    await putSetting(ctx().prisma, tenant.id, 'jobs', { 'call-reminders': { to: ['unitHead', 'office'], daysBefore: [5, 2] } }, 'test');
    const changed = await run('cli-list-units', 'job', '--list', '--at', '2026-11-21T15:00');
    expect(lineOf(changed, 'call-reminders')).toContain('接收：榜单面向的、尚未揭榜的单位一把手、改革办（揭榜截止前 5、2 个工作日和截止当天）');
  });

  it('--dry-run prints exactly what would be sent to whom and writes nothing; a real run queues once', async () => {
    const tenant = await demoTenant(ctx().prisma, 'cli-run');
    const dry = await run('cli-run', 'job', 'reminders', '--at', '2026-11-23T09:00', '--dry-run');
    expect(dry).toContain('临期提醒（reminders）· 时刻 2026-11-23 09:00（北京时间）· 周期 2026-11-23');
    expect(dry).toContain('试运行：将发送 2 条消息，共 2 个接收方');
    expect(dry).toContain('── 1/2 → 萧雨（open_id ou_demo_shenpi_liaison）');
    expect(dry).toContain('【临期提醒：QY-2026-008 还有 5 个工作日到期】（red）');
    expect(dry).toContain('[红色] 连续两个报告周期（2026年9月、2026年10月）没有报送进展');
    expect(dry).toContain('[按钮：填报进展] [按钮：申请延期]');
    expect(dry).toContain('（试运行：未写入发件箱，未发送任何消息）');
    expect(await ctx().prisma.outboxMessage.count({ where: { tenantId: tenant.id } })).toBe(0);

    expect(await run('cli-run', 'job', 'reminders', '--at', '2026-11-23T09:00')).toContain('计划 2 条，新写入发件箱 2 条');
    expect(await run('cli-run', 'job', 'reminders', '--at', '2026-11-23T09:00')).toContain('计划 2 条，新写入发件箱 0 条，2 条此前已发送或已在发件箱，不会重发');
    expect(await run('cli-run', 'job', 'reminders', '--at', '2026-11-23T09:00', '--dry-run')).toContain('〔此前已发送，跳过〕');
    expect(await ctx().prisma.outboxMessage.count({ where: { tenantId: tenant.id } })).toBe(2);
  });

  it('says when the moment is not a working day, and rejects unknown jobs in Chinese', async () => {
    await demoTenant(ctx().prisma, 'cli-holiday');
    const out = await run('cli-holiday', 'job', 'reminders', '--at', '2026-10-03T09:00', '--dry-run');
    expect(out).toContain('提示：2026-10-03（国庆节）不是工作日，定时推送不会在这天发送');
    await expect(run('cli-holiday', 'job', 'remind', '--dry-run')).rejects.toThrow('未知任务「remind」，可用：reminders、overdue');
    await expect(run('cli-holiday', 'job', 'reminders', '--at', '明天')).rejects.toThrow('格式不对');
  });

  it('--send queues and sends from the command line, waiting until delivered', async () => {
    const tenant = await demoTenant(ctx().prisma, 'cli-send');
    const fake = await fakeFeishuFor(ctx().prisma, tenant.id);
    try {
      const env = { FEISHU_APP_ID: fake.appId, FEISHU_APP_SECRET: fake.appSecret, FEISHU_DOMAIN: fake.url, LOG_LEVEL: 'silent' };
      const out = await runWith(env, 'cli-send', 'job', 'digest', '--at', '2026-11-23T08:30', '--send');
      expect(out).toContain('计划 3 条，新写入发件箱 3 条');
      expect(out).toContain('发送完成');
      const rows = await ctx().prisma.outboxMessage.findMany({ where: { tenantId: tenant.id } });
      expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
      const delivered = deliveriesByUuid(fake);
      for (const r of rows) expect(delivered.get(r.uuid)).toBe(1);
    } finally {
      await fake.close();
    }
  });
});
