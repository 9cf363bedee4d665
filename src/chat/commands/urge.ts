// 催办 <编号> <要求> (office only): an urge notice to the lead unit's liaison and head, recorded.
import { shanghaiShort } from '../../core/dates.js';
import { findTaskByCode, urgeTask } from '../../ledger/actions.js';
import { unitPeople } from '../../ledger/recipients.js';
import { button } from '../../cards/render.js';
import { md, txt } from '../../cards/markup.js';
import { deadlineText, leadUnitsText, noticeCard } from '../cards.js';
import type { CommandHandler } from '../context.js';
import { card, sendTo, text } from '../say.js';
import { refusedCommand } from './report.js';

export const urgeCommand: CommandHandler<'urge'> = async (ctx, command) => {
  const { db, app, tenant, actor, sourceRef } = ctx;
  const found = await findTaskByCode(db, tenant.id, command.codeText);
  if (!found.ok) return refusedCommand('催办', command.codeText, found.reason);
  const task = found.task;
  let told: string[] = [];
  const outcome = await urgeTask(db, app.clock, actor, task, command.text, async (tx, r) => {
    const to = (await Promise.all([task.leadUnitId, ...(task.jointLeadUnitIds ?? [])].map((u) => unitPeople(tx, tenant.id, u, ['LIAISON', 'UNIT_HEAD'])))).flat();
    told = to.map((p) => p.label);
    await sendTo(tx, tenant.id, to, `urge:${sourceRef}:t${task.id}`, card(noticeCard(`催办通知：${task.code}`,
      md`**${task.title}**\n牵头单位：${leadUnitsText(task)}　完成时限：${deadlineText(task)}\n\n${command.text}\n\n<font color='grey'>${actor.name} · 县委改革办 · ${shanghaiShort(r.at)}</font>`,
      'orange', [button('填报进展', { a: 'progress_form', t: task.id }, 'primary')])));
  });
  if (!outcome.ok) return refusedCommand('催办', task.code, outcome.reason);
  const whom = told.length ? `（${told.join('、')}）` : '';
  return {
    ok: true,
    reply: text(txt`已向${task.leadUnitName}${whom}发出催办通知，并记入台账。${told.length ? '' : '\n注意：该单位没有登记飞书账号的联络员或一把手，请补充人员信息。'}`),
    summary: md`✓ 催办 ${task.code}：已通知${task.leadUnitName}${whom}`,
  };
};
