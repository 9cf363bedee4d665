// The `taizhang` CLI. Every command runs against the configured database (DATABASE_URL) and the
// tenant given by --tenant (default DEFAULT_TENANT_KEY). Errors are one Chinese line, exit code 1.
import path from 'node:path';
import { Command, CommanderError, Help, type Option } from 'commander';
import cliProgress from 'cli-progress';
import { loadConfig, ConfigError, type Config } from '../config.js';
import { openApp, type AppContext } from '../app.js';
import { migrate, MigrationError } from '../db/migrate.js';
import { ensureTenant, findTenant } from '../db/repos/tenants.js';
import { FixedClock } from '../clock.js';
import { silentLogger, createLogger } from '../log.js';
import { shanghaiDate, shanghaiDateTime } from '../core/dates.js';
import { importLedger } from '../ledger/import/index.js';
import { formatProblem, isError } from '../ledger/import/validate.js';
import { ImportReadError } from '../ledger/import/read.js';
import { exportLedger } from '../ledger/export.js';
import { CliError, parseAt } from './args.js';
import { InvalidSettingsError } from '../core/validation.js';
import { registerJobCommands } from './jobs.js';
import { registerCalendarCommands } from './calendar.js';
import { registerDoctorCommand } from './doctor.js';
import { registerLoopCommands } from './loop.js';
import { registerDocumentCommands } from './documents.js';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  isTty: boolean;
}

const defaultIo: CliIo = {
  out: (l) => process.stdout.write(l + '\n'),
  err: (l) => process.stderr.write(l + '\n'),
  isTty: Boolean(process.stderr.isTTY),
};

