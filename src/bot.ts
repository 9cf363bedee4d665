// Runs the bot against a Feishu platform (real, or the sandbox's fake): the transport (webhook or
// long connection), the inbox processor, the sender, and what the office hears about messages
// Feishu refused for good.
import type { AppContext } from './app.js';
import type { Config } from './config.js';
import type { BotHandlers } from './chat/types.js';
import { startFeishuRuntime, type FeishuRuntime, type FeishuRuntimeOptions } from './feishu/runtime.js';
import { deliveryCauseOf } from './feishu/errors.js';
import { enqueueMessage, type OutboxRow } from './outbox/index.js';
import { officeRecipients, type Recipient } from './ledger/recipients.js';
import {
  describeRecipient,
  EVERY_RECIPIENT,
  OpenProblemIndex,
  recipientKey,
  recordDeliveryProblem,
  resolveDeliveryProblems,
} from './ledger/delivery-problems.js';
import { noticeCard } from './chat/cards.js';
import { md } from './cards/markup.js';
import { startReachLoop } from './jobs/reach.js';
import { markGroupLeft } from './chat/group-events.js';
import { deactivateDeparted, departureText } from './ledger/departures.js';

/** Dedupe-key prefix of the office's 「消息未能送达」 notices. */
export const DELIVERY_NOTICE_PREFIX = 'delivery-problem:';

export interface DeliveryReporting {
  /** A row the sender gave up on (permanent code, or retries exhausted). */
  onPermanentFailure(row: OutboxRow): Promise<void>;
  /** A row that went out: its recipient's open problems are over. */
  onSent(row: OutboxRow): Promise<void>;
}

/**
 * The office hears of a refused message once per recipient and cause (DeliveryProblem), with who
 * that recipient is in the ledger and what to do — not once per message, every day. A failed
 * delayed card update (its row holds the clicker's callback token) and a reply or update whose
 * target is gone are only logged.
 */
export function deliveryReporting(app: AppContext): DeliveryReporting {
  const db = app.db.prisma;
  const open = new OpenProblemIndex(db);
  const log = app.logger.child({ module: 'delivery' });
  return {
    async onPermanentFailure(row) {
      const { key, cause } = deliveryCauseOf(row.errorCode, row.kind);
      // A group the bot is no longer in: unbound, nothing more sent there. The office hears of it
      // below (once per problem) — unless the removal event already told it.
      let unbound: string[] = [];
      let whoBefore: string | undefined;
      if (key === 'bot_not_in_chat' && row.kind === 'send' && row.receiveIdType === 'chat_id' && row.receiveId) {
        whoBefore = await describeRecipient(db, row.tenantId, recipientKey('chat_id', row.receiveId));
        const gone = await markGroupLeft(app, row.tenantId, row.receiveId, 'send');
        if (gone.toldByEvent) {
          log.warn({ outboxId: row.id, chatId: row.receiveId }, '机器人已被移出该群（改革办已获通知），消息未发送');
          return;
        }
        unbound = gone.units;
      }
      // Never the row's receiveId or content in a log line either: a card_update row's receiveId is the callback token.
      const where = { outboxId: row.id, kind: row.kind, code: row.errorCode, cause: key };
      if (!cause.notify) {
        log.warn(where, `消息发送失败（${cause.label}），不通知改革办`);
        return;
      }
      const recipient = cause.scope === 'app' ? EVERY_RECIPIENT : await recipientOf(app, row);
      // A user who left (or is outside the availability scope): inactive now, the office hears who remains.
      const departure = (key === 'user_resigned' || key === 'user_out_of_scope') && recipient.startsWith('open_id:')
        ? await deactivateDeparted(db, row.tenantId, recipient.slice('open_id:'.length), row.errorCode)
        : undefined;
      const now = app.clock.now();
      const problem = await recordDeliveryProblem(db, { tenantId: row.tenantId, recipient, cause: key, errorCode: row.errorCode, at: now, notify: true });
      open.add(row.tenantId, recipient);
      if (!problem.tell) {
        log.warn(where, `消息发送失败（${cause.label}），改革办此前已获通知`);
        return;
      }
      const who = whoBefore ?? (await describeRecipient(db, row.tenantId, recipient));
      const to = await noticeRecipients(app, row.tenantId, recipient);
      const code = row.errorCode !== null ? `（飞书错误码 ${row.errorCode}）` : '';
      const body =
        cause.scope === 'app'
          ? md`**原因**：${cause.label}${code}\n**怎么办**：${cause.advice}\n修复之前，机器人发出的消息都会失败；同一原因不再逐条通知。`
          : md`**接收人**：${who}\n**原因**：${cause.label}${code}\n**怎么办**：${cause.advice}${departure ? md`\n${departureText(departure)}` : ''}${unbound.length ? md`\n已解除该群与「${unbound.join('、')}」的绑定，重新加入后请在群里 @机器人 发送「绑定 ${unbound[0]!}」。` : ''}\n问题解决之前，发给${who}的消息因同一原因失败时不再逐条通知；原因变化或问题再次出现时会再通知。`;
      const title = cause.scope === 'app' ? '消息未能送达：飞书应用配置问题' : `消息未能送达：${who}`;
      for (const r of to) {
        await enqueueMessage(db, {
          tenantId: row.tenantId,
          dedupeKey: `${DELIVERY_NOTICE_PREFIX}${problem.id}:${problem.firstSeenAt.getTime()}:${r.receiveId}`,
          kind: 'send',
          receiveIdType: r.receiveIdType,
          receiveId: r.receiveId,
          message: { msgType: 'interactive', content: noticeCard(title, body, 'red') },
        });
      }
      log.warn({ ...where, notified: to.length }, `消息发送失败（${cause.label}），已通知改革办`);
    },

    async onSent(row) {
      if (row.kind !== 'send' || !row.receiveIdType || !row.receiveId) return;
      try {
        // A message went into the group: the bot is there again.
        if (row.receiveIdType === 'chat_id') await db.feishuChat.updateMany({ where: { tenantId: row.tenantId, chatId: row.receiveId, removedAt: { not: null } }, data: { removedAt: null } });
        const recipients = await open.openAmong(row.tenantId, [recipientKey(row.receiveIdType, row.receiveId)]);
        if (recipients.length === 0) return;
        const n = await resolveDeliveryProblems(db, row.tenantId, recipients, app.clock.now());
        open.forget(row.tenantId, recipients);
        if (n > 0) log.info({ tenantId: row.tenantId, resolved: n }, '此前未能送达的接收人已恢复正常');
      } catch (err) {
        log.warn({ err: err instanceof Error ? err.message : String(err) }, '更新送达问题记录失败');
      }
    },
  };
}

