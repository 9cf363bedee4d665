// The bot's handlers (BotHandlers): chat commands and card clicks. They never know which transport
// delivered the input; they answer through the outbox (src/feishu/sender.ts), and every write and
// the messages it causes share one transaction (src/ledger/actions.ts).
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../app.js';
import type { BotAddedToChat, BotHandlers, CardAction, CardActionResponse, ChatMessage, OutgoingContent } from './types.js';
import type { Db, DbOrTx } from '../db/client.js';
import type { Card } from '../cards/render.js';
import { enqueueMessage, type EnqueueInput } from '../feishu/sender.js';
import { ensureTenant, findTenant, type TenantRef } from '../db/repos/tenants.js';
import { FeishuPayloadError } from '../feishu/normalize.js';
import { shanghaiDate, shanghaiShort } from '../core/dates.js';
import { onTimeJudge } from '../core/stats.js';
import type { WorkingCalendar } from '../core/calendar.js';
import { TASK_STATUSES } from '../core/types.js';
import { parseChatCommand, type ChatCommand } from './parse.js';
import {
  findActorByOpenId, findTaskByCode, loadTask, submitReport, transitionTask, urgeTask,
  type LedgerActor, type Outcome, type TaskRecord,
} from '../ledger/actions.js';
import { loadLedgerTasks, withSupervision } from '../ledger/overview.js';
import { ledgerSummary } from '../ledger/summary.js';
import { supervisionThresholds } from '../ledger/settings.js';
import { officeRecipients, unitPeople, type Recipient } from '../ledger/recipients.js';
import { dispatchCard, doneLine, helpCard, ledgerSummaryCard, myTasksCard, noticeCard, progressFormCard, receiptCard, reviewCard } from './cards.js';
import { button, mdEscape } from '../cards/render.js';
import { quoteInText } from '../core/text.js';

const card = (content: Card): OutgoingContent => ({ msgType: 'interactive', content });
const text = (t: string): OutgoingContent => ({ msgType: 'text', content: { text: t } });

// Validation messages people see are Chinese, also zod's own (e.g. a wrong type in a form).
z.config(z.locales.zhCN());

const MAX_ID = 2_147_483_647; // ids are 32-bit integers in both databases

/** Full-width digits and a trailing % in the percent box ("６０％" → "60"). */
const percentInput = (v: unknown) => (typeof v === 'string' ? v.replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).replace(/\s|%|％/g, '') : v);

/** Card button values. Never trusted beyond their shape: identity and role are re-checked. */
const cardValueSchema = z.object({
  a: z.enum(['sign', 'dispute', 'approve', 'reject', 'progress_form', 'submit_progress', 'extension', 'resolve']),
  t: z.coerce.number().int().positive().max(MAX_ID).optional(),
  to: z.enum(TASK_STATUSES).optional(),
});
const progressFormSchema = z.object({
  task: z.coerce.number({ error: '请选择事项' }).int({ error: '请选择事项' }).positive({ error: '请选择事项' }).max(MAX_ID, { error: '请选择事项' }),
  text: z.string({ error: '请填写工作进展' }).trim().min(1, { error: '请填写工作进展' }).max(2000, { error: '工作进展最多 2000 字' }),
  percent: z.preprocess(percentInput, z.union([z.literal(''), z.coerce.number().int().min(0).max(100)], { error: '完成进度应为 0–100 的整数，如 60' })).optional(),
  problems: z.string({ error: '存在问题应为文字' }).trim().max(1000, { error: '存在问题最多 1000 字' }).optional(),
  next: z.string({ error: '下步打算应为文字' }).trim().max(1000, { error: '下步打算最多 1000 字' }).optional(),
});
const reasonSchema = z.object({ reason: z.string({ error: '请填写理由' }).trim().min(2, { error: '请填写理由（至少 2 个字）' }).max(500, { error: '理由最多 500 字' }) });

