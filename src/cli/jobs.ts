// `taizhang job <name> --at <time> [--dry-run]` and `taizhang job --list`: run any scheduled push as
// if at a chosen moment. --dry-run prints exactly what would be sent to whom and writes nothing.
import type { Command } from 'commander';
import type { AppContext } from '../app.js';
import type { Config } from '../config.js';
import { shanghaiDateTime } from '../core/dates.js';
import type { TenantRef } from '../db/repos/tenants.js';
import { createFeishuClient } from '../feishu/client.js';
import { Sender } from '../feishu/sender.js';
import { deliveryReporting } from '../bot.js';
import type { OutboxScope } from '../outbox/index.js';
import { describeSchedule, nextOccurrence } from '../jobs/schedule.js';
import { cardText } from '../jobs/preview.js';
import { runJob, type JobRunReport } from '../jobs/run.js';
import { isJobName, JOB_LABELS, JOB_NAMES, loadTenantJobConfig, jobRecipientLabels, type JobsSettings, type JobName, type RecipientKind } from '../jobs/settings.js';
import { CliError, parseAt } from './args.js';
import { withApp, type CliIo } from './index.js';

interface JobOptions {
  at?: string;
  dryRun?: boolean;
  list?: boolean;
  json?: boolean;
  send?: boolean;
}

export function registerJobCommands(program: Command, config: Config, io: CliIo, tenantOf: (app: AppContext) => Promise<TenantRef>): void {
  program
    .command('job')
    .description('按指定时刻运行定时推送：临期提醒、逾期预警、催报、领导周报、光荣榜、按季盘点、半年通报、年终盘点')
    .argument('[name]', `任务名：${JOB_NAMES.join('、')}`)
    .option('--at <time>', '假设此刻运行（北京时间，如 2026-07-01T09:00；默认现在）')
    .option('--dry-run', '试运行：只打印将发送给谁、发送什么，不写入发件箱、不发送')
    .option('--list', '列出全部任务、发送时间和接收人')
    .option('--json', '同时打印完整的卡片 JSON')
    .option('--send', '写入发件箱后立即从命令行发送本任务本期的消息（含此前运行未发完的）并等待完成（需要飞书凭证）')
    .action(async (name: string | undefined, opts: JobOptions) => {
      if (opts.list) {
        const at = parseAt(opts.at);
        await withApp(config, undefined, async (app) => listJobs(app, await tenantOf(app), io, at ?? app.clock.now()));
        return;
      }
      if (!name) throw new CliError(`请指定任务名（${JOB_NAMES.join('、')}），或用 --list 查看全部任务`);
      if (!isJobName(name)) throw new CliError(`未知任务「${name}」，可用：${JOB_NAMES.join('、')}`);
      if (opts.send && opts.dryRun) throw new CliError('--send 与 --dry-run 不能同时使用');
      const at = parseAt(opts.at);
      // The app keeps the real clock: `at` is the moment the content is computed for, while the
      // outbox rows are stamped (and sent) now — a preview of next month is not held until then.
      await withApp(config, undefined, async (app) => {
        const tenant = await tenantOf(app);
        const report = await runJob(app, name, at ?? app.clock.now(), { dryRun: Boolean(opts.dryRun), tenant });
        printReport(report, io, Boolean(opts.json));
        // Whatever this period of this job still owes goes now — also what an earlier run (killed
        // mid-drain, say) left, though this run queued nothing new.
        if (opts.send) await sendPeriod(app, config, io, { tenantId: tenant.id, keyPrefix: `${name}:`, keySuffix: `:${report.period.key}` }, report.enqueued);
      });
    });
}

