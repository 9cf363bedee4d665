// Delivery problems: messages Feishu refused for good, kept per tenant, recipient and cause
// (DeliveryProblem, prisma/models/delivery.prisma). Each undeliverable message used to raise its own
// 「消息未能送达」 card, every day; the office now hears once per recipient and cause, and again only
// when it changes: the recipient fails for another cause, or a send to it succeeded (resolved) and
// the problem came back. What a cause means and what to do is the transport's table
// (src/feishu/error-codes.ts); here are the records and who a recipient is in the ledger.
import type { Db, DbOrTx } from '../db/client.js';
import { ROLE_LABELS, type Role } from '../core/types.js';
import { recipientsSetting } from './recipients.js';

/** The whole deployment (a cause that stops every send): one problem, not one per recipient. */
export const EVERY_RECIPIENT = '*';

/** "open_id:ou_…" / "chat_id:oc_…": how a problem names its recipient. */
export const recipientKey = (receiveIdType: string, receiveId: string) => `${receiveIdType}:${receiveId}`;

export interface ProblemReport {
  tenantId: number;
  /** recipientKey(…) or EVERY_RECIPIENT. */
  recipient: string;
  /** The cause key, e.g. bot_not_in_chat. */
  cause: string;
  errorCode: number | null;
  at: Date;
  /** Whether the office is told about this cause at all. */
  notify: boolean;
}

export interface RecordedProblem {
  id: number;
  /** True when the office must be told now: new, came back after it was resolved, or a new cause for this recipient. */
  tell: boolean;
  /** When this occurrence started (a reopened problem starts again). */
  firstSeenAt: Date;
}

/**
 * Records one refused message. Each step is one statement, so two instances recording the same
 * problem at once tell the office once: the INSERT (or the reopening UPDATE) decides.
 */
export async function recordDeliveryProblem(db: DbOrTx, p: ProblemReport): Promise<RecordedProblem> {
  const where = { tenantId: p.tenantId, recipient: p.recipient, cause: p.cause };
  // Another cause for this recipient supersedes the old one: if the old one comes back, it is news again.
  await db.deliveryProblem.updateMany({ where: { tenantId: p.tenantId, recipient: p.recipient, cause: { not: p.cause }, resolvedAt: null }, data: { resolvedAt: p.at } });
  const notifiedAt = p.notify ? p.at : null;
  const inserted = await db.$queryRaw<{ id: number }[]>`
    INSERT INTO "DeliveryProblem" ("tenantId", "recipient", "cause", "errorCode", "failures", "firstSeenAt", "lastSeenAt", "notifiedAt")
    VALUES (${p.tenantId}, ${p.recipient}, ${p.cause}, ${p.errorCode}, 1, ${p.at}, ${p.at}, ${notifiedAt})
    ON CONFLICT DO NOTHING
    RETURNING "id"`;
  if (inserted[0]) return { id: Number(inserted[0].id), tell: p.notify, firstSeenAt: p.at };
  const reopened = await db.deliveryProblem.updateMany({
    where: { ...where, resolvedAt: { not: null } },
    data: { resolvedAt: null, firstSeenAt: p.at, lastSeenAt: p.at, failures: 1, errorCode: p.errorCode, notifiedAt },
  });
  if (reopened.count === 0) {
    await db.deliveryProblem.updateMany({ where, data: { lastSeenAt: p.at, errorCode: p.errorCode, failures: { increment: 1 } } });
  }
  const row = await db.deliveryProblem.findUniqueOrThrow({ where: { tenantId_recipient_cause: where }, select: { id: true, firstSeenAt: true } });
  return { id: row.id, tell: reopened.count === 1 && p.notify, firstSeenAt: row.firstSeenAt };
}

/** A send to these recipients succeeded: their open problems (and app-wide ones) are resolved. */
export async function resolveDeliveryProblems(db: DbOrTx, tenantId: number, recipients: string[], at: Date): Promise<number> {
  const { count } = await db.deliveryProblem.updateMany({ where: { tenantId, recipient: { in: recipients }, resolvedAt: null }, data: { resolvedAt: at } });
  return count;
}

/**
 * Which (tenant, recipient) pairs have an open problem, cached so a successful send costs no query
 * unless its recipient had one. Refreshed from the database every `maxAgeMs` (other instances record
 * problems too) and updated at once by this process's own records.
 */
export class OpenProblemIndex {
  private keys = new Set<string>();
  private loadedAt = -Infinity;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly maxAgeMs = 60_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  add(tenantId: number, recipient: string): void {
    this.keys.add(`${tenantId}|${recipient}`);
  }

  /** The recipients among these (plus EVERY_RECIPIENT) that may have an open problem. */
  async openAmong(tenantId: number, recipients: string[]): Promise<string[]> {
    if (this.now() - this.loadedAt > this.maxAgeMs) {
      this.loading ??= this.reload().finally(() => (this.loading = undefined));
      await this.loading;
    }
    return [...recipients, EVERY_RECIPIENT].filter((r) => this.keys.has(`${tenantId}|${r}`));
  }

  forget(tenantId: number, recipients: string[]): void {
    for (const r of recipients) this.keys.delete(`${tenantId}|${r}`);
  }

  private async reload(): Promise<void> {
    const open = await this.db.deliveryProblem.findMany({ where: { resolvedAt: null }, select: { tenantId: true, recipient: true } });
    this.keys = new Set(open.map((o) => `${o.tenantId}|${o.recipient}`));
    this.loadedAt = this.now();
  }
}

/**
 * Who a recipient is, as the office knows them: 「程功（石堡镇 · 改革联络员）」, 「石堡镇工作群」,
 * 「改革办工作群」; an id the ledger does not know is shown as is. Plain text (escape before markdown).
 */
export async function describeRecipient(db: DbOrTx, tenantId: number, recipient: string): Promise<string> {
  if (recipient === EVERY_RECIPIENT) return '所有接收人';
  const sep = recipient.indexOf(':');
  const type = recipient.slice(0, sep);
  const id = recipient.slice(sep + 1);
  if (type === 'open_id') {
    const person = await db.person.findFirst({ where: { tenantId, openId: id }, include: { unit: { select: { name: true } } } });
    if (!person) return `飞书用户 ${id}（台账中没有此人）`;
    const roles = person.roles.split(',').filter(Boolean).map((r) => ROLE_LABELS[r as Role] ?? r).join('、');
    const about = [person.unit?.name, roles].filter(Boolean).join(' · ');
    return `${person.name}${about ? `（${about}）` : ''}`;
  }
  if (type === 'chat_id') {
    const unit = await db.unit.findFirst({ where: { tenantId, chatId: id }, select: { name: true } });
    if (unit) return `${unit.name}工作群`;
    const setting = await recipientsSetting(db, tenantId).catch(() => ({}) as Awaited<ReturnType<typeof recipientsSetting>>);
    if (setting.officeChatId === id) return '改革办工作群';
    if (setting.allHandsChatId === id) return '全体工作群';
    return `群 ${id}（台账中没有绑定此群的单位）`;
  }
  return `消息 ${id}`;
}
