// `taizhang calendar`: the tenant's working-day calendar — a year's coverage and special days with
// the source of each (库数据 / 法定推算 / 改革办设置 / 配置文件), one day, and the office's entries:
//   taizhang calendar [year | date]
//   taizhang calendar set <date | date~date> workday|holiday [名称]
//   taizhang calendar unset <date | date~date>
// Entries are stored per tenant in the database (audited) and apply at once to every bot instance.
import type { Command } from 'commander';
import type { AppContext } from '../app.js';
import type { Config } from '../config.js';
import { CLI_ENTRY_EXAMPLES, dateProblem, parseCalendarEntry, parseEntryDate, parseEntryDates } from '../core/calendar-entry.js';
import { dayLine, yearLines } from '../core/calendar-report.js';
import { shanghaiDate } from '../core/dates.js';
import type { TenantRef } from '../db/repos/tenants.js';
import { setCalendarDays, unsetCalendarDays, type CalendarChange } from '../ledger/calendars.js';
import { CliError } from './args.js';
import { withApp, type CliIo } from './index.js';

export function registerCalendarCommands(program: Command, config: Config, io: CliIo, tenantOf: (app: AppContext) => Promise<TenantRef>): void {
  const calendar = program
    .command('calendar')
    .description('工作日历：某年的放假安排及来源、某天是否工作日；改革办载入国务院办公厅公布的放假安排（set / unset）');

  calendar
    .command('show [dateOrYear]', { isDefault: true })
    .description('查看某年（如 2027）的放假安排及每个特殊日期的来源，或某天（如 2027-02-06）是否工作日；默认今年')
    .action(async (arg?: string) => {
      await withApp(config, undefined, async (app) => {
        const tenant = await tenantOf(app);
        const cal = await app.calendars.calendarFor(tenant.id);
        if (arg && !/^\d{4}$/.test(arg.trim())) {
          const date = parseEntryDate(arg);
          if (!date) throw new CliError(dateProblem(arg));
          io.out(dayLine(cal.describeDay(date)));
          const warning = cal.coverageWarning(Number(date.slice(0, 4)));
          if (warning) io.out(`注意：${warning}`);
          return;
        }
        const year = arg ? Number(arg) : Number(shanghaiDate(app.clock.now()).slice(0, 4));
        if (!Number.isInteger(year) || year < 1900 || year > 2200) throw new CliError(`年份「${arg}」无效`);
        io.out(`租户 ${tenant.key}`);
        for (const line of yearLines(cal, year)) io.out(line);
        if (!cal.isKnownYear(year) && year >= 2000 && year <= 2099) {
          io.out(`载入国务院办公厅的通知：${CLI_ENTRY_EXAMPLES.holiday.replace('2027-02-11', `${year}-02-05~${year}-02-13`)}；${CLI_ENTRY_EXAMPLES.workday.replace('2027', String(year))}`);
        }
      });
    });

  calendar
    .command('set')
    .description('设置某天（或一段日期）上班或放假，如 taizhang calendar set 2027-02-20 workday 春节调休；set 2027-02-05~2027-02-13 holiday 春节')
    .argument('<date>', '日期 2027-02-06，或日期段 2027-02-05~2027-02-13')
    .argument('<kind>', 'workday（上班）或 holiday（放假）')
    .argument('[name...]', '名称，如 春节、春节调休')
    .action(async (dateText: string, kindText: string, nameParts: string[]) => {
      const parsed = parseCalendarEntry(dateText, kindText, nameParts.length ? nameParts.join(' ') : undefined, CLI_ENTRY_EXAMPLES);
      if (!parsed.ok) throw new CliError(parsed.problem);
      await withApp(config, undefined, async (app) => {
        const tenant = await tenantOf(app);
        printChanges(io, await setCalendarDays(app.db.prisma, app.calendars, tenant.id, parsed.entries, 'cli'), 'set');
      });
    });

  calendar
    .command('unset')
    .description('删除改革办对某天（或一段日期）的设置，恢复为库数据或法定推算')
    .argument('<date>', '日期 2027-02-06，或日期段 2027-02-05~2027-02-13')
    .action(async (dateText: string) => {
      const dates = parseEntryDates(dateText);
      if (!dates.ok) throw new CliError(dates.problem);
      await withApp(config, undefined, async (app) => {
        const tenant = await tenantOf(app);
        printChanges(io, await unsetCalendarDays(app.db.prisma, app.calendars, tenant.id, dates.dates, 'cli'), 'unset');
      });
    });
}

function printChanges(io: CliIo, changes: CalendarChange[], what: 'set' | 'unset'): void {
  const changed = changes.filter((c) => c.changed);
  for (const c of changes) {
    if (!c.changed) {
      io.out(what === 'set' ? `${c.date}：已是这样设置的，未改动` : `${c.date}：没有改革办的设置，未改动`);
      continue;
    }
    io.out(`${what === 'set' ? '已设置' : '已删除设置'} ${dayLine(c.dayAfter)}；原为 ${c.dayBefore.working ? '工作日' : '休息日'}（${c.dayBefore.label}）`);
  }
  if (changed.length) io.out(`共改动 ${changed.length} 天，已记入审计日志；督办颜色将按新日历重新计算，运行中的机器人下次使用日历时生效。`);
}