async function listJobs(app: AppContext, tenant: TenantRef, io: CliIo, now: Date): Promise<void> {
  const { jobs } = await loadTenantJobConfig(app.db.prisma, tenant.id);
  const calendar = await app.calendars.calendarFor(tenant.id);
  io.out(`定时推送任务（北京时间；只在工作日发送，含调休上班日；租户 ${tenant.key}）：`);
  const unloaded = new Set<number>();
  for (const job of JOB_NAMES) {
    const cfg = jobs[job];
    const next = nextOccurrence(cfg.schedule, now, calendar);
    // A run in a year whose schedule is not loaded falls on a day the statutory computation chose.
    const year = next ? Number(next.date.slice(0, 4)) : null;
    const unknown = year !== null && !calendar.isKnownYear(year);
    if (unknown) unloaded.add(year);
    io.out(`  ${job.padEnd(12)} ${JOB_LABELS[job]}${cfg.enabled ? '' : '（已停用）'}`);
    io.out(
      `               时间：${describeSchedule(cfg.schedule)}；下次 ${next ? shanghaiDateTime(next.at) : '—'}` +
        `${unknown ? `（⚠ ${year} 年放假安排未载入：按法定推算，调休未知）` : ''}；错过后 ${cfg.catchUpHours} 小时内补发`,
    );
    io.out(`               接收：${recipientsText(job, jobs)}`);
  }
  for (const year of [...unloaded].sort()) io.out(`注意：${calendar.coverageWarning(year)}`);
  io.out('用法：taizhang job <任务名> --at 2026-11-23T09:00 --dry-run');
}

function recipientsText(job: JobName, jobs: JobsSettings): string {
  // Every label from the job's own settings (the `to` lists its plan sends by) and its units (JOB_UNITS).
  const names = (kinds: readonly RecipientKind[]) => jobRecipientLabels(job, kinds);
  const days = (before: readonly number[]) => before.filter((n) => n > 0).join('、');
  switch (job) {
    case 'reminders':
      return `${names(jobs.reminders.to)}（到期前 ${jobs.reminders.daysBefore.join('、')} 个工作日）`;
    case 'overdue':
      return `${names(jobs.overdue.to)}；红色加送 ${names(jobs.overdue.redAlsoTo)}`;
    case 'nudges':
      return `${names(jobs.nudges.to)}；连续未报加送 ${names(jobs.nudges.escalateTo)}`;
    case 'digest':
      return `每位县级领导（本人领衔事项）${jobs.digest.copyTo.length ? `，抄送 ${names(jobs.digest.copyTo)}` : ''}`;
    case 'calendar':
      return `${names(jobs.calendar.to)}（次年放假安排既不在库数据中、也未由改革办载入时：12 月第一个工作日起每 7 天一次，载入即停）`;
    case 'reissue':
      return '仍在等待办理的卡片（任务交办单、销号审核、延期审批、交办异议、问题反映）的原接收人：在飞书 14 天的卡片有效期届满前重发';
    case 'outposts':
      return `${names(jobs.outposts.to)}（每个前哨站单位一份建议表单）`;
    case 'call-reminders':
      return `${names(jobs['call-reminders'].to)}（揭榜截止前 ${days(jobs['call-reminders'].daysBefore)} 个工作日和截止当天）`;
    case 'lookback':
      return `${names(jobs.lookback.to)}（每个回头看日期一次，答复即止）`;
    case 'case-collection': {
      const cfg = jobs['case-collection'];
      return `征集通知 ${names(cfg.announceTo)}；催报 ${names(cfg.to)}（季度最后一个工作日前 ${days(cfg.daysBefore)} 个工作日和当天）`;
    }
    case 'assessment':
      return names(jobs.assessment.to.filter((k) => k !== 'allHands'));
    default:
      return names(jobs[job].to);
  }
}

export function printReport(report: JobRunReport, io: CliIo, json = false): void {
  const fresh = report.messages.filter((m) => !m.alreadyQueued);
  const receivers = new Set(report.messages.map((m) => m.recipient.receiveId)).size;
  io.out(`${report.label}（${report.job}）· 时刻 ${shanghaiDateTime(report.at)}（北京时间）· 周期 ${report.period.label === report.period.key ? report.period.key : `${report.period.label}（${report.period.key}）`}`);
  for (const note of report.notes) io.out(`提示：${note}`);
  const already = report.messages.length - fresh.length;
  io.out(
    report.dryRun
      ? `试运行：将发送 ${fresh.length} 条消息，共 ${receivers} 个接收方${already ? `（另有 ${already} 条此前已发送或已在发件箱，不会重发）` : ''}`
      : `计划 ${report.messages.length} 条，新写入发件箱 ${report.enqueued} 条${report.alreadyQueued ? `，${report.alreadyQueued} 条此前已发送或已在发件箱，不会重发` : ''}`,
  );
  report.messages.forEach((m, i) => {
    const r = m.recipient;
    io.out('');
    io.out(`── ${i + 1}/${report.messages.length} → ${r.label}（${r.receiveIdType} ${r.receiveId}）${m.alreadyQueued ? ' 〔此前已发送，跳过〕' : ''}`);
    for (const line of cardText(m.card)) io.out(`   ${line}`);
    if (m.file) io.out(`   附件：${m.file.fileName}（${Math.ceil(m.file.bytes.length / 1024)} KB）`);
    if (m.image) io.out(`   图片：${m.image.fileName}（${Math.ceil(m.image.bytes.length / 1024)} KB）`);
    io.out(`   去重键：${m.dedupeKey}`);
    if (json) io.out(JSON.stringify(m.card, null, 2));
  });
  if (report.messages.length === 0) io.out('（没有需要发送的消息）');
  io.out('');
  io.out(report.dryRun ? '（试运行：未写入发件箱，未发送任何消息）' : '（已写入发件箱，由运行中的机器人发送；或加 --send 立即发送）');
}