export function createBotHandlers(app: AppContext): BotHandlers {
  const { db: database, clock, calendars, logger } = app;
  const db = database.prisma;

  const isv = app.config.feishu.appType === 'isv';

  /**
   * The tenant an event belongs to (its tenant_key, set by Feishu on a verified request).
   * Self-built app: the first tenant_key seen binds the default tenant. Store app: every tenant_key
   * is its own tenant — one that installed the app and has no row yet gets one, with an empty
   * ledger (named after its key until an office names it: `taizhang tenant --name`).
   */
  async function resolveTenant(tenantKey: string): Promise<TenantRef> {
    const found = await findTenant(db, tenantKey);
    if (found) return found;
    if (isv) {
      if (!tenantKey) throw new FeishuPayloadError('商店应用收到的事件缺少 tenant_key');
      const created = await ensureTenant(db, tenantKey);
      logger.warn({ tenantKey }, `新租户已安装台账机器人：请用 taizhang import --tenant ${tenantKey} 导入其台账`);
      return created;
    }
    const all = await db.tenant.findMany({ take: 2 });
    if (all.length === 1 && all[0]!.key === app.config.defaultTenant.key) {
      const bound = await db.tenant.update({ where: { id: all[0]!.id }, data: { key: tenantKey } });
      logger.info({ tenantKey }, '默认租户已绑定到飞书 tenant_key');
      return { id: bound.id, key: bound.key, name: bound.name };
    }
    const created = await db.tenant.upsert({ where: { key: tenantKey }, create: { key: tenantKey, name: tenantKey }, update: {} });
    return { id: created.id, key: created.key, name: created.name };
  }

  // The outbox runs on real time (when to send); app.clock is business time (what to say), which
  // tests and `--at` move. So no clock is passed here.
  const send = (tx: DbOrTx, input: EnqueueInput) => enqueueMessage(tx, input);
  const reply = (tx: DbOrTx, tenantId: number, msg: ChatMessage, content: OutgoingContent) =>
    send(tx, { tenantId, dedupeKey: `reply:${msg.messageId}`, kind: 'reply', receiveId: msg.messageId, message: content });
  const sendTo = async (tx: DbOrTx, tenantId: number, recipients: Recipient[], keyPrefix: string, content: OutgoingContent) => {
    for (const r of recipients) {
      await send(tx, { tenantId, dedupeKey: `${keyPrefix}:${r.receiveId}`, kind: 'send', receiveIdType: r.receiveIdType, receiveId: r.receiveId, message: content });
    }
  };

  async function onMessage(msg: ChatMessage): Promise<void> {
    // Groups: only messages that @ the bot are for us (with the group_msg scope we'd see all).
    if (msg.chatType === 'group' && !msg.mentionsBot) return;
    const tenant = await resolveTenant(msg.tenantKey);
    const actor = await findActorByOpenId(db, tenant.id, msg.sender.openId);
    if (!actor) return unregistered(tenant, msg);
    const command = parseChatCommand(msg.text);
    await runCommand(tenant, actor, msg, command);
  }

  async function unregistered(tenant: TenantRef, msg: ChatMessage): Promise<void> {
    // A tenant that just installed the store app has no ledger yet: say so, with the key the
    // operator needs to load it (nobody there could register this person yet).
    if (isv && (await db.person.count({ where: { tenantId: tenant.id } })) === 0) {
      return void (await reply(db, tenant.id, msg, text(`台账机器人已在贵单位启用，但还没有导入改革台账（单位、人员、事项）。请改革办联系系统管理员导入台账后再使用；导入时请告知租户标识：${tenant.key}`)));
    }
    await reply(db, tenant.id, msg, text('您还没有登记在台账人员名单中，暂时不能使用台账机器人。请联系本单位改革联络员或县委改革办，在台账「人员」表中登记您的姓名、单位和飞书账号后再试。'));
    // The office hears about each unknown sender once.
    const office = await officeRecipients(db, tenant.id);
    await sendTo(db, tenant.id, office, `unregistered:${msg.sender.openId}`, card(noticeCard('有未登记人员使用台账机器人',
      `open_id：${mdEscape(msg.sender.openId)}\n所在会话：${msg.chatType === 'p2p' ? '私聊' : mdEscape(msg.chatId)}\n请在「人员」表中登记后重新导入，或在人员信息中补充飞书ID。`, 'orange')));
  }

  async function runCommand(tenant: TenantRef, actor: LedgerActor, msg: ChatMessage, command: ChatCommand): Promise<void> {
    const today = shanghaiDate(clock.now());
    // The tenant's own calendar (the office's 调休 entries included), read before any transaction.
    const calendar = await calendars.calendarFor(tenant.id);
    switch (command.kind) {
      case 'help':
        return void (await reply(db, tenant.id, msg, card(helpCard(actor.roles.includes('ADMIN')))));
      case 'unknown':
        return void (await reply(db, tenant.id, msg, text(`没有看懂「${quoteInText(command.text)}」。可以这样说：\n进展 LY-012 完成方案起草，下步征求意见 60%\n问题 LY-012 用地指标不足\n完成 LY-012 已印发实施方案\n我的任务 ／ 台账 ／ 帮助`)));
      case 'malformed':
        return void (await reply(db, tenant.id, msg, text(`「${command.verb}」没能登记：${quoteInText(command.problem, 80)}。\n示例：${command.example}`)));
      case 'myTasks':
        return void (await reply(db, tenant.id, msg, card(await myTasks(tenant, actor, today))));
      case 'ledger': {
        let unitId: number | undefined;
        let scope = '全县';
        if (command.unitName) {
          // Matched in code, not with SQL LIKE: "%" and "_" are just characters here.
          const units = await db.unit.findMany({ where: { tenantId: tenant.id }, select: { id: true, name: true }, orderBy: { name: 'asc' } });
          const unit = units.find((u) => u.name === command.unitName) ?? units.find((u) => u.name.includes(command.unitName!));
          if (!unit) return void (await reply(db, tenant.id, msg, text(`没有找到名称含「${quoteInText(command.unitName)}」的单位。示例：台账 石堡镇`)));
          unitId = unit.id;
          scope = unit.name;
        }
        const thresholds = await supervisionThresholds(db, tenant.id);
        const summary = await ledgerSummary(db, tenant.id, { today, calendar, thresholds, ...(unitId !== undefined ? { unitId } : {}) });
        const units = summary.stats.byUnit.map((u) => ({ name: summary.unitNames.get(u.unitId) ?? `单位${u.unitId}`, stats: u }));
        return void (await reply(db, tenant.id, msg, card(ledgerSummaryCard(scope, today, summary.stats.overall, unitId === undefined ? units : []))));
      }
      case 'progress':
      case 'problem':
      case 'complete': {
        const found = await findTaskByCode(db, tenant.id, command.codeText);
        if (!found.ok) return void (await reply(db, tenant.id, msg, text(found.reason)));
        const kind = command.kind === 'progress' ? '进展' : command.kind === 'problem' ? '问题' : '完成';
        const outcome = await submitReport(db as Db, clock, actor, found.task, {
          kind, text: command.text, percent: command.percent, source: 'chat', sourceRef: `msg:${msg.messageId}`,
        }, async (tx, r) => {
          await reply(tx, tenant.id, msg, card(receiptCard({ kind, task: r.task, reporter: actor.name, at: r.at, text: command.text, percent: command.percent })));
          await afterReport(tx, tenant.id, actor, r.task, kind, command.text, r.reportId, r.at, calendar);
        });
        if (!outcome.ok) return void (await reply(db, tenant.id, msg, text(outcome.reason)));
        if (outcome.duplicate) {
          // A re-delivered message: the first delivery already answered (same reply key), nothing new.
          return void (await reply(db, tenant.id, msg, card(receiptCard({ kind, task: outcome.task, reporter: actor.name, at: outcome.at, text: command.text, percent: command.percent, duplicate: true }))));
        }
        return;
      }
      case 'urge': {
        const found = await findTaskByCode(db, tenant.id, command.codeText);
        if (!found.ok) return void (await reply(db, tenant.id, msg, text(found.reason)));
        const task = found.task;
        const outcome = await urgeTask(db as Db, clock, actor, task, command.text, async (tx, r) => {
          const to = await unitPeople(tx, tenant.id, task.leadUnitId, ['LIAISON', 'UNIT_HEAD']);
          await sendTo(tx, tenant.id, to, `urge:${msg.messageId}`, card(noticeCard(`催办通知：${task.code}`,
            `**${mdEscape(task.title)}**\n牵头单位：${task.leadUnitName}　完成时限：${task.deadline ?? '—'}\n\n${mdEscape(command.text)}\n\n<font color='grey'>${actor.name} · 县委改革办 · ${shanghaiShort(r.at)}</font>`,
            'orange', [button('填报进展', { a: 'progress_form', t: task.id }, 'primary')])));
          await reply(tx, tenant.id, msg, text(`已向${task.leadUnitName}${to.length ? `（${to.map((p) => p.label).join('、')}）` : ''}发出催办通知，并记入台账。${to.length ? '' : '\n注意：该单位没有登记飞书账号的联络员或一把手，请补充人员信息。'}`));
        });
        if (!outcome.ok) return void (await reply(db, tenant.id, msg, text(outcome.reason)));
        return;
      }
    }
  }

  async function afterReport(tx: DbOrTx, tenantId: number, actor: LedgerActor, task: TaskRecord, kind: '进展' | '问题' | '完成', body: string, reportId: number, at: Date, calendar: WorkingCalendar) {
    if (kind === '问题') {
      await sendTo(tx, tenantId, await officeRecipients(tx, tenantId), `problem:${reportId}`, card(noticeCard(`问题反映：${task.code}`,
        `**${mdEscape(task.title)}**\n${task.leadUnitName} · ${actor.name}\n\n${mdEscape(body)}`, 'orange')));
    }
    if (kind === '完成') {
      const completedOn = shanghaiDate(at);
      const onTime = onTimeJudge(calendar)({ deadline: task.deadline, completedOn, closedOn: null });
      await sendTo(tx, tenantId, await officeRecipients(tx, tenantId), `review:${reportId}`,
        card(reviewCard(task, { text: body, reporter: `${actor.name}（${actor.unitName ?? '—'}）`, completedOn, onTime })));
    }
  }

  async function myTasks(tenant: TenantRef, actor: LedgerActor, today: string): Promise<Card> {
    // A leader sees the items they lead; everyone else their unit's items.
    const isLeaderOnly = actor.roles.includes('LEADER') && actor.unitId === null;
    const all = isLeaderOnly
      ? (await loadLedgerTasks(db, tenant.id, { openOnly: true })).filter((t) => t.leadLeaderIds.includes(actor.personId))
      : actor.unitId !== null ? await loadLedgerTasks(db, tenant.id, { unitId: actor.unitId, openOnly: true }) : [];
    return myTasksCard(isLeaderOnly ? `${actor.name}领衔` : actor.unitName ?? actor.name, today, withSupervision(all, today, await calendars.calendarFor(tenant.id), await supervisionThresholds(db, tenant.id)));
  }

  async function openTasksFor(tenantId: number, actor: LedgerActor) {
    const tasks = actor.unitId !== null
      ? await loadLedgerTasks(db, tenantId, { unitId: actor.unitId, openOnly: true }, { coUnits: false })
      : actor.roles.includes('ADMIN') ? await loadLedgerTasks(db, tenantId, { openOnly: true }, { coUnits: false }) : [];
    return tasks;
  }

  async function onCardAction(action: CardAction): Promise<CardActionResponse> {
    const parsed = cardValueSchema.safeParse(action.value);
    if (!parsed.success) return { toast: { type: 'error', content: '无法识别该卡片操作，请发送「帮助」查看用法' } };
    const value = parsed.data;
    const tenant = await resolveTenant(action.tenantKey);
    const actor = await findActorByOpenId(db, tenant.id, action.operator.openId);
    if (!actor) return { toast: { type: 'error', content: '您还没有登记在台账人员名单中，请联系县委改革办' } };

    if (value.a === 'progress_form') {
      const tasks = await openTasksFor(tenant.id, actor);
      return { card: { type: 'raw', data: progressFormCard(actor.unitName ?? actor.name, tasks, value.t) } };
    }
    if (value.a === 'submit_progress') return submitProgressForm(tenant, actor, action);

    const task = value.t ? await loadTask(db, tenant.id, value.t) : null;
    if (!task) return { toast: { type: 'error', content: '该事项不存在或已删除' } };
    const refused = (o: { reason: string }) => ({ toast: { type: 'error' as const, content: o.reason } });

    switch (value.a) {
      case 'sign': {
        const out = await transitionTask(db as Db, clock, actor, task, '签收');
        if (!out.ok) return out.already ? await alreadyDispatch(tenant.id, task, '该事项已签收，无需重复操作') : refused(out);
        return { toast: { type: 'success', content: '已签收' }, card: { type: 'raw', data: dispatchCard(out.task, await milestonesOf(task.id), doneLine('已签收', actor.name, out.at)) } };
      }
      case 'dispute': {
        const reason = reasonSchema.safeParse(action.formValue ?? {});
        if (!reason.success) return { toast: { type: 'warning', content: reason.error.issues[0]!.message } };
        const out = await transitionTask(db as Db, clock, actor, task, '提出异议', { reason: reason.data.reason }, async (tx, r) => {
          await sendTo(tx, tenant.id, await officeRecipients(tx, tenant.id), `dispute:${task.id}:${r.at.getTime()}`, card(noticeCard(`交办异议：${task.code}`,
            `**${mdEscape(task.title)}**\n${task.leadUnitName} · ${actor.name} 提出异议\n理由：${mdEscape(reason.data.reason)}`, 'orange', [
              button('维持交办（重新交办）', { a: 'resolve', t: task.id, to: '待签收' }, 'primary'),
              button('按推进中处理', { a: 'resolve', t: task.id, to: '推进中' }),
            ])));
        });
        if (!out.ok) return out.already ? await alreadyDispatch(tenant.id, task, '该事项已提出异议，等待改革办处理') : refused(out);
        return { toast: { type: 'success', content: '异议已提交改革办' }, card: { type: 'raw', data: dispatchCard(out.task, await milestonesOf(task.id), doneLine('已提出异议', actor.name, out.at, reason.data.reason)) } };
      }
      case 'resolve': {
        const out = await transitionTask(db as Db, clock, actor, task, '解决异议', { ...(value.to ? { target: value.to } : {}) }, async (tx, r) => {
          const to = await unitPeople(tx, tenant.id, task.leadUnitId, ['LIAISON']);
          if (r.to === '待签收') {
            await sendTo(tx, tenant.id, to, `dispatch:${task.id}:${r.at.getTime()}`, card(dispatchCard(r.task, await milestonesOf(task.id))));
          } else {
            await sendTo(tx, tenant.id, to, `resolved:${task.id}:${r.at.getTime()}`, card(noticeCard(`异议已处理：${task.code}`, `**${mdEscape(task.title)}**\n改革办已按「${r.to}」处理，请按计划推进并按时报送进展。`, 'blue')));
          }
        });
        if (!out.ok) return refused(out);
        return { toast: { type: 'success', content: `已处理：${out.to}` }, card: { type: 'raw', data: noticeCard(`交办异议：${task.code}`, `**${mdEscape(task.title)}**\n${doneLine(`已处理为「${out.to}」`, actor.name, out.at)}`, 'green') } };
      }
      case 'approve':
      case 'reject': {
        let reason: string | undefined;
        if (value.a === 'reject') {
          const r = reasonSchema.safeParse(action.formValue ?? {});
          if (!r.success) return { toast: { type: 'warning', content: r.error.issues[0]!.message } };
          reason = r.data.reason;
        }
        const completion = await db.progressReport.findFirst({ where: { taskId: task.id, kind: '完成' }, orderBy: { id: 'desc' }, include: { reporter: true } });
        const info = {
          text: completion?.text ?? '—', reporter: completion?.reporter?.name ?? '—',
          completedOn: completion ? shanghaiDate(completion.reportedAt) : '—',
          onTime: onTimeJudge(await calendars.calendarFor(tenant.id))({ deadline: task.deadline, completedOn: completion ? shanghaiDate(completion.reportedAt) : null, closedOn: null }),
        };
        const verb = value.a === 'approve' ? '同意销号' : '退回';
        const out = await transitionTask(db as Db, clock, actor, task, verb, reason ? { reason } : {}, async (tx, r) => {
          const to = await unitPeople(tx, tenant.id, task.leadUnitId, ['LIAISON', 'UNIT_HEAD']);
          await sendTo(tx, tenant.id, to, `${value.a}:${task.id}:${r.at.getTime()}`, card(noticeCard(
            value.a === 'approve' ? `已销号：${task.code}` : `销号被退回：${task.code}`,
            `**${mdEscape(task.title)}**\n${value.a === 'approve' ? '改革办已审核同意销号。' : `改革办退回了完成申请，请补充后重新报送。\n理由：${mdEscape(reason ?? '')}`}`,
            value.a === 'approve' ? 'green' : 'orange')));
        });
        if (!out.ok) {
          if (out.already) return { toast: { type: 'info', content: `该事项当前为「${task.status}」，无需重复审核` }, card: { type: 'raw', data: reviewCard(task, info, `已处理 · 当前状态：${task.status}`) } };
          return refused(out);
        }
        return { toast: { type: 'success', content: verb === '同意销号' ? '已销号' : '已退回' }, card: { type: 'raw', data: reviewCard(out.task, info, doneLine(verb === '同意销号' ? '已同意销号' : '已退回', actor.name, out.at, reason)) } };
      }
      case 'extension': {
        const allowed = task.leadUnitId === actor.unitId || actor.roles.includes('ADMIN');
        if (!allowed) return { toast: { type: 'error', content: `只有牵头单位（${task.leadUnitName}）可以申请延期` } };
        await sendTo(db, tenant.id, await officeRecipients(db, tenant.id), `extension:${task.id}:${actor.personId}:${shanghaiDate(clock.now())}`, card(noticeCard(`延期申请：${task.code}`,
          `**${mdEscape(task.title)}**\n${task.leadUnitName} · ${actor.name} 申请延期（当前完成时限 ${task.deadline ?? '—'}）。\n请与牵头单位沟通后在台账中调整完成时限并重新导入。`, 'orange')));
        return { toast: { type: 'success', content: '延期申请已提交改革办' } };
      }
    }
    return { toast: { type: 'error', content: '无法识别该卡片操作' } };
  }

  async function submitProgressForm(tenant: TenantRef, actor: LedgerActor, action: CardAction): Promise<CardActionResponse> {
    const form = progressFormSchema.safeParse(action.formValue ?? {});
    if (!form.success) return { toast: { type: 'warning', content: form.error.issues[0]!.message } };
    const task = await loadTask(db, tenant.id, form.data.task);
    if (!task) return { toast: { type: 'error', content: '该事项不存在或已删除' } };
    const percent = form.data.percent === '' || form.data.percent === undefined ? null : form.data.percent;
    // One submission per click: the callback token is unique to it.
    const sourceRef = `card:${createHash('sha256').update(action.token || `${action.messageId}:${JSON.stringify(action.formValue)}`).digest('hex').slice(0, 32)}`;
    const calendar = await calendars.calendarFor(tenant.id);
    const out: Outcome<{ task: TaskRecord; at: Date; reportId: number; duplicate: boolean }> = await submitReport(db as Db, clock, actor, task, {
      kind: '进展', text: form.data.text, percent, problems: form.data.problems || null, nextSteps: form.data.next || null, source: 'card', sourceRef,
    }, async (tx, r) => {
      if (form.data.problems) await afterReport(tx, tenant.id, actor, r.task, '问题', form.data.problems, r.reportId, r.at, calendar);
    });
    if (!out.ok) return { toast: { type: 'error', content: out.reason } };
    return {
      toast: { type: 'success', content: out.duplicate ? '这条进展此前已记录' : '进展已记录' },
      card: { type: 'raw', data: receiptCard({ kind: '进展', task: out.task, reporter: actor.name, at: out.at, text: form.data.text, percent, problems: form.data.problems || null, nextSteps: form.data.next || null, duplicate: out.duplicate }) },
    };
  }

  async function milestonesOf(taskId: number) {
    return db.milestone.findMany({ where: { taskId, doneDate: null }, orderBy: { dueDate: 'asc' }, select: { title: true, dueDate: true } });
  }

  async function alreadyDispatch(tenantId: number, task: TaskRecord, toast: string): Promise<CardActionResponse> {
    const last = await db.auditLog.findFirst({ where: { tenantId, entity: 'task', entityId: String(task.id), action: 'update' }, orderBy: { id: 'desc' } });
    const who = last?.actor.startsWith('person:') ? (await db.person.findUnique({ where: { id: Number(last.actor.slice(7)) } }))?.name ?? '—' : '—';
    const line = last ? doneLine(`当前状态：${task.status}`, who, last.at) : `当前状态：${task.status}`;
    return { toast: { type: 'info', content: toast }, card: { type: 'raw', data: dispatchCard(task, await milestonesOf(task.id), line) } };
  }

  async function onBotAdded(event: BotAddedToChat): Promise<void> {
    const tenant = await resolveTenant(event.tenantKey);
    await send(db, { tenantId: tenant.id, dedupeKey: `bot-added:${event.chatId}`, kind: 'send', receiveIdType: 'chat_id', receiveId: event.chatId, message: card(helpCard(false)) });
  }

  return { onMessage, onCardAction, onBotAdded };
}

