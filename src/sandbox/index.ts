// The built-in Feishu sandbox (`npm start` without credentials, and the harness of the browser
// test): the fake platform (src/sandbox/fake-feishu/) with the demo county's people and groups,
// the bot wired to it exactly as to Feishu (signed + encrypted webhook, OpenAPI via FEISHU_DOMAIN),
// and a web chat page (src/sandbox/web/) where you pick who you are, talk to the bot, click its
// cards and move the clock to run the scheduled jobs.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { AppContext } from '../app.js';
import type { BotHandlers } from '../chat/types.js';
import type { OffsetClock } from '../clock.js';
import { ConfigError, type Config } from '../config.js';
import { ROLE_LABELS, type Role } from '../core/types.js';
import { ALL_HANDS_CHAT_ID, demoPeople, demoUnits } from '../demo/ledger.js';
import { getSetting, putSetting } from '../db/repos/settings.js';
import { deliveryReporting } from '../bot.js';
import { startFeishuRuntime, type FeishuRuntime } from '../feishu/runtime.js';
import { JOB_LABELS, JOB_NAMES } from '../jobs/settings.js';
import { recordBotAdded } from '../ledger/groups.js';
import { FakeFeishu, type FakeChat, type FakeUser } from './fake-feishu.js';
import { startSandboxWeb, type SandboxDirectory, type SandboxPerson } from './web/server.js';

export type RunJob = (name: string, at: Date, opts: { dryRun: boolean }) => Promise<unknown>;

export interface SandboxDeps {
  handlers: BotHandlers;
  /** Runs a scheduled job by name for a moment (the page's 「立即运行」). */
  runJob?: RunJob;
  /**
   * The clock the page moves: business time (what the bot says, which jobs fire). Must be the
   * app's clock (openApp(config, { clock })). Transport and outbox stay on real time.
   */
  clock: OffsetClock;
}

export interface SandboxOptions {
  /** Web page host (default 127.0.0.1: the page has no login, keep it local). */
  host?: string;
  /** Web page port (default app.config.sandboxPort; 0 = any free port). */
  port?: number;
  /** Passed to FakeFeishu (e.g. compressed re-delivery schedule in tests). */
  redeliveryScheduleMs?: number[];
}

export interface Sandbox {
  /** The web chat page, e.g. http://127.0.0.1:3100/ */
  url: string;
  fake: FakeFeishu;
  runtime: FeishuRuntime;
  directory: SandboxDirectory;
  stop(): Promise<void>;
}

export const SANDBOX_BOT_NAME = '台账机器人';
export const ALL_HANDS_CHAT_NAME = '全县改革工作群';
const LEADERS_GROUP = '县级领导';

/**
 * The sandbox's Feishu directory: every demo person (plus anyone in the database with a Feishu
 * open_id), every unit group (members: the unit's people and the reform office's staff) and an
 * all-hands group with everyone.
 */