type ScopeCounts = Record<'pending' | 'sending' | 'sent' | 'failed', number>;

async function countScope(app: AppContext, scope: OutboxScope): Promise<ScopeCounts> {
  const groups = await app.db.prisma.outboxMessage.groupBy({
    by: ['status'],
    where: { tenantId: scope.tenantId, dedupeKey: { startsWith: scope.keyPrefix, endsWith: scope.keySuffix } },
    _count: { _all: true },
  });
  const n = (s: string) => groups.find((g) => g.status === s)?._count._all ?? 0;
  return { pending: n('pending'), sending: n('sending'), sent: n('sent'), failed: n('failed') };
}

/**
 * `--send`: delivers this job's messages for this period from the command line and waits — the
 * ones just queued and any an earlier run left (a run killed mid-drain leaves rows pending, and
 * rows "sending" whose claim expires after 15 s; those go again with the same uuid, which Feishu
 * delivers once within an hour). Nothing outside the job and period is sent.
 */
async function sendPeriod(app: AppContext, config: Config, io: CliIo, scope: OutboxScope, enqueuedNow: number): Promise<void> {
  const before = await countScope(app, scope);
  const owed = before.pending + before.sending;
  const leftEarlier = Math.max(0, owed - enqueuedNow);
  if (leftEarlier > 0) {
    io.out(
      `此前的运行留下 ${leftEarlier} 条尚未发送` +
        (before.sending ? `（其中 ${before.sending} 条发送途中中断：等其领取期限到期后以相同 uuid 重发，飞书不会重复投递）` : '') +
        '，现在一并发送',
    );
  }
  if (before.failed > 0) io.out(`本期此前已有 ${before.failed} 条发送失败，不再重试（改革办已获通知）`);
  if (owed === 0) {
    io.out(before.sent > 0 ? `本期 ${before.sent} 条消息此前已全部发送，无需再发` : '（没有需要发送的消息）');
    return;
  }
  if (!config.feishu.hasCredentials) throw new CliError('未配置飞书凭证（FEISHU_APP_ID / FEISHU_APP_SECRET），无法从命令行发送；消息已在发件箱，机器人启动后会发送');
  // A store app's tokens need the app_ticket Feishu pushes to the bot's event URL, not to this process.
  if (config.feishu.appType === 'isv') throw new CliError('商店应用（FEISHU_APP_TYPE=isv）不能从命令行发送：访问凭证依赖飞书推送给机器人的 app_ticket；消息已在发件箱，由运行中的机器人发送');
  const client = createFeishuClient(config.feishu, app.logger);
  const reporting = deliveryReporting(app);
  const sender = new Sender({
    db: app.db,
    client,
    logger: app.logger,
    clock: app.clock,
    scope,
    onPermanentFailure: (row) => reporting.onPermanentFailure(row),
    onSent: (row) => reporting.onSent(row),
  });
  const progress = io.isTty
    ? setInterval(() => {
        void countScope(app, scope).then((c) => io.err(`发送中：已送达 ${c.sent}，待发送 ${c.pending + c.sending}${c.failed ? `，失败 ${c.failed}` : ''}`));
      }, 5_000)
    : undefined;
  sender.start();
  try {
    await sender.waitUntilIdle(30 * 60_000);
  } finally {
    clearInterval(progress);
    await sender.stop();
  }
  const after = await countScope(app, scope);
  io.out(`发送完成：本期共 ${after.sent + after.failed} 条，已送达 ${after.sent} 条${after.failed ? `，失败 ${after.failed} 条（改革办已获通知）` : ''}`);
}
