// The bot's handlers (BotHandlers): a text message is split into its commands and parsed (parse.ts),
// each run by its command's handler (commands/), and answered with ONE reply — the command's own
// when there was one, a summary when there were several; a card click is run by its action's
// handler (actions/); a recalled message withdraws what it recorded (recall.ts). They never know
// which transport delivered the input; they answer through the outbox (src/outbox), and every
// write and the messages it causes share one transaction (src/ledger/actions.ts).
import type { AppContext } from '../app.js';
import { shanghaiDate } from '../core/dates.js';
import { findActorByOpenId, findTaskByCode, loadTask, type LedgerActor } from '../ledger/actions.js';
import { bindUnregisteredSender } from '../ledger/bind-sender.js';
import { senderDirectory } from '../feishu/directory.js';
import type { ContactLookup } from '../feishu/contact.js';
import { dispatchTasks } from './dispatch-tasks.js';
import { officeRecipients } from '../ledger/recipients.js';
import { resolveEventTenant } from '../ledger/tenancy.js';
import type { TenantRef } from '../db/repos/tenants.js';
import { joinMd, md, txt, type Md } from '../cards/markup.js';
import { noticeCard } from './cards.js';
import { CARD_ACTIONS } from './actions/index.js';
import { COMMAND_HANDLERS } from './commands/index.js';
import { cardValueSchema, type ActionContext, type CommandHandler, type CommandResult, type MessageContext } from './context.js';
import { exampleCode, withExampleCode } from './examples.js';
import { EXAMPLES, laterCommandCodes, parseChatMessage, withCodeAfterVerb, type ChatCommand, type ParsedCommand } from './parse.js';
import { taskCodeOfParent } from './reply-context.js';
import { truncate } from '../core/text.js';
import { handleRecall } from './recall.js';
import { onBotAddedToGroup, onBotLeftGroup } from './group-events.js';
import { handleAttachment } from './attachments.js';
import { card, replyTo, sendTo, text } from './say.js';
import type { BotAddedToChat, BotHandlers, CardAction, CardActionResponse, ChatMessage, MessageRecalled } from './types.js';

/** The commands of one message answered in one reply; more than this are refused whole. */
export const MAX_COMMANDS_PER_MESSAGE = 20;

export interface BotHandlerDeps {
  /** Feishu's directory, asked (read-only) who an unregistered sender is; default: the configured app's. */
  directory?: (tenantKey: string) => ContactLookup | undefined;
}