export async function buildSandboxDirectory(app: AppContext): Promise<SandboxDirectory> {
  const tenantId = app.defaultTenant.id;
  const dbPeople = await app.db.prisma.person.findMany({
    where: { tenantId, active: true, openId: { not: null } },
    include: { unit: { select: { name: true } }, otherUnits: { where: { active: true }, include: { unit: { select: { name: true } } }, orderBy: { id: 'asc' } } },
    orderBy: { id: 'asc' },
  });
  const dbUnits = await app.db.prisma.unit.findMany({ where: { tenantId }, orderBy: { id: 'asc' } });

  const people = new Map<string, SandboxPerson>();
  for (const p of demoPeople) {
    people.set(p.openId, { openId: p.openId, name: p.name, unit: p.unit ?? LEADERS_GROUP, roles: p.roles, isOffice: p.roles.includes('改革办') });
  }
  for (const p of dbPeople) {
    const roles = p.roles.split(',').filter(Boolean) as Role[];
    // 兼职: 「改革联络员；兼任 县发展改革局一把手」
    const further = p.otherUnits.map((o) => `兼任 ${o.unit.name}${o.roles.split(',').filter(Boolean).map((r) => ROLE_LABELS[r as Role] ?? r).join('、')}`);
    const label = [roles.map((r) => ROLE_LABELS[r] ?? r).join('、'), ...further].filter(Boolean).join('；');
    const existing = people.get(p.openId!);
    people.set(p.openId!, {
      openId: p.openId!,
      name: p.name,
      unit: p.unit?.name ?? existing?.unit ?? LEADERS_GROUP,
      roles: label || existing?.roles || '',
      isOffice: roles.includes('ADMIN'),
      ...(p.mobile ? { mobile: p.mobile } : {}),
      ...(p.email ? { email: p.email } : {}),
    });
  }

  const unitGroups = new Map<string, { chatId: string; unit: string }>();
  for (const u of demoUnits) if (u.chatId) unitGroups.set(u.chatId, { chatId: u.chatId, unit: u.name });
  for (const u of dbUnits) if (u.chatId) unitGroups.set(u.chatId, { chatId: u.chatId, unit: u.name });

  const all = [...people.values()];
  const office = all.filter((p) => p.isOffice).map((p) => p.openId);
  const chats: SandboxDirectory['chats'] = [...unitGroups.values()].map((g) => ({
    chatId: g.chatId,
    name: `${g.unit}工作群`,
    unit: g.unit,
    memberOpenIds: [...new Set([...all.filter((p) => p.unit === g.unit).map((p) => p.openId), ...office])],
  }));
  chats.push({ chatId: ALL_HANDS_CHAT_ID, name: ALL_HANDS_CHAT_NAME, memberOpenIds: all.map((p) => p.openId) });

  // Units in ledger order (leaders first), people in the order they were listed.
  const unitOrder = [LEADERS_GROUP, ...demoUnits.map((u) => u.name), ...dbUnits.map((u) => u.name)];
  const rank = (unit: string) => {
    const i = unitOrder.indexOf(unit);
    return i < 0 ? unitOrder.length : i;
  };
  const ordered = all.map((p, i) => ({ p, i })).sort((a, b) => rank(a.p.unit) - rank(b.p.unit) || a.i - b.i).map((x) => x.p);
  return { people: ordered, chats };
}

/** The all-hands group receives the honour roll and the tallies: register it unless the office chose one. */
/**
 * The bot is in the sandbox's groups from the start, as if Feishu had sent it
 * im.chat.member.bot.added_v1 for each: 群列表, `taizhang groups` and doctor see them by name. Chats
 * already recorded are left as they are.
 */
async function recordSandboxGroups(app: AppContext, chats: readonly { chatId: string; name: string }[]): Promise<void> {
  const tenantId = app.defaultTenant.id;
  const known = new Set((await app.db.prisma.feishuChat.findMany({ where: { tenantId }, select: { chatId: true } })).map((c) => c.chatId));
  for (const c of chats) if (!known.has(c.chatId)) await recordBotAdded(app.db.prisma, tenantId, { chatId: c.chatId, name: c.name, addedBy: 'sandbox', at: app.clock.now() });
}

async function registerAllHandsGroup(app: AppContext): Promise<void> {
  const current = ((await getSetting(app.db.prisma, app.defaultTenant.id, 'recipients')) ?? {}) as Record<string, unknown>;
  if (typeof current['allHandsChatId'] === 'string' && current['allHandsChatId']) return;
  await putSetting(app.db.prisma, app.defaultTenant.id, 'recipients', { ...current, allHandsChatId: ALL_HANDS_CHAT_ID }, 'sandbox');
}

/**
 * The sandbox plays Feishu for the default tenant only, and its sender drains the whole outbox into
 * the fake platform: on a database that has served real Feishu tenants it would "deliver" their
 * queued messages (and mark them sent) where nobody reads them, and run their jobs. Refused
 * (ConfigError) when the database holds any tenant other than DEFAULT_TENANT_KEY.
 */
export async function assertSandboxDatabase(app: AppContext): Promise<void> {
  const others = await app.db.prisma.tenant.findMany({ where: { key: { not: app.config.defaultTenant.key } }, select: { key: true, name: true }, orderBy: { id: 'asc' }, take: 4 });
  if (others.length === 0) return;
  const pending = await app.db.prisma.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] }, tenantId: { not: app.defaultTenant.id } } });
  const names = others.slice(0, 3).map((t) => (t.name === t.key ? t.key : `${t.key}（${t.name}）`)).join('、');
  throw new ConfigError(
    `数据库中有飞书租户 ${names}${others.length > 3 ? ' 等' : ''} 的台账${pending ? `，另有 ${pending} 条待发送的消息` : ''}：` +
      '未配置完整的飞书凭证时会启动本地沙箱，沙箱会把这些消息“发送”给模拟飞书，真实用户收不到。已拒绝启动。' +
      '连接真实飞书请配置 FEISHU_APP_ID 和 FEISHU_APP_SECRET；只想试用沙箱请用 DATABASE_URL 指向另一个数据库',
  );
}

