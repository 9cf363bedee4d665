// Runs the bot against a Feishu platform (real, or the sandbox's fake): the transport (webhook or
// long connection), the inbox processor, the sender, and reports of undeliverable messages.
import type { AppContext } from './app.js';
import type { Config } from './config.js';
import type { BotHandlers } from './chat/types.js';
import { startFeishuRuntime, type FeishuRuntime, type FeishuRuntimeOptions } from './feishu/runtime.js';
import { enqueueMessage, type OutboxRow } from './outbox/index.js';
import { officeRecipients } from './ledger/recipients.js';
import { noticeCard } from './chat/cards.js';
import { md } from './cards/markup.js';

/** A message Feishu refused for good (bot not in the group, user left…): the office hears of it once. */
export async function reportSendFailure(app: AppContext, row: OutboxRow): Promise<void> {
  if (row.dedupeKey.startsWith('send-failed:')) return; // never report a failed report
  // A reply to a message its sender recalled meanwhile (230011): nothing was lost, nobody to tell.
  if (row.kind === 'reply' && row.errorCode === 230011) return;
  const db = app.db.prisma;
  const to = await officeRecipients(db, row.tenantId);
  for (const r of to) {
    await enqueueMessage(db, {
      tenantId: row.tenantId, dedupeKey: `send-failed:${row.id}:${r.receiveId}`, kind: 'send', receiveIdType: r.receiveIdType, receiveId: r.receiveId,
      message: { msgType: 'interactive', content: noticeCard('消息未能送达', md`发往 ${row.receiveIdType ?? ''} ${row.receiveId ?? ''} 的消息发送失败：${row.error ?? '未知原因'}（错误码 ${row.errorCode ?? '—'}）。\n请检查机器人是否在群内、人员是否仍在可用范围内。`, 'red') },
    });
  }
  app.logger.warn({ outboxId: row.id, code: row.errorCode }, '消息永久发送失败，已通知改革办');
}

export async function startBot(
  app: AppContext,
  handlers: BotHandlers,
  config: Config = app.config,
  listen?: { port?: number; host?: string },
  parts: Pick<FeishuRuntimeOptions, 'sender'> = {},
): Promise<FeishuRuntime> {
  return startFeishuRuntime({
    config,
    db: app.db,
    handlers,
    logger: app.logger,
    onPermanentFailure: (row) => reportSendFailure(app, row),
    ...(config.instanceId ? { instanceId: config.instanceId } : {}),
    watchdog: { silentAfterMs: config.feishu.wsSilentAfterSeconds * 1000, pingTimeoutSec: config.feishu.wsPingTimeoutSeconds },
    ...(listen ? { listen } : {}),
    ...parts,
  });
}