/** Opens the app for one command at the chosen moment (`--at`), quietly unless LOG_LEVEL says otherwise. */
export async function withApp<T>(config: Config, at: Date | undefined, fn: (app: AppContext) => Promise<T>): Promise<T> {
  const logger = process.env.LOG_LEVEL ? createLogger(config.logLevel) : silentLogger;
  const app = await openApp(config, { logger, ...(at ? { clock: new FixedClock(at) } : {}) });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

/** Commander's help headings, as an official reads them. */
const HELP_TITLES: Record<string, string> = { 'Usage:': '用法：', 'Arguments:': '参数：', 'Options:': '选项：', 'Commands:': '命令：', 'Global Options:': '全局选项：' };

export function buildCli(config: Config, io: CliIo = defaultIo): Command {
  const program = new Command('taizhang')
    .description('台账：改革台账飞书机器人的命令行工具')
    .option('--tenant <key>', '租户（飞书 tenant_key）', config.defaultTenant.key)
    .helpOption('-h, --help', '显示帮助')
    .helpCommand('help [命令]', '显示某个命令的帮助')
    // Commander's own headings in Chinese (inherited by every command registered below).
    .configureHelp({
      styleTitle: (title: string) => HELP_TITLES[title] ?? title,
      commandUsage(this: Help, cmd: Command) {
        return Help.prototype.commandUsage.call(this, cmd).replace('[options]', '[选项]').replace('[command]', '[命令]');
      },
      optionDescription(this: Help, option: Option) {
        return Help.prototype.optionDescription.call(this, option).replace(/\(default: (.*)\)$/, '（默认：$1）');
      },
    })
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s.trimEnd()),
      writeErr: (s) => io.err(s.trimEnd()),
      outputError: (s, write) => write(translateCommanderError(s)),
    });
  const tenantGiven = () => program.getOptionValueSource('tenant') === 'cli';
  const tenantOf = async (app: AppContext) => {
    // A store app serves many tenants: writing a ledger into the wrong one must not happen by default.
    if (config.feishu.appType === 'isv' && !tenantGiven()) {
      throw new CliError('商店应用（FEISHU_APP_TYPE=isv）服务多个租户：请用 --tenant <tenant_key> 指明租户（taizhang tenants 列出已有租户）');
    }
    const key = program.opts<{ tenant: string }>().tenant;
    if (!key.trim()) throw new CliError('--tenant 不能为空');
    // A self-built app has one tenant: the default (DEFAULT_TENANT_KEY, or the tenant_key it was bound to).
    if (!tenantGiven() || key === app.defaultTenant.key || (config.feishu.appType !== 'isv' && key === config.defaultTenant.key)) return app.defaultTenant;
    // Only `taizhang tenant --create` makes a tenant: a misspelt key must not start an empty ledger.
    const found = await findTenant(app.db.prisma, key);
    if (!found) throw new CliError(await unknownTenantText(app, key));
    return found;
  };

  program
    .command('migrate')
    .description('应用数据库迁移（启动时也会自动执行）')
    .action(async () => {
      const result = await migrate(config.database);
      io.out(result.applied.length ? `已应用迁移：${result.applied.join('、')}` : `数据库已是最新（共 ${result.alreadyApplied.length} 个迁移）`);
    });

  program
    .command('import')
    .description('从 Excel（.xlsx）或 CSV 导入台账：本系统的模板（单位、人员、台账、节点），或按公布格式排版的台账（任意工作表名、标题行、序号、分组标题）')
    .argument('<files...>', '.xlsx 文件、CSV 文件或包含 CSV 的目录')
    .option('--check', '只检查，不写入：列出表头 → 字段、未识别的列、事项匹配、将新建的单位与领导、全部问题')
    .option('--partial', '只导入没有错误的行（有错误的行列出并跳过）；默认有任何错误都不写入')
    .option('--verbose', '--check 时逐行列出事项匹配')
    .action(async (files: string[], opts: { check?: boolean; partial?: boolean; verbose?: boolean }) => {
      await withApp(config, undefined, async (app) => {
        const tenant = await tenantOf(app);
        const { checkImport, mayWrite } = await import('../ledger/import/index.js');
        const { formatReport } = await import('../ledger/import/report.js');
        const importYear = Number(shanghaiDate(app.clock.now()).slice(0, 4));
        if (opts.check) {
          const { problems, draft, report } = await checkImport(app.db.prisma, tenant.id, files, { importYear });
          for (const l of formatReport(report, problems, { verbose: opts.verbose ?? false })) io.out(l);
          if (!mayWrite(problems, opts.partial ?? false)) {
            io.err(`检查未通过：有 ${problems.filter(isError).length} 处错误${opts.partial ? '（其中有整份文件的问题，--partial 也无法导入）' : '，导入时不会写入任何数据（或用 --partial 只导入没有错误的行）'}。`);
            process.exitCode = 1;
            return;
          }
          const skipped = problems.filter(isError).length;
          io.out(`检查通过${skipped ? `（--partial：跳过有错误的行）` : ''}：单位 ${draft.units.length}，人员 ${draft.people.length}，事项 ${draft.tasks.length}，节点 ${draft.milestones.length}`);
          return;
        }
        const bar = io.isTty ? new cliProgress.SingleBar({ format: '导入 {phase} [{bar}] {value}/{total}', hideCursor: true }, cliProgress.Presets.shades_classic) : null;
        let started = false;
        let lastPlain = 0;
        const outcome = await importLedger(app.db.prisma, tenant.id, files, {
          actor: `import:${files.map((f) => path.basename(f)).join(',')}`,
          partial: opts.partial ?? false,
          importYear,
          onProgress: (phase, done, total) => {
            if (bar) {
              if (!started) bar.start(total, done, { phase });
              started = true;
              bar.setTotal(total);
              bar.update(done, { phase });
            } else if (total >= 1000 && (done - lastPlain >= total / 10 || done === total)) {
              lastPlain = done;
              io.err(`导入 ${phase}：${done}/${total}`);
            }
          },
        });
        bar?.stop();
        if (!outcome.ok) {
          if (outcome.report) for (const l of formatReport(outcome.report, [])) io.err(l);
          return reportProblems(outcome.problems);
        }
        const r = outcome.result;
        for (const l of formatReport(outcome.report, outcome.problems)) io.out(l);
        const line = (label: string, c: { created: number; updated: number; deleted: number; unchanged: number }) =>
          `${label}：新增 ${c.created}，更新 ${c.updated}${c.deleted ? `，删除 ${c.deleted}` : ''}，未变 ${c.unchanged}`;
        const skipped = outcome.problems.filter(isError).length;
        io.out([`导入完成${skipped ? `（--partial：${skipped} 处错误所在的行已跳过）` : ''}。`, line('单位', r.units), line('人员', r.people), ...(r.partTime && r.partTime.created + r.partTime.updated + r.partTime.unchanged ? [line('兼职', r.partTime)] : []), line('事项', r.tasks), line('节点', r.milestones)].join('\n'));
        // People without a 飞书ID: their open_ids from 手机/邮箱 (batch_get_id) before anything is dispatched.
        const { reachPeople } = await import('../jobs/reach.js');
        const { configuredLookup } = await import('../feishu/directory.js');
        const lookup = configuredLookup(app, tenant.key);
        if (lookup) {
          const { reachReportLines } = await import('../ledger/reach.js');
          const reach = await reachPeople(app, tenant, lookup);
          for (const l of reachReportLines(reach)) io.out(l);
          if (reach.noticed) io.out('已通知改革办：无法联系的人员及修改办法。');
          // Typed 飞书IDs (not the ones just found by mobile/email): another app's open_id (99992361) said now.
          const { checkTypedOpenIds, typedIdLines } = await import('../ledger/typed-ids.js');
          for (const l of typedIdLines(await checkTypedOpenIds(app.db.prisma, tenant.id, lookup, { exclude: reach.resolved.map((p) => p.personId) }))) io.out(l);
        } else {
          const missing = await app.db.prisma.person.count({ where: { tenantId: tenant.id, active: true, openId: null } });
          if (missing) io.out(`飞书账号：${missing} 人没有飞书ID；未配置飞书凭证，机器人连接飞书后会按手机号/邮箱查找。`);
        }
        if (r.createdTaskIds.length > 0) {
          // New tasks waiting to be signed for get their 任务交办单, tasks loaded 待销号 their 销号审核: in the outbox for the running bot.
          const { dispatchTasks } = await import('../chat/handlers.js');
          const queued = await dispatchTasks(app, tenant.id, r.createdTaskIds);
          if (queued > 0) io.out(`已生成 ${queued} 份卡片（待签收事项的任务交办单、已报完成待销号事项的销号审核），机器人运行时发送给牵头单位联络员和改革办。`);
        }
      });
      function reportProblems(problems: Parameters<typeof formatProblem>[0][]) {
        const errors = problems.filter(isError);
        io.err(`导入失败：发现 ${errors.length} 处错误，未写入任何数据。${opts.partial ? '' : '（可用 --partial 只导入没有错误的行）'}`);
        for (const p of [...errors, ...problems.filter((x) => !isError(x))].slice(0, 400)) io.err(`  ${formatProblem(p)}`);
        if (problems.length > 400) io.err(`  ……另有 ${problems.length - 400} 处`);
        process.exitCode = 1;
      }
    });

  program
    .command('export')
    .description('导出台账到 Excel（含督办等级与最新进展，可再导入）')
    .argument('<file>', '输出的 .xlsx 文件')
    .option('--at <time>', '按此时刻计算督办等级（北京时间，如 2026-07-01T09:00）')
    .action(async (file: string, opts: { at?: string }) => {
      if (!file.toLowerCase().endsWith('.xlsx')) throw new CliError('导出文件名应以 .xlsx 结尾');
      await withApp(config, parseAt(opts.at), async (app) => {
        const tenant = await tenantOf(app);
        const { supervisionThresholds } = await import('../ledger/settings.js');
        const calendar = await app.calendars.calendarFor(tenant.id);
        const n = await exportLedger(app.db.prisma, tenant.id, file, { today: shanghaiDate(app.clock.now()), calendar, thresholds: await supervisionThresholds(app.db.prisma, tenant.id) });
        io.out(`已导出 ${file}：事项 ${n.tasks}，单位 ${n.units}，人员 ${n.people}，节点 ${n.milestones}${n.pilots ? `，试点 ${n.pilots}` : ''}`);
      });
    });

  program
    .command('demo')
    .description('载入示范台账（清源县），数据库中已有台账时不做任何事；用 --tenant 时载入该租户（该租户已有台账时不做任何事）；用 --write 只把示范台账写成文件')
    .option('--layout <layout>', 'template：本系统模板（单位、人员、台账、节点）；published：按公布格式排版的任务分工方案（标题行、序号、分组、联合牵头、文字时限，无单位/人员表）', 'template')
    .option('--write <file.xlsx>', '不载入，只把该格式的示范台账写到文件（可用 Excel 打开查看，或改后 taizhang import）')
    .action(async (opts: { layout: string; write?: string }) => {
      if (opts.layout !== 'template' && opts.layout !== 'published') throw new CliError('--layout 应为 template 或 published');
      const { loadDemoLedger, writeDemoWorkbook } = await import('../demo/load.js');
      if (opts.write) {
        writeDemoWorkbook(opts.layout, opts.write);
        io.out(`已写入 ${opts.write}（${opts.layout === 'published' ? '公布格式的示范台账' : '示范台账（本系统模板）'}；未载入数据库）`);
        return;
      }
      await withApp(config, undefined, async (app) => {
        const tenant = tenantGiven() || config.feishu.appType === 'isv' ? await tenantOf(app) : undefined;
        const loaded = await loadDemoLedger(app, tenant, opts.layout as 'template' | 'published');
        if (!loaded) {
          io.out(tenant ? `租户 ${tenant.key} 已有台账，未载入示范数据` : '数据库中已有台账，未载入示范数据');
          return;
        }
        const n = loaded.counts;
        io.out(`已载入示范台账（租户 ${loaded.tenantKey}：${loaded.officeName}）`);
        io.out(`单位 ${n.units}，人员 ${n.people}，事项 ${n.tasks}，节点 ${n.milestones}${n.sections ? `，分组 ${n.sections}` : ''}，已绑定工作群的单位 ${n.groups}`);
      });
    });

  program
    .command('groups')
    .description('列出机器人所在的飞书群及其绑定的单位（群里 @机器人 发送「绑定 单位名称」绑定）')
    .action(async () => {
      await withApp(config, undefined, async (app) => {
        const tenant = await tenantOf(app);
        const { listGroups, groupLines, fillGroupNames } = await import('../ledger/groups.js');
        const rows = await listGroups(app.db.prisma, tenant.id);
        // Names Feishu did not send (a group bound by id in the sheet): asked from the chat API, remembered.
        const lookup = (await import('../feishu/directory.js')).configuredLookup(app, tenant.key);
        if (lookup) await fillGroupNames(app.db.prisma, tenant.id, rows, (chatId) => lookup.chatName(chatId), app.clock.now());
        for (const l of groupLines(rows)) io.out(l);
        const unbound = await app.db.prisma.unit.count({ where: { tenantId: tenant.id, active: true, chatId: null } });
        if (unbound && rows.length) io.out(`另有 ${unbound} 个单位尚未绑定工作群。`);
      });
    });

  program
    .command('tenants')
    .description('列出租户（飞书 tenant_key）及各自的单位、人员、事项数')
    .action(async () => {
      await withApp(config, undefined, async (app) => {
        const db = app.db.prisma;
        const tenants = await db.tenant.findMany({ orderBy: { id: 'asc' } });
        for (const t of tenants) {
          const [units, people, tasks] = await Promise.all([
            db.unit.count({ where: { tenantId: t.id } }),
            db.person.count({ where: { tenantId: t.id } }),
            db.task.count({ where: { tenantId: t.id } }),
          ]);
          io.out(`${t.key}　${t.name}　单位 ${units}，人员 ${people}，事项 ${tasks}`);
        }
        if (tenants.length === 0) io.out('（还没有租户）');
      });
    });

  program
    .command('tenant')
    .description('查看 --tenant 所指租户，用 --name 设置其名称（如 某某县委改革办），或用 --create --name 新建租户')
    .option('--name <名称>', '新的租户名称')
    .option('--create', '新建 --tenant 所指的租户（飞书 tenant_key），须同时给出 --name')
    .action(async (opts: { name?: string; create?: boolean }) => {
      await withApp(config, undefined, async (app) => {
        const name = opts.name?.trim();
        if (opts.name !== undefined && !name) throw new CliError('租户名称不能为空');
        if (opts.create) {
          if (!tenantGiven()) throw new CliError('新建租户请用 --tenant <tenant_key> 指明其飞书 tenant_key');
          if (!name) throw new CliError('新建租户需要 --name <名称>（如 某某县委改革办）');
          const key = program.opts<{ tenant: string }>().tenant.trim();
          if (!key) throw new CliError('--tenant 不能为空');
          const existing = await findTenant(app.db.prisma, key);
          if (existing) throw new CliError(`租户 ${key} 已存在（${existing.name}）；改名请去掉 --create`);
          const { recordAudit } = await import('../db/repos/audit.js');
          const created = await app.db.prisma.$transaction(async (tx) => {
            const t = await ensureTenant(tx, key, name);
            await recordAudit(tx, [{ tenantId: t.id, actor: 'cli', entity: 'tenant', entityId: t.id, action: 'create', after: { key, name } }]);
            return t;
          });
          io.out(`已新建租户 ${created.key}：${created.name}`);
          return;
        }
        const tenant = await tenantOf(app);
        if (name && name !== tenant.name) {
          const { recordAudit } = await import('../db/repos/audit.js');
          await app.db.prisma.$transaction(async (tx) => {
            await tx.tenant.update({ where: { id: tenant.id }, data: { name } });
            await recordAudit(tx, [{ tenantId: tenant.id, actor: 'cli', entity: 'tenant', entityId: tenant.id, action: 'update', before: { name: tenant.name }, after: { name } }]);
          });
          io.out(`租户 ${tenant.key} 已改名为「${name}」`);
          return;
        }
        io.out(`租户 ${tenant.key}：${tenant.name}`);
      });
    });

  program
    .command('setting')
    .description('查看或修改改革办设置：supervision（三色督办阈值）、honour（光荣榜权重）、jobs（定时推送）、recipients（接收群）、codes（编号前缀）')
    .argument('[key]', '设置项')
    .argument('[json]', '新的值（JSON），不写则显示当前值')
    .action(async (key?: string, json?: string) => {
      const { SETTINGS, updateSetting } = await import('../settings.js');
      const { getSetting } = await import('../db/repos/settings.js');
      await withApp(config, undefined, async (app) => {
        const tenant = await tenantOf(app);
        if (!key) {
          for (const [k, spec] of Object.entries(SETTINGS)) io.out(`${k}　${spec.label}：${JSON.stringify(await getSetting(app.db.prisma, tenant.id, k) ?? '（默认）')}`);
          return;
        }
        if (!Object.hasOwn(SETTINGS, key)) throw new CliError(`没有这个设置项：${key}（可用：${Object.keys(SETTINGS).join('、')}）`);
        if (json === undefined) {
          io.out(JSON.stringify(SETTINGS[key]!.parse(await getSetting(app.db.prisma, tenant.id, key)), null, 2));
          return;
        }
        let value: unknown;
        try {
          value = JSON.parse(json);
        } catch {
          throw new CliError(`「${json.slice(0, 40)}」不是合法的 JSON`);
        }
        const effective = await updateSetting(app.db.prisma, tenant.id, key, value, 'cli');
        io.out(`已更新 ${key}：${JSON.stringify(effective)}`);
      });
    });

  registerCalendarCommands(program, config, io, tenantOf);
  registerLoopCommands(program, config, io, tenantOf);
  registerJobCommands(program, config, io, tenantOf);
  registerDoctorCommand(program, config, io, tenantOf);
  registerDocumentCommands(program, config, io, tenantOf);

  return program;
}

