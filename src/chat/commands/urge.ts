// 催办 <编号> <要求> (office only): an urge notice to the lead unit's liaison and head, recorded.
import { shanghaiShort } from '../../core/dates.js';
import { findTaskByCode, urgeTask } from '../../ledger/actions.js';
import { unitPeople } from '../../ledger/recipients.js';
import { button, mdEscape } from '../../cards/render.js';
import { noticeCard } from '../cards.js';
import type { CommandHandler } from '../context.js';
import { card, sendTo, text } from '../say.js';

export const urgeCommand: CommandHandler<'urge'> = async (ctx, command) => {
  const { db, app, tenant, actor, msg } = ctx;
  const found = await findTaskByCode(db, tenant.id, command.codeText);
  if (!found.ok) return void (await ctx.reply(text(found.reason)));
  const task = found.task;
  const outcome = await urgeTask(db, app.clock, actor, task, command.text, async (tx, r) => {
    const to = await unitPeople(tx, tenant.id, task.leadUnitId, ['LIAISON', 'UNIT_HEAD']);
    await sendTo(tx, tenant.id, to, `urge:${msg.messageId}`, card(noticeCard(`催办通知：${task.code}`,
      `**${mdEscape(task.title)}**\n牵头单位：${task.leadUnitName}　完成时限：${task.deadline ?? '—'}\n\n${mdEscape(command.text)}\n\n<font color='grey'>${actor.name} · 县委改革办 · ${shanghaiShort(r.at)}</font>`,
      'orange', [button('填报进展', { a: 'progress_form', t: task.id }, 'primary')])));
    await ctx.reply(text(`已向${task.leadUnitName}${to.length ? `（${to.map((p) => p.label).join('、')}）` : ''}发出催办通知，并记入台账。${to.length ? '' : '\n注意：该单位没有登记飞书账号的联络员或一把手，请补充人员信息。'}`), tx);
  });
  if (!outcome.ok) return void (await ctx.reply(text(outcome.reason)));
};
