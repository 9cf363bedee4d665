// The bot joining and leaving groups (im.chat.member.bot.added_v1 / deleted_v1, or 230002 on a
// send): the chat is recorded, a group named as a unit's 工作群 is bound automatically, a group the
// bot left is unbound and nothing more is sent there — and the office hears of each change once.
import type { AppContext } from '../app.js';
import type { TenantRef } from '../db/repos/tenants.js';
import { recordBotAdded, recordBotRemoved } from '../ledger/groups.js';
import { officeRecipients, type Recipient } from '../ledger/recipients.js';
import { md } from '../cards/markup.js';
import { helpCard, noticeCard } from './cards.js';
import { card, sendTo } from './say.js';
import type { BotAddedToChat } from './types.js';

export async function onBotAddedToGroup(app: AppContext, tenant: TenantRef, event: BotAddedToChat): Promise<void> {
  const db = app.db.prisma;
  const name = event.chatName ?? '';
  const now = app.clock.now();
  const { autoBound } = await db.$transaction((tx) => recordBotAdded(tx, tenant.id, { chatId: event.chatId, name, ...(event.operatorOpenId ? { addedBy: event.operatorOpenId } : {}), at: now }));
  const any = await db.task.findFirst({ where: { tenantId: tenant.id }, orderBy: { codeKey: 'asc' }, select: { code: true } });
  const group: Recipient[] = [{ receiveIdType: 'chat_id', receiveId: event.chatId, label: name }];
  await sendTo(db, tenant.id, group, `bot-added:${now.getTime()}`, card(helpCard(false, any?.code ?? '编号')));
  if (autoBound) {
    await sendTo(db, tenant.id, group, `group-autobound:${now.getTime()}`, card(noticeCard('本群已绑定为单位工作群', md`本群名称与台账中「${autoBound}」的工作群一致，已自动绑定：该单位的任务交办单、提醒和督办消息会发到本群。如有误，请县委改革办在群里 @机器人 发送「解绑」。`, 'green')));
  }
  const office = (await officeRecipients(db, tenant.id)).filter((r) => r.receiveId !== event.chatId);
  const adder = event.operatorOpenId ? await db.person.findFirst({ where: { tenantId: tenant.id, openId: event.operatorOpenId }, select: { name: true } }) : null;
  const body = autoBound
    ? md`机器人被${adder?.name ?? '有人'}加入群「${name}」，群名与「${autoBound}」的工作群一致，已自动绑定。`
    : md`机器人被${adder?.name ?? '有人'}加入群「${name || event.chatId}」。如这是某单位的工作群，请县委改革办或该单位一把手在群里 @机器人 发送「绑定 单位名称」（如：绑定 石堡镇）。发送「群列表」查看全部群及绑定情况。`;
  await sendTo(db, tenant.id, office, `group-added:${event.chatId}:${now.getTime()}`, card(noticeCard(autoBound ? `工作群已自动绑定：${autoBound}` : '机器人已加入新群', body, 'blue')));
}

/**
 * The bot is out of a group: its units unbound, the chat marked gone. `toldByEvent`: the removal
 * event had already marked it (and told the office) — a 230002 afterwards is no news.
 */
export async function markGroupLeft(app: AppContext, tenantId: number, chatId: string, how: 'event' | 'send'): Promise<{ firstTime: boolean; units: string[]; name: string; toldByEvent: boolean }> {
  const db = app.db.prisma;
  const before = await db.feishuChat.findUnique({ where: { tenantId_chatId: { tenantId, chatId } }, select: { removedAt: true, addedBy: true } });
  const gone = await db.$transaction((tx) => recordBotRemoved(tx, tenantId, chatId, app.clock.now(), how === 'event' ? 'feishu:bot-removed' : 'feishu:230002'));
  app.logger.info({ chatId, units: gone.units, firstTime: gone.firstTime }, '机器人已不在群中，已解除绑定');
  // Marked gone before, with no open delivery problem for it: the removal event marked it (and told the office).
  const open = before?.removedAt ? await db.deliveryProblem.findFirst({ where: { tenantId, recipient: `chat_id:${chatId}`, cause: 'bot_not_in_chat', resolvedAt: null }, select: { id: true } }) : null;
  return { ...gone, toldByEvent: Boolean(before?.removedAt) && !open };
}

/** The removal event: unbound, marked, the office told once. */
export async function onBotLeftGroup(app: AppContext, tenantId: number, chatId: string, how: 'event' | 'send'): Promise<void> {
  const db = app.db.prisma;
  const now = app.clock.now();
  const gone = await markGroupLeft(app, tenantId, chatId, how);
  if (!gone.firstTime || gone.toldByEvent) return;
  const office = (await officeRecipients(db, tenantId)).filter((r) => r.receiveId !== chatId);
  const label = gone.name ? `「${gone.name}」` : chatId;
  const body = gone.units.length
    ? md`机器人已不在群${label}中（${how === 'event' ? '被移出群' : '发送消息时飞书答复机器人不在群中'}），已解除该群与「${gone.units.join('、')}」的绑定，不再向该群发送消息。\n如需恢复：把机器人重新加入该单位工作群，并在群里 @机器人 发送「绑定 ${gone.units[0]!}」。`
    : md`机器人已不在群${label}中，该群未绑定单位，不再向该群发送消息。`;
  const removedAt = await db.feishuChat.findUnique({ where: { tenantId_chatId: { tenantId, chatId } }, select: { removedAt: true } });
  await sendTo(db, tenantId, office, `group-removed:${chatId}:${removedAt?.removedAt?.getTime() ?? now.getTime()}`, card(noticeCard(`机器人已不在群${label}`, body, 'orange')));
}