/** 「租户「x」不存在」 with the known tenants and how to create one. */
async function unknownTenantText(app: AppContext, key: string): Promise<string> {
  const known = await app.db.prisma.tenant.findMany({ select: { key: true, name: true }, orderBy: { id: 'asc' }, take: 21 });
  const list = known.slice(0, 20).map((t) => (t.name === t.key ? t.key : `${t.key}（${t.name}）`)).join('、');
  return (
    `租户「${key}」不存在。已有租户：${list || '（无）'}${known.length > 20 ? ' 等（taizhang tenants 列出全部）' : ''}。` +
    `若确要新建，请用 taizhang tenant --tenant ${key} --create --name <名称>`
  );
}

/** commander's own errors, said in Chinese. */
function translateCommanderError(message: string): string {
  return message
    .replace(/^error: unknown command '(.*)'.*$/m, '错误：未知命令「$1」，用 taizhang --help 查看全部命令')
    .replace(/^error: missing required argument '(.*)'.*$/m, '错误：缺少参数「$1」')
    .replace(/^error: unknown option '(.*)'.*$/m, '错误：未知选项「$1」')
    .replace(/^error: option '(.*)' argument missing.*$/m, '错误：选项「$1」缺少取值')
    .replace(/^error: too many arguments.*$/m, '错误：参数过多')
    .replace(/\(Did you mean (.*)\?\)/, '（是不是要输入 $1？）');
}