/**
 * 任务交办单 for tasks waiting to be signed for: one card to each liaison of the lead unit (and the
 * unit's group when it has one). Called after an import creates tasks; idempotent per task and recipient.
 */
export async function dispatchTasks(app: AppContext, tenantId: number, taskIds: number[]): Promise<number> {
  const db = app.db.prisma;
  let queued = 0;
  for (const id of taskIds) {
    const task = await loadTask(db, tenantId, id);
    if (!task || task.status !== '待签收') continue;
    const milestones = await db.milestone.findMany({ where: { taskId: id, doneDate: null }, orderBy: { dueDate: 'asc' }, select: { title: true, dueDate: true } });
    const content: OutgoingContent = { msgType: 'interactive', content: dispatchCard(task, milestones) };
    const liaisons = await unitPeople(db, tenantId, task.leadUnitId, ['LIAISON']);
    const unit = await db.unit.findUnique({ where: { id: task.leadUnitId } });
    const to: Recipient[] = [...liaisons, ...(unit?.chatId ? [{ receiveIdType: 'chat_id' as const, receiveId: unit.chatId, label: `${unit.name}工作群` }] : [])];
    for (const r of to) {
      const res = await enqueueMessage(db, { tenantId, dedupeKey: `dispatch:${id}:${r.receiveId}`, kind: 'send', receiveIdType: r.receiveIdType, receiveId: r.receiveId, message: content });
      if (res.created) queued++;
    }
  }
  return queued;
}
