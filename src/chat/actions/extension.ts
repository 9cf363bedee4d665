// 申请延期 on a reminder: the lead unit asks the office for more time — only while the task is still
// running (a task already closed out, or waiting for its close-out review, needs no extension).
import { md } from '../../cards/markup.js';
import { requestExtension } from '../../ledger/actions.js';
import { officeRecipients } from '../../ledger/recipients.js';
import { noticeCard } from '../cards.js';
import { refused, type ActionSpec } from '../context.js';
import { card, sendTo } from '../say.js';

export const extensionAction: ActionSpec = {
  needsTask: true,
  async handle({ db, app, tenant, actor, today }, task) {
    const out = await requestExtension(db, app.clock, actor, task, async (tx) => {
      await sendTo(tx, tenant.id, await officeRecipients(tx, tenant.id), `extension:${task.id}:${actor.personId}:${today}`, card(noticeCard(`延期申请：${task.code}`,
        md`**${task.title}**\n${task.leadUnitName} · ${actor.name} 申请延期（当前完成时限 ${task.deadline ?? '—'}，状态「${task.status}」）。\n请与牵头单位沟通；同意延期的，在台账中调整完成时限后由系统管理员重新导入。`, 'orange')));
    });
    if (!out.ok) return refused(out);
    return { toast: { type: 'success', content: '延期申请已提交改革办' } };
  },
};