export function createBotHandlers(app: AppContext, deps: BotHandlerDeps = {}): BotHandlers {
  const db = app.db.prisma;
  const directory = deps.directory ?? senderDirectory(app);
  const isv = app.config.feishu.appType === 'isv';

  async function onMessage(msg: ChatMessage): Promise<void> {
    // Files and images carry no @: they are handled by what they are for (attachments.ts).
    if (msg.attachment) return handleAttachment(app, msg);
    // Groups: only messages that @ the bot are for us (with the group_msg scope we'd see all).
    if (msg.chatType === 'group' && !msg.mentionsBot) return;
    const tenant = await resolveEventTenant(app, msg.tenantKey);
    const actor = (await findActorByOpenId(db, tenant.id, msg.sender.openId)) ?? (await bindSender(tenant, msg.sender.openId));
    if (!actor) return unregistered(tenant, msg);
    let code: string | undefined;
    const example = async () => (code ??= await exampleCode(db, tenant.id, actor));

    // Lines after the first start a command only with a code of this ledger (parse.ts).
    const known = new Set<string>();
    for (const c of laterCommandCodes(msg.text)) if ((await findTaskByCode(db, tenant.id, c)).ok) known.add(c);
    let commands = parseChatMessage(msg.text, (c) => known.has(c)).map((c) => c.command);
    // A reply to the bot's message about one task may leave the code out (reply-context.ts).
    if (msg.parentId && commands.length === 1 && commands[0]!.kind === 'malformed') {
      const parentCode = await taskCodeOfParent(db, tenant.id, msg.parentId);
      const rewritten = parentCode ? withCodeAfterVerb(msg.text, parentCode) : null;
      if (rewritten) commands = parseChatMessage(rewritten, (c) => known.has(c)).map((c) => c.command);
    }
    if (commands.length > MAX_COMMANDS_PER_MESSAGE) {
      return void (await replyTo(db, tenant.id, msg, text(txt`一条消息最多登记 ${MAX_COMMANDS_PER_MESSAGE} 条，这条消息有 ${commands.length} 条，均未登记。请分几条消息发送。`)));
    }
    const calendar = await app.calendars.calendarFor(tenant.id);
    const results: CommandResult[] = [];
    for (const [i, command] of commands.entries()) {
      const ctx: MessageContext = {
        app, db, tenant, actor, msg, today: shanghaiDate(app.clock.now()), calendar,
        sourceRef: i === 0 ? `msg:${msg.messageId}` : `msg:${msg.messageId}#${i}`, exampleCode: example,
      };
      results.push(await run(ctx, command));
    }
    if (results.length === 1) return void (await replyTo(db, tenant.id, msg, results[0]!.reply));
    const failed = results.filter((r) => !r.ok).length;
    const title = failed ? `这条消息共 ${results.length} 条：${results.length - failed} 条已办理，${failed} 条未办理` : `这条消息共 ${results.length} 条，均已办理`;
    const body = joinMd([...results.map((r) => r.summary), ...(failed ? [md`\n未办理的请更正后重新发送；已办理的无需再发。`] : [])]);
    await replyTo(db, tenant.id, msg, card(noticeCard(title, body, failed ? 'orange' : 'green')));
  }

  async function run(ctx: MessageContext, command: ChatCommand): Promise<CommandResult> {
    if (command.kind === 'unknown') {
      const examples = Object.values(EXAMPLES).slice(0, 3).join('\n');
      const reply = withExampleCode(txt`没有看懂「${truncate(command.text, 30)}」。可以这样说：\n${examples}\n我的任务 ／ 台账 ／ 帮助`, await ctx.exampleCode());
      return { ok: false, reply: text(reply), summary: md`✗ 没有看懂「${truncate(command.text, 30)}」` };
    }
    if (command.kind === 'malformed') {
      const code = await ctx.exampleCode();
      const reply = withExampleCode(txt`「${command.verb}」没能登记：${truncate(command.problem, 80)}。\n示例：${command.example}`, code);
      const summary: Md = withExampleCode(md`✗ ${command.verb}：${truncate(command.problem, 80)}（示例：${command.example}）`, code);
      return { ok: false, reply: text(reply), summary };
    }
    const handler = COMMAND_HANDLERS[command.kind] as CommandHandler<ParsedCommand['kind']>;
    return handler(ctx, command);
  }

  /**
   * An open_id no person has: Feishu's directory gives their mobile/email, and the ONE active person
   * with it and no account yet is bound (ledger/bind-sender.ts) and handled as that person; their
   * unit's 任务交办单 they could not get before follow (idempotent per task and recipient).
   */
  async function bindSender(tenant: TenantRef, openId: string): Promise<LedgerActor | null> {
    const lookup = directory(tenant.key);
    if (!lookup) return null;
    const res = await bindUnregisteredSender(db, tenant.id, openId, lookup);
    if (!res.bound) {
      app.logger.info({ tenant: tenant.key, why: res.why, detail: res.detail }, '未登记的发消息人未能按通讯录对应到台账人员');
      return null;
    }
    app.logger.info({ tenant: tenant.key, personId: res.personId, by: res.by }, '未登记的发消息人已按通讯录对应到台账人员');
    if (res.unitId !== null) {
      const waiting = await db.task.findMany({ where: { tenantId: tenant.id, status: '待签收', leadUnitId: res.unitId }, select: { id: true }, orderBy: { id: 'asc' } });
      if (waiting.length) await dispatchTasks(app, tenant.id, waiting.map((t) => t.id));
    }
    return findActorByOpenId(db, tenant.id, openId);
  }

  async function unregistered(tenant: TenantRef, msg: ChatMessage): Promise<void> {
    // A tenant that just installed the store app has no ledger yet: say so, with the key the
    // operator needs to load it (nobody there could register this person yet).
    if (isv && (await db.person.count({ where: { tenantId: tenant.id } })) === 0) {
      return void (await replyTo(db, tenant.id, msg, text(txt`台账机器人已在贵单位启用，但还没有导入改革台账（单位、人员、事项）。请改革办联系系统管理员导入台账后再使用；导入时请告知租户标识：${tenant.key}`)));
    }
    await replyTo(db, tenant.id, msg, text(txt`您还没有登记在台账人员名单中，暂时不能使用台账机器人。请联系本单位改革联络员或县委改革办，在台账「人员」表中登记您的姓名、单位和飞书账号后再试。`));
    // The office hears about each unknown sender once.
    const office = await officeRecipients(db, tenant.id);
    await sendTo(db, tenant.id, office, `unregistered:${msg.sender.openId}`, card(noticeCard('有未登记人员使用台账机器人',
      md`open_id：${msg.sender.openId}\n所在会话：${msg.chatType === 'p2p' ? '私聊' : msg.chatId}\n请在台账「人员」表中登记其姓名、单位和飞书账号（飞书ID），由系统管理员重新导入台账后即可使用。`, 'orange')));
  }

  async function onCardAction(action: CardAction): Promise<CardActionResponse> {
    const parsed = cardValueSchema.safeParse(action.value);
    const spec = parsed.success && Object.hasOwn(CARD_ACTIONS, parsed.data.a) ? CARD_ACTIONS[parsed.data.a] : undefined;
    if (!parsed.success || !spec) return { toast: { type: 'error', content: '无法识别该卡片操作，请发送「帮助」查看用法' } };
    const tenant = await resolveEventTenant(app, action.tenantKey);
    // Someone not yet bound clicking a card in their unit's group: looked up like a sender.
    const actor = (await findActorByOpenId(db, tenant.id, action.operator.openId)) ?? (await bindSender(tenant, action.operator.openId));
    if (!actor) return { toast: { type: 'error', content: '您还没有登记在台账人员名单中，请联系县委改革办' } };
    const ctx: ActionContext = { app, db, tenant, actor, action, value: parsed.data, today: shanghaiDate(app.clock.now()), calendar: await app.calendars.calendarFor(tenant.id) };
    if (!spec.needsTask) return spec.handle(ctx);
    const task = parsed.data.t ? await loadTask(db, tenant.id, parsed.data.t) : null;
    if (!task) return { toast: { type: 'error', content: '该事项不存在或已删除' } };
    return spec.handle(ctx, task);
  }

  async function onBotAdded(event: BotAddedToChat): Promise<void> {
    const tenant = await resolveEventTenant(app, event.tenantKey);
    await onBotAddedToGroup(app, tenant, event);
  }

  async function onBotRemoved(event: BotAddedToChat): Promise<void> {
    const tenant = await resolveEventTenant(app, event.tenantKey);
    await onBotLeftGroup(app, tenant.id, event.chatId, 'event');
  }

  async function onMessageRecalled(event: MessageRecalled): Promise<void> {
    const tenant = await resolveEventTenant(app, event.tenantKey);
    await handleRecall(app, tenant, event);
  }

  return { onMessage, onCardAction, onBotAdded, onBotRemoved, onMessageRecalled };
}
