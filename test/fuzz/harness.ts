// Shared set-up for the fuzz suites that go through the real bot: FakeFeishu + startFeishuRuntime
// + createBotHandlers over real HTTP (the same wiring as test/chat/flow.test.ts), the demo ledger
// imported into the bot's tenant AND into a second tenant (whose task ids are "foreign" ids), and
// helpers to snapshot the ledger and to judge who may have changed what.
import fc from 'fast-check';
import { expect } from 'vitest';
import { testApp } from '../helpers/app.js';
import { demoDirectory } from '../../src/demo/directory.js';
import { DEMO_WORKBOOK } from '../helpers/workbooks.js';
import { startBotOnFake, waitFor } from '../feishu/helpers.js';
import { FakeFeishu, type FakeMessage } from '../../src/sandbox/fake-feishu.js';
import type { FeishuRuntime } from '../../src/feishu/runtime.js';
import { importLedger } from '../../src/ledger/import/index.js';
import { createBotHandlers } from '../../src/chat/handlers.js';
import { ensureTenant } from '../../src/db/repos/tenants.js';
import type { AppContext } from '../../src/app.js';
import type { Database, Db } from '../../src/db/client.js';

/** FUZZ_SEED=<n> replays a failing run; FUZZ_SCALE=<x> multiplies every numRuns (default 1). */
if (process.env.FUZZ_SEED) fc.configureGlobal({ seed: Number(process.env.FUZZ_SEED) });
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
export const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
/** A test's time limit, grown with FUZZ_SCALE. */
export const timeout = (ms: number) => Math.round(ms * Math.max(1, SCALE));

export const STRANGER = 'ou_fuzz_stranger_0001';
export const OTHER_TENANT_KEY = 'fuzz-other-tenant';
/** Chinese (CJK unified ideographs): every reply and toast must contain some. */
export const CHINESE = /[\u4e00-\u9fff]/;

/** Generous limits: this suite is about handlers, not rate limiting (covered in test/feishu). */
const BIG_LIMITS = { appPerSecond: 100_000, appPerMinute: 1_000_000 };

export interface Bot {
  fake: FakeFeishu;
  rt: FeishuRuntime;
  app: AppContext;
  db: Db;
  provider: Database['provider'];
  tenantId: number;
  otherTenantId: number;
  stop(): Promise<void>;
}

