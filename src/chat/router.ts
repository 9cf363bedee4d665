// The bot's handlers (BotHandlers): a text message is parsed (parse.ts) and run by its command's
// handler (commands/); a card click is run by its action's handler (actions/). They never know
// which transport delivered the input; they answer through the outbox (src/outbox), and every
// write and the messages it causes share one transaction (src/ledger/actions.ts).
import type { AppContext } from '../app.js';
import { shanghaiDate } from '../core/dates.js';
import { findActorByOpenId, loadTask } from '../ledger/actions.js';
import { officeRecipients } from '../ledger/recipients.js';
import { resolveEventTenant } from '../ledger/tenancy.js';
import type { TenantRef } from '../db/repos/tenants.js';
import { mdEscape } from '../cards/render.js';
import { quoteInText } from '../core/text.js';
import { helpCard, noticeCard } from './cards.js';
import { CARD_ACTIONS } from './actions/index.js';
import { COMMAND_HANDLERS } from './commands/index.js';
import { cardValueSchema, type ActionContext, type CommandHandler, type MessageContext } from './context.js';
import { parseChatCommand, type ParsedCommand } from './parse.js';
import { card, replyTo, sendTo, text } from './say.js';
import type { BotAddedToChat, BotHandlers, CardAction, CardActionResponse, ChatMessage } from './types.js';

export function createBotHandlers(app: AppContext): BotHandlers {
  const db = app.db.prisma;
  const isv = app.config.feishu.appType === 'isv';

  async function onMessage(msg: ChatMessage): Promise<void> {
    // Groups: only messages that @ the bot are for us (with the group_msg scope we'd see all).
    if (msg.chatType === 'group' && !msg.mentionsBot) return;
    const tenant = await resolveEventTenant(app, msg.tenantKey);
    const actor = await findActorByOpenId(db, tenant.id, msg.sender.openId);
    if (!actor) return unregistered(tenant, msg);
    const command = parseChatCommand(msg.text);
    const ctx: MessageContext = {
      app, db, tenant, actor, msg, today: shanghaiDate(app.clock.now()), calendar: await app.calendars.calendarFor(tenant.id),
      reply: (content, tx) => replyTo(tx ?? db, tenant.id, msg, content),
    };
    if (command.kind === 'unknown') {
      return void (await ctx.reply(text(`没有看懂「${quoteInText(command.text)}」。可以这样说：\n进展 LY-012 完成方案起草，下步征求意见 60%\n问题 LY-012 用地指标不足\n完成 LY-012 已印发实施方案\n我的任务 ／ 台账 ／ 帮助`)));
    }
    if (command.kind === 'malformed') {
      return void (await ctx.reply(text(`「${command.verb}」没能登记：${quoteInText(command.problem, 80)}。\n示例：${command.example}`)));
    }
    const handler = COMMAND_HANDLERS[command.kind] as CommandHandler<ParsedCommand['kind']>;
    await handler(ctx, command);
  }

  async function unregistered(tenant: TenantRef, msg: ChatMessage): Promise<void> {
    // A tenant that just installed the store app has no ledger yet: say so, with the key the
    // operator needs to load it (nobody there could register this person yet).
    if (isv && (await db.person.count({ where: { tenantId: tenant.id } })) === 0) {
      return void (await replyTo(db, tenant.id, msg, text(`台账机器人已在贵单位启用，但还没有导入改革台账（单位、人员、事项）。请改革办联系系统管理员导入台账后再使用；导入时请告知租户标识：${tenant.key}`)));
    }
    await replyTo(db, tenant.id, msg, text('您还没有登记在台账人员名单中，暂时不能使用台账机器人。请联系本单位改革联络员或县委改革办，在台账「人员」表中登记您的姓名、单位和飞书账号后再试。'));
    // The office hears about each unknown sender once.
    const office = await officeRecipients(db, tenant.id);
    await sendTo(db, tenant.id, office, `unregistered:${msg.sender.openId}`, card(noticeCard('有未登记人员使用台账机器人',
      `open_id：${mdEscape(msg.sender.openId)}\n所在会话：${msg.chatType === 'p2p' ? '私聊' : mdEscape(msg.chatId)}\n请在「人员」表中登记后重新导入，或在人员信息中补充飞书ID。`, 'orange')));
  }

  async function onCardAction(action: CardAction): Promise<CardActionResponse> {
    const parsed = cardValueSchema.safeParse(action.value);
    const spec = parsed.success && Object.hasOwn(CARD_ACTIONS, parsed.data.a) ? CARD_ACTIONS[parsed.data.a] : undefined;
    if (!parsed.success || !spec) return { toast: { type: 'error', content: '无法识别该卡片操作，请发送「帮助」查看用法' } };
    const tenant = await resolveEventTenant(app, action.tenantKey);
    const actor = await findActorByOpenId(db, tenant.id, action.operator.openId);
    if (!actor) return { toast: { type: 'error', content: '您还没有登记在台账人员名单中，请联系县委改革办' } };
    const ctx: ActionContext = { app, db, tenant, actor, action, value: parsed.data, today: shanghaiDate(app.clock.now()), calendar: await app.calendars.calendarFor(tenant.id) };
    if (!spec.needsTask) return spec.handle(ctx);
    const task = parsed.data.t ? await loadTask(db, tenant.id, parsed.data.t) : null;
    if (!task) return { toast: { type: 'error', content: '该事项不存在或已删除' } };
    return spec.handle(ctx, task);
  }

  async function onBotAdded(event: BotAddedToChat): Promise<void> {
    const tenant = await resolveEventTenant(app, event.tenantKey);
    await sendTo(db, tenant.id, [{ receiveIdType: 'chat_id', receiveId: event.chatId, label: '' }], 'bot-added', card(helpCard(false)));
  }

  return { onMessage, onCardAction, onBotAdded };
}