/** The fake Feishu's users and groups for a sandbox directory (the page's people and chats). */
export function fakeDirectoryOf(directory: SandboxDirectory): { users: FakeUser[]; chats: FakeChat[] } {
  return {
    users: directory.people.map((p) => ({ openId: p.openId, name: p.name, ...(p.mobile ? { mobile: p.mobile } : {}), ...(p.email ? { email: p.email } : {}) })),
    chats: directory.chats.map((c) => ({ chatId: c.chatId, name: c.name, memberOpenIds: c.memberOpenIds })),
  };
}

export async function startSandbox(app: AppContext, deps: SandboxDeps, opts: SandboxOptions = {}): Promise<Sandbox> {
  const log = app.logger.child({ module: 'sandbox' });
  await assertSandboxDatabase(app);
  const clock = deps.clock;
  if ((app.clock as unknown) !== clock) {
    log.warn('沙箱时钟与应用时钟不是同一个对象：「跳转」后机器人和定时任务可能看不到新时间（openApp(config, { clock }) 应传入同一个 OffsetClock）');
  }
  const directory = await buildSandboxDirectory(app);
  await registerAllHandsGroup(app);
  await recordSandboxGroups(app, directory.chats);

  const { users, chats } = fakeDirectoryOf(directory);

  // Fresh secrets per run: the webhook is verified exactly as against Feishu.
  const encryptKey = randomBytes(16).toString('hex');
  const verificationToken = randomBytes(16).toString('hex');
  const fake = await FakeFeishu.start({
    host: '127.0.0.1',
    port: 0,
    appSecret: randomBytes(16).toString('hex'),
    encryptKey,
    verificationToken,
    tenantKey: app.defaultTenant.key,
    bot: { name: SANDBOX_BOT_NAME },
    users,
    chats,
    eventTransport: 'webhook',
    // The platform and the transport run on real time (signatures, token expiry, re-delivery,
    // the outbox); the page's clock moves business time only (what the bot says, which jobs fire).
    ...(opts.redeliveryScheduleMs ? { redeliveryScheduleMs: opts.redeliveryScheduleMs } : {}),
  });

  const config: Config = {
    ...app.config,
    feishu: {
      ...app.config.feishu,
      appId: fake.appId,
      appSecret: fake.appSecret,
      domain: fake.url,
      encryptKey,
      verificationToken,
      // The sandbox plays one self-built app's tenant, whatever FEISHU_APP_TYPE says.
      appType: 'self_build',
      eventMode: 'webhook',
    },
  };
  let runtime: FeishuRuntime;
  try {
    // The office hears of refused messages here as with real Feishu (bot.ts).
    const reporting = deliveryReporting(app);
    runtime = await startFeishuRuntime({
      config,
      db: app.db,
      handlers: deps.handlers,
      logger: app.logger,
      onPermanentFailure: (row) => reporting.onPermanentFailure(row),
      sender: { onSent: (row) => reporting.onSent(row) },
      instanceId: `sandbox-${randomBytes(3).toString('hex')}`,
      listen: { port: 0, host: '127.0.0.1' },
    });
  } catch (err) {
    await fake.close();
    throw err;
  }
  const botPort = (runtime.server!.address() as AddressInfo).port;
  fake.eventUrl = `http://127.0.0.1:${botPort}/feishu/events`;
  fake.cardUrl = `http://127.0.0.1:${botPort}/feishu/cards`;

  let web: Awaited<ReturnType<typeof startSandboxWeb>>;
  try {
    web = await startSandboxWeb({
      fake,
      clock,
      directory,
      jobs: JOB_NAMES.map((name) => ({ name, label: JOB_LABELS[name] })),
      ...(deps.runJob
        ? {
            runJob: async (name: string, at: Date, o: { dryRun: boolean }) => {
              const result = await deps.runJob!(name, at, o);
              runtime.sender.wake(); // what the job queued goes out now, not at the next poll
              return result;
            },
          }
        : {}),
      tenantName: app.defaultTenant.name,
      logger: log,
      host: opts.host ?? '127.0.0.1',
      port: opts.port ?? app.config.sandboxPort,
    });
  } catch (err) {
    await runtime.stop();
    await fake.close();
    throw err;
  }
  log.info({ url: web.url, feishu: fake.url }, `飞书沙箱已启动：在浏览器中打开 ${web.url}`);

  let stopped = false;
  return {
    url: web.url,
    fake,
    runtime,
    directory,
    async stop() {
      if (stopped) return;
      stopped = true;
      await web.close();
      await runtime.stop();
      await fake.close();
    },
  };
}
