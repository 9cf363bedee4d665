// 申请延期 on a reminder: the lead unit asks the office for more time.
import { mdEscape } from '../../cards/render.js';
import { officeRecipients } from '../../ledger/recipients.js';
import { noticeCard } from '../cards.js';
import type { ActionSpec } from '../context.js';
import { card, sendTo } from '../say.js';

export const extensionAction: ActionSpec = {
  needsTask: true,
  async handle({ db, tenant, actor, today }, task) {
    const allowed = task.leadUnitId === actor.unitId || actor.roles.includes('ADMIN');
    if (!allowed) return { toast: { type: 'error', content: `只有牵头单位（${task.leadUnitName}）可以申请延期` } };
    await sendTo(db, tenant.id, await officeRecipients(db, tenant.id), `extension:${task.id}:${actor.personId}:${today}`, card(noticeCard(`延期申请：${task.code}`,
      `**${mdEscape(task.title)}**\n${task.leadUnitName} · ${actor.name} 申请延期（当前完成时限 ${task.deadline ?? '—'}）。\n请与牵头单位沟通后在台账中调整完成时限并重新导入。`, 'orange')));
    return { toast: { type: 'success', content: '延期申请已提交改革办' } };
  },
};