export async function startBot(database: Database): Promise<Bot> {
  const fake = await FakeFeishu.start({
    ...demoDirectory(),
    redeliveryScheduleMs: [],
    // The fuzz asserts what is answered and written, not how fast: Feishu's 3-s ack window is held by
    // test/feishu/webhook.test.ts and bench:webhook. Under a full parallel suite on 2 cores a 180-KB
    // encrypted event took longer than 3 s to ack, which failed CI without any fault in the bot.
    ackTimeoutMs: 20_000,
    limits: { ...BIG_LIMITS, perChatPerSecond: 100_000, perUserPerSecond: 100_000, perMessageUpdatePerSecond: 100_000 },
  });
  fake.addUser({ openId: STRANGER, name: '陌生人' });
  const app = await testApp(database, { tenantKey: fake.tenantKey });
  const db = database.prisma;
  const tenantId = app.defaultTenant.id;
  const imported = await importLedger(db, tenantId, [DEMO_WORKBOOK]);
  if (!imported.ok) throw new Error('demo import failed');
  const other = await ensureTenant(db, OTHER_TENANT_KEY);
  const importedOther = await importLedger(db, other.id, [DEMO_WORKBOOK]);
  if (!importedOther.ok) throw new Error('demo import (other tenant) failed');
  const { rt } = await startBotOnFake(fake, {
    db: database, handlers: createBotHandlers(app),
    sender: { limits: { ...BIG_LIMITS, perRecipientPerSecond: 100_000, perMessageUpdatePerSecond: 100_000 } },
  });
  return {
    fake, rt, app, db, provider: database.provider, tenantId, otherTenantId: other.id,
    async stop() {
      await rt.stop();
      await fake.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Who is who (read from the database, not from the demo source: the oracle must not share code
// with the handlers beyond the data itself).

export interface PersonInfo { id: number; openId: string; name: string; unitId: number | null; roles: string[] }
export interface TaskInfo { id: number; tenantId: number; code: string; codeKey: string; leadUnitId: number; coUnitIds: number[]; leaderIds: number[] }

export async function directory(db: Db, tenantId: number) {
  const people = (await db.person.findMany({ where: { tenantId } }))
    .filter((p) => p.openId)
    .map((p): PersonInfo => ({ id: p.id, openId: p.openId!, name: p.name, unitId: p.unitId, roles: p.roles.split(',').filter(Boolean) }));
  const tasks = (await db.task.findMany({ where: { tenantId }, include: { coUnits: true, leadLeaders: true }, orderBy: { id: 'asc' } }))
    .map((t): TaskInfo => ({
      id: t.id, tenantId: t.tenantId, code: t.code, codeKey: t.codeKey, leadUnitId: t.leadUnitId,
      coUnitIds: t.coUnits.map((c) => c.unitId), leaderIds: t.leadLeaders.map((l) => l.personId),
    }));
  return { people, tasks, byOpenId: new Map(people.map((p) => [p.openId, p])), taskById: new Map(tasks.map((t) => [t.id, t])) };
}

// ---------------------------------------------------------------------------------------------
// Snapshots: everything a handler could write to the ledger (not the outbox or inbox, and not the
// derived colour cache — level/levelOn/onTime/updatedAt — that summaries refresh on read).

export async function snapshot(db: Db) {
  const tasks = await db.task.findMany({
    orderBy: { id: 'asc' },
    select: { id: true, tenantId: true, status: true, statusReason: true, lastPercent: true, lastReportAt: true, completedOn: true, closedOn: true },
  });
  const [reports, audit, people, units, milestones] = await Promise.all([
    db.progressReport.findMany({ orderBy: { id: 'asc' }, select: { id: true, tenantId: true, taskId: true, reporterId: true, kind: true, text: true, percent: true, problems: true, nextSteps: true, source: true } }),
    db.auditLog.findMany({ orderBy: { id: 'asc' }, select: { id: true, tenantId: true, actor: true, entity: true, entityId: true, action: true } }),
    db.person.count(),
    db.unit.count(),
    db.milestone.count(),
  ]);
  return { tasks: tasks.map((t) => ({ ...t, lastReportAt: t.lastReportAt?.toISOString() ?? null })), reports, audit, people, units, milestones };
}
export type Snapshot = Awaited<ReturnType<typeof snapshot>>;

export interface Diff {
  changedTasks: { before: Snapshot['tasks'][number]; after: Snapshot['tasks'][number] }[];
  newReports: Snapshot['reports'];
  newAudit: Snapshot['audit'];
  /** Rows that vanished or counts that moved: must never happen from a chat or card. */
  other: string[];
}

export function diff(before: Snapshot, after: Snapshot): Diff {
  const old = new Map(before.tasks.map((t) => [t.id, t]));
  const changedTasks: Diff['changedTasks'] = [];
  const other: string[] = [];
  for (const t of after.tasks) {
    const b = old.get(t.id);
    if (!b) other.push(`new task ${t.id}`);
    else if (JSON.stringify(b) !== JSON.stringify(t)) changedTasks.push({ before: b, after: t });
  }
  if (after.tasks.length !== before.tasks.length) other.push(`task count ${before.tasks.length} → ${after.tasks.length}`);
  const lastReport = before.reports.at(-1)?.id ?? 0;
  const lastAudit = before.audit.at(-1)?.id ?? 0;
  if (JSON.stringify(after.reports.filter((r) => r.id <= lastReport)) !== JSON.stringify(before.reports)) other.push('existing reports changed');
  if (JSON.stringify(after.audit.filter((a) => a.id <= lastAudit)) !== JSON.stringify(before.audit)) other.push('existing audit entries changed');
  for (const k of ['people', 'units', 'milestones'] as const) if (before[k] !== after[k]) other.push(`${k} ${before[k]} → ${after[k]}`);
  return { changedTasks, newReports: after.reports.filter((r) => r.id > lastReport), newAudit: after.audit.filter((a) => a.id > lastAudit), other };
}

export const isEmptyDiff = (d: Diff) => d.changedTasks.length === 0 && d.newReports.length === 0 && d.newAudit.length === 0 && d.other.length === 0;

/**
 * Everything that changed must be something this person may do (DESIGN §6), judged independently
 * of src/core/permissions.ts: status changes by the lead unit (签收/异议/完成) or the office;
 * reports by the lead unit, a co-unit, a lead leader or the office; nothing in another tenant;
 * nothing at all by an unregistered person.
 */
export function expectOnlyPermittedChanges(d: Diff, operator: PersonInfo | undefined, tenantId: number, tasks: Map<number, TaskInfo>): void {
  expect(d.other).toEqual([]);
  if (!operator) {
    expect(isEmptyDiff(d), 'an unregistered person changed the ledger').toBe(true);
    return;
  }
  const office = operator.roles.includes('ADMIN');
  const inLead = (t: TaskInfo) => operator.unitId !== null && t.leadUnitId === operator.unitId;
  const inCo = (t: TaskInfo) => operator.unitId !== null && t.coUnitIds.includes(operator.unitId);
  const leads = (t: TaskInfo) => t.leaderIds.includes(operator.id);
  for (const { before, after } of d.changedTasks) {
    expect(after.tenantId, 'a task of another tenant changed').toBe(tenantId);
    const t = tasks.get(after.id)!;
    if (before.status !== after.status) {
      expect(office || inLead(t) || leads(t), `${operator.name} changed the status of ${t.code} (${before.status} → ${after.status})`).toBe(true);
      if (!office && !leads(t)) expect(['推进中', '有异议', '待销号']).toContain(after.status);
    } else {
      // Only a report touches a task without changing its status.
      expect(office || inLead(t) || inCo(t) || leads(t), `${operator.name} touched ${t.code} of another unit`).toBe(true);
    }
  }
  for (const r of d.newReports) {
    expect(r.tenantId, 'a report in another tenant').toBe(tenantId);
    expect(r.reporterId).toBe(operator.id);
    const t = tasks.get(r.taskId)!;
    expect(office || inLead(t) || inCo(t) || leads(t), `${operator.name} reported on ${t.code} of another unit`).toBe(true);
    if (r.kind === '完成') expect(office || inLead(t) || leads(t)).toBe(true);
  }
  for (const a of d.newAudit) {
    expect(a.tenantId).toBe(tenantId);
    expect(a.actor).toBe(`person:${operator.id}`);
  }
  // A liaison (not in the office) never changes a task their unit neither leads nor co-operates on.
  if (operator.roles.includes('LIAISON') && !office) {
    for (const { after } of d.changedTasks) {
      const t = tasks.get(after.id)!;
      expect(inLead(t) || inCo(t), `liaison ${operator.name} changed ${t.code}`).toBe(true);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Chat helpers

export const headerOf = (m: FakeMessage | undefined) => ((m?.content as { header?: { title?: { content?: string } } })?.header?.title?.content) ?? '';

/** Text of a bot message: a text message's text, or every string in a card. */
export function messageText(m: FakeMessage): string {
  if (m.msgType === 'text') return String((m.content as { text?: unknown }).text ?? '');
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(m.content);
  return out.join('\n');
}

/** The bot's replies to a message. */
export const repliesTo = (fake: FakeFeishu, messageId: string) => fake.botMessages().filter((m) => m.parentId === messageId);

export async function waitForReply(fake: FakeFeishu, messageId: string, timeoutMs = 10_000): Promise<FakeMessage> {
  return waitFor(() => repliesTo(fake, messageId)[0], timeoutMs, 10);
}

/** Every inbox row handled, none failed, none retried after an error. */
export async function expectInboxClean(db: Db): Promise<void> {
  const bad = await db.inboxEvent.findMany({ where: { OR: [{ status: { not: 'done' } }, { error: { not: null } }] }, select: { eventId: true, eventType: true, status: true, error: true } });
  expect(bad).toEqual([]);
}
