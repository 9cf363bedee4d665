// 填报进展 opens the 进展填报 form (the caller's unit's open tasks); 提交 records the report and
// turns the form into a 回执. One report per click: the callback token identifies the click.
import { createHash } from 'node:crypto';
import { loadTask, submitReport, type LedgerActor, type Outcome, type TaskRecord } from '../../ledger/actions.js';
import { loadLedgerTasks } from '../../ledger/overview.js';
import type { Db } from '../../db/client.js';
import { progressFormCard, receiptCard } from '../cards.js';
import type { ActionSpec } from '../context.js';
import { afterReport } from '../commands/report.js';
import { progressFormSchema } from './forms.js';

async function openTasksFor(db: Db, tenantId: number, actor: LedgerActor) {
  return actor.unitId !== null
    ? loadLedgerTasks(db, tenantId, { unitId: actor.unitId, openOnly: true }, { coUnits: false })
    : actor.roles.includes('ADMIN') ? loadLedgerTasks(db, tenantId, { openOnly: true }, { coUnits: false }) : [];
}

export const progressFormAction: ActionSpec = {
  needsTask: false,
  async handle({ db, tenant, actor, value }) {
    const tasks = await openTasksFor(db, tenant.id, actor);
    return { card: { type: 'raw', data: progressFormCard(actor.unitName ?? actor.name, tasks, value.t) } };
  },
};

export const submitProgressAction: ActionSpec = {
  needsTask: false,
  async handle({ db, app, tenant, actor, action, calendar }) {
    const form = progressFormSchema.safeParse(action.formValue ?? {});
    if (!form.success) return { toast: { type: 'warning', content: form.error.issues[0]!.message } };
    const task = await loadTask(db, tenant.id, form.data.task);
    if (!task) return { toast: { type: 'error', content: '该事项不存在或已删除' } };
    const percent = form.data.percent === '' || form.data.percent === undefined ? null : form.data.percent;
    // One submission per click: the callback token is unique to it.
    const sourceRef = `card:${createHash('sha256').update(action.token || `${action.messageId}:${JSON.stringify(action.formValue)}`).digest('hex').slice(0, 32)}`;
    const out: Outcome<{ task: TaskRecord; at: Date; reportId: number; duplicate: boolean }> = await submitReport(db, app.clock, actor, task, {
      kind: '进展', text: form.data.text, percent, problems: form.data.problems || null, nextSteps: form.data.next || null, source: 'card', sourceRef,
    }, async (tx, r) => {
      if (form.data.problems) await afterReport(calendar, tx, tenant.id, actor, r.task, '问题', form.data.problems, r.reportId, r.at);
    });
    if (!out.ok) return { toast: { type: 'error', content: out.reason } };
    return {
      toast: { type: 'success', content: out.duplicate ? '这条进展此前已记录' : '进展已记录' },
      card: { type: 'raw', data: receiptCard({ kind: '进展', task: out.task, reporter: actor.name, at: out.at, text: form.data.text, percent, problems: form.data.problems || null, nextSteps: form.data.next || null, duplicate: out.duplicate }) },
    };
  },
};