export async function runCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  try {
    const config = loadConfig();
    await buildCli(config, io).parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof CliError || err instanceof ConfigError || err instanceof MigrationError || err instanceof ImportReadError || err instanceof InvalidSettingsError) {
      io.err(`错误：${err.message}`);
      return 1;
    }
    io.err(`错误：${fileErrorText(err) ?? (err as Error).message}`);
    if (process.env.LOG_LEVEL === 'debug') io.err(String((err as Error).stack));
    return 1;
  }
}

export { shanghaiDateTime };

if (process.argv[1] && /cli[\\/]index\.[jt]s$|bin[\\/]taizhang(\.js)?$/.test(process.argv[1])) {
  process.exitCode = await runCli(process.argv.slice(2));
}

/** A file system error (reading or writing a file the user named) in Chinese, or undefined. */
function fileErrorText(err: unknown): string | undefined {
  const e = err as NodeJS.ErrnoException | null;
  const file = e?.path ? `「${e.path}」` : '';
  switch (e?.code) {
    case 'ENOENT': return `找不到文件或目录${file}，请检查路径（写入时，所在目录须已存在）`;
    case 'EACCES':
    case 'EPERM': return `没有权限读写${file}`;
    case 'EISDIR': return `${file}是一个目录，请给出文件名`;
    case 'ENOTDIR': return `路径${file}中有一段不是目录`;
    case 'ENOSPC': return `磁盘空间不足，未能写入${file}`;
    default: return undefined;
  }
}