/** The person or group a failed row was for: replies by the chat of the message replied to, updates by the card's own recipient. */
async function recipientOf(app: AppContext, row: OutboxRow): Promise<string> {
  const db = app.db.prisma;
  if (row.kind === 'send' && row.receiveIdType && row.receiveId) return recipientKey(row.receiveIdType, row.receiveId);
  if (row.kind === 'reply' && row.receiveId) {
    const received = await db.inboxEvent.findUnique({ where: { messageId: row.receiveId }, select: { payload: true } });
    try {
      const event = (JSON.parse(received?.payload ?? '') as { event?: { message?: { chat_id?: unknown; chat_type?: unknown }; sender?: { sender_id?: { open_id?: unknown } } } }).event;
      const openId = event?.sender?.sender_id?.open_id;
      if (event?.message?.chat_type === 'p2p' && typeof openId === 'string') return recipientKey('open_id', openId);
      if (typeof event?.message?.chat_id === 'string') return recipientKey('chat_id', event.message.chat_id);
    } catch {
      /* payload purged or unreadable: named by the message */
    }
  }
  if (row.kind === 'patch' && row.receiveId) {
    const sent = await db.outboxMessage.findFirst({ where: { feishuMessageId: row.receiveId, kind: 'send' }, select: { receiveIdType: true, receiveId: true } });
    if (sent?.receiveIdType && sent.receiveId) return recipientKey(sent.receiveIdType, sent.receiveId);
  }
  return `message:${row.receiveId ?? row.id}`;
}

/**
 * Where the office hears of it: its usual recipients, except the one that just failed (the office
 * group itself, say) — then its staff privately.
 */
async function noticeRecipients(app: AppContext, tenantId: number, failing: string): Promise<Recipient[]> {
  const office = (await officeRecipients(app.db.prisma, tenantId)).filter((r) => recipientKey(r.receiveIdType, r.receiveId) !== failing);
  if (office.length > 0) return office;
  const admins = await app.db.prisma.person.findMany({ where: { tenantId, active: true, roles: { contains: 'ADMIN' }, openId: { not: null } }, orderBy: { id: 'asc' } });
  return admins
    .filter((a) => a.roles.split(',').includes('ADMIN') && recipientKey('open_id', a.openId!) !== failing)
    .map((a) => ({ receiveIdType: 'open_id' as const, receiveId: a.openId!, label: a.name }));
}

export async function startBot(
  app: AppContext,
  handlers: BotHandlers,
  config: Config = app.config,
  listen?: { port?: number; host?: string },
  parts: Pick<FeishuRuntimeOptions, 'sender'> = {},
): Promise<FeishuRuntime> {
  const reporting = deliveryReporting(app);
  const rt = await startFeishuRuntime({
    config,
    db: app.db,
    handlers,
    logger: app.logger,
    onPermanentFailure: (row) => reporting.onPermanentFailure(row),
    ...(config.instanceId ? { instanceId: config.instanceId } : {}),
    watchdog: { silentAfterMs: config.feishu.wsSilentAfterSeconds * 1000, pingTimeoutSec: config.feishu.wsPingTimeoutSeconds },
    ...(listen ? { listen } : {}),
    ...parts,
    sender: { onSent: (row) => reporting.onSent(row), ...parts.sender },
  });
  // People without an open_id are looked up by mobile/email now and daily (jobs/reach.ts).
  const stopReach = startReachLoop(app, rt.client);
  const stop = rt.stop.bind(rt);
  return Object.assign(rt, { stop: async () => (stopReach(), stop()) });
}
