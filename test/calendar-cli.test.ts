// `taizhang calendar` as the office and the operator use it: a year with the source of each
// special day, one day, set/unset (per tenant, in the database), Chinese errors with exit code 1,
// and `taizhang job --list` flagging runs in a year whose schedule is not loaded.
import { expect, it } from 'vitest';
import { buildCli, runCli, type CliIo } from '../src/cli/index.js';
import { loadConfig } from '../src/config.js';
import { listAudit } from '../src/db/repos/audit.js';
import { findTenant } from '../src/db/repos/tenants.js';
import { describeEachDatabase } from './helpers/db.js';

function capture(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), isTty: false };
}

describeEachDatabase('taizhang calendar', (ctx) => {
  const run = async (tenantKey: string, ...args: string[]) => {
    const io = capture();
    const config = loadConfig({ DATABASE_URL: ctx().target.url, DEFAULT_TENANT_KEY: tenantKey });
    await buildCli(config, io).parseAsync(args, { from: 'user' });
    return io.lines.join('\n');
  };
  /** Through runCli, as the shell runs it: exit code and stderr. */
  const shell = async (tenantKey: string, ...args: string[]) => {
    const saved = { url: process.env.DATABASE_URL, key: process.env.DEFAULT_TENANT_KEY };
    process.env.DATABASE_URL = ctx().target.url;
    process.env.DEFAULT_TENANT_KEY = tenantKey;
    const io = capture();
    try {
      process.exitCode = undefined;
      const code = await runCli(args, io);
      return { code, out: io.lines.join('\n'), err: io.errors.join('\n') };
    } finally {
      process.exitCode = undefined;
      for (const [k, v] of [['DATABASE_URL', saved.url], ['DEFAULT_TENANT_KEY', saved.key]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  };

  it('2027 (not in the library): the statutory days with their source, and how to load the notice', async () => {
    const out = await run('cal-cli-view', 'calendar', '2027');
    expect(out).toContain('2027 年放假安排：尚未载入——法定节假日已按放假办法推算，调休安排未知');
    expect(out).toContain('注意：2027 年的放假安排尚未载入（chinese-days 仅含至 2026 年）');
    expect(out).toContain('  2027-01-01 周五 放假 元旦〔法定推算〕');
    expect(out).toContain('  2027-02-05 周五 放假 春节〔法定推算〕');
    expect(out).toContain('  2027-10-05 周二 放假 国庆节补假〔法定推算·补假估计〕');
    expect(out).toContain('载入国务院办公厅的通知：taizhang calendar set 2027-02-05~2027-02-13 holiday 春节');
    expect(await run('cal-cli-view', 'calendar', '2027-01-01')).toBe(
      '2027-01-01（周五）：休息日（元旦）〔法定推算〕\n注意：2027 年的放假安排尚未载入（chinese-days 仅含至 2026 年）：法定节假日已按《全国年节及纪念日放假办法》推算（元旦、春节、清明、劳动节、端午、中秋、国庆节，逢周末的补假按惯例排在假期之后），调休安排未知；请改革办载入国务院办公厅公布的 2027 年放假安排（在飞书中向机器人发送「日历 2027-MM-DD 放假」或「日历 2027-MM-DD 上班」）。',
    );
    const known = await run('cal-cli-view', 'calendar', '2026');
    expect(known).toContain('2026 年放假安排：已收录（库数据，chinese-days）');
    expect(known).toContain('  2026-10-10 周六 上班 国庆节调休上班〔库数据〕');
    expect(known).not.toContain('注意');
  });

  it('set / unset: the office loads the notice per tenant; each day shows its new source; audited', async () => {
    const set = await run('cal-cli-set', 'calendar', 'set', '2027-02-05~2027-02-13', 'holiday', '春节');
    expect(set).toContain('已设置 2027-02-11（周四）：休息日（春节）〔改革办设置〕；原为 工作日（工作日）');
    expect(set).toContain('已设置 2027-02-09（周二）：休息日（春节）〔改革办设置〕；原为 休息日（春节补假）');
    expect(set).toContain('共改动 9 天，已记入审计日志');
    expect(await run('cal-cli-set', 'calendar', 'set', '2027-02-20', 'workday', '春节调休')).toContain('已设置 2027-02-20（周六）：工作日（春节调休上班）〔改革办设置〕；原为 休息日（周末）');
    expect(await run('cal-cli-set', 'calendar', 'set', '2027-02-20', '上班', '春节调休')).toBe('2027-02-20：已是这样设置的，未改动');

    const year = await run('cal-cli-set', 'calendar', '2027');
    expect(year).toContain('2027 年放假安排：已由改革办载入');
    expect(year).toContain('  2027-02-12 周五 放假 春节〔改革办设置〕');
    expect(year).toContain('  2027-02-20 周六 上班 春节调休上班〔改革办设置〕');
    expect(year).toContain('  2027-04-05 周一 放假 清明〔法定推算〕');
    expect(year).not.toContain('注意');
    // Other tenants keep the computed calendar.
    expect(await run('cal-cli-other', 'calendar', '2027-02-20')).toMatch(/^2027-02-20（周六）：休息日（周末）\n注意：/);

    expect(await run('cal-cli-set', 'calendar', 'unset', '2027-02-12')).toContain('已删除设置 2027-02-12（周五）：工作日（工作日）；原为 休息日（春节）');
    expect(await run('cal-cli-set', 'calendar', 'unset', '2027-02-12')).toBe('2027-02-12：没有改革办的设置，未改动');

    const tenant = (await findTenant(ctx().prisma, 'cal-cli-set'))!;
    const audit = await listAudit(ctx().prisma, tenant.id, { entity: 'calendar' });
    expect(audit.map((a) => [a.entityId, a.action, a.actor])).toContainEqual(['2027-02-12', 'delete', 'cli']);
    expect(audit).toHaveLength(9 + 1 + 1);
  });

  it('refuses bad input in Chinese with exit code 1 and writes nothing', async () => {
    const cases: [string[], string][] = [
      [['calendar', 'set', '2027-02-30', 'holiday'], '错误：「2027-02-30」不是有效日期（2027 年 2 月没有 30 日）。日期写作 2027-02-06'],
      [['calendar', 'set', '2027-02-11', 'off'], '错误：「off」应为「上班」或「放假」（也可写 workday / holiday），如：taizhang calendar set 2027-02-11 holiday 春节'],
      [['calendar', 'set', '2027-02-13~2027-02-05', 'holiday'], '错误：日期段「2027-02-13~2027-02-05」的结束日早于开始日，应写作 2027-02-05~2027-02-13'],
      [['calendar', 'unset', 'tomorrow'], '错误：「tomorrow」不是日期。日期写作 2027-02-06（也可写 2027/2/6、2027年2月6日，或一段日期 2027-02-05~2027-02-13）'],
      [['calendar', 'set', '2027-02-11'], '错误：缺少参数「kind」'],
      [['calendar', 'nonsense-day'], '错误：「nonsense-day」不是日期。日期写作 2027-02-06（也可写 2027/2/6、2027年2月6日，或一段日期 2027-02-05~2027-02-13）'],
    ];
    for (const [args, err] of cases) expect(await shell('cal-cli-bad', ...args), args.join(' ')).toMatchObject({ code: 1, err });
    const tenant = await findTenant(ctx().prisma, 'cal-cli-bad');
    expect(tenant ? await ctx().prisma.calendarDay.count({ where: { tenantId: tenant.id } }) : 0).toBe(0);
  });

  it('job --list flags a next run in a year whose schedule is not loaded, and stops once it is', async () => {
    const list = await run('cal-cli-jobs', 'job', '--list', '--at', '2026-12-31T12:00');
    // 2026-12-31 12:00: every daily job's next run is in 2027, on 01-04 (01-01 is 元旦).
    expect(list).toContain('时间：每个工作日 09:00（含调休上班日）；下次 2027-01-04 09:00（⚠ 2027 年放假安排未载入：按法定推算，调休未知）');
    expect(list).toContain('时间：每年 1 月第一个工作日 11:00；下次 2027-01-04 11:00（⚠ 2027 年放假安排未载入');
    expect(list).toContain('注意：2027 年的放假安排尚未载入');
    expect(list).toContain('calendar     放假安排载入提醒');
    expect(list).toContain('接收：改革办（次年放假安排既不在库数据中、也未由改革办载入时：12 月第一个工作日起每 7 天一次，载入即停）');
    // A run in a known year carries no mark (the quarterly review's next run, 2027-01-04, does).
    const november = await run('cal-cli-jobs', 'job', '--list', '--at', '2026-11-21T12:00');
    expect(november).toContain('时间：每个工作日 09:00（含调休上班日）；下次 2026-11-23 09:00；错过后');
    expect(november).toContain('下次 2027-01-04 10:30（⚠ 2027 年放假安排未载入');
    // The office loads a 调休 Saturday: runs move onto it and the mark goes.
    await run('cal-cli-jobs', 'calendar', 'set', '2027-01-02', 'workday', '元旦调休');
    const loaded = await run('cal-cli-jobs', 'job', '--list', '--at', '2026-12-31T12:00');
    expect(loaded).toContain('时间：每个工作日 09:00（含调休上班日）；下次 2027-01-02 09:00；');
    expect(loaded).not.toContain('⚠');
  });
});
