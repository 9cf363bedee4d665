// The 问题反映 card's buttons (office only): 回复, 已协调, 转办 (to another unit), each with the
// office's answer. The reporter is told the result (as the receipt promised); on 转办 the receiving
// unit's liaisons get the problem. The text command 答复 (commands/office.ts) runs the same answer().
import { md } from '../../cards/markup.js';
import { answerProblem, loadProblem, type ProblemOutcome, type ProblemReport } from '../../ledger/office.js';
import { loadTask } from '../../ledger/actions.js';
import { personRecipients, unitPeople } from '../../ledger/recipients.js';
import { doneLine, noticeCard } from '../cards.js';
import { problemCard } from '../office-cards.js';
import { refused, warn, type ActionContext, type ActionSpec, type ChatContext } from '../context.js';
import { card, sendTo } from '../say.js';

export async function answer(ctx: ChatContext, problem: ProblemReport, outcome: ProblemOutcome, text: string, toUnitName?: string | null) {
  return answerProblem(ctx.db, ctx.app.clock, ctx.actor, problem, { outcome, answer: text, toUnitName: toUnitName ?? null }, async (tx, r) => {
    const reporter = problem.reporterId ? await personRecipients(tx, r.task.tenantId, [problem.reporterId]) : [];
    const unit = await unitPeople(tx, r.task.tenantId, r.task.leadUnitId, ['LIAISON']);
    const to = [...reporter, ...unit.filter((u) => !reporter.some((p) => p.receiveId === u.receiveId))];
    const where = r.toUnit ? md`\n已转 **${r.toUnit.name}** 办理。` : md``;
    await sendTo(tx, r.task.tenantId, to, `problem-answer:${problem.id}`, card(noticeCard(`问题${outcome}：${r.task.code}`,
      md`**${r.task.title}**\n您反映的问题：${problem.text}\n\n改革办${outcome === '已回复' ? '答复' : outcome === '已协调' ? '协调结果' : '处理'}：${r.answer}${where}`, 'green')));
    if (r.toUnit) {
      await sendTo(tx, r.task.tenantId, await unitPeople(tx, r.task.tenantId, r.toUnit.id, ['LIAISON', 'UNIT_HEAD']), `problem-transfer:${problem.id}`, card(noticeCard(`转办问题：${r.task.code}`,
        md`**${r.task.title}**（牵头单位：${r.task.leadUnitName}）\n${problem.reporterName} 反映：${problem.text}\n\n改革办转请贵单位办理：${r.answer}\n请与牵头单位对接，办理结果报改革办。`, 'orange')));
    }
  });
}

function problemAction(outcome: ProblemOutcome): ActionSpec {
  return {
    needsTask: false,
    async handle(ctx: ActionContext) {
      const problem = ctx.value.r ? await loadProblem(ctx.db, ctx.tenant.id, ctx.value.r) : null;
      if (!problem) return refused({ reason: '该问题记录不存在或已删除' });
      const form = ctx.action.formValue ?? {};
      const text = typeof form['answer'] === 'string' ? form['answer'].trim().slice(0, 500) : '';
      if (text.length < 2) return warn('请填写答复或协调结果（至少 2 个字）');
      const unit = typeof form['unit'] === 'string' ? form['unit'].trim().slice(0, 50) : '';
      if (outcome === '已转办' && !unit) return warn('转办请填写承办单位');
      const out = await answer(ctx, problem, outcome, text, unit);
      const task = await loadTask(ctx.db, ctx.tenant.id, problem.taskId);
      if (!out.ok) {
        if (out.already && task) return { toast: { type: 'info', content: out.reason }, card: { type: 'raw', data: problemCard(task, problem, { text: md`已处理`, colour: 'green' }) } };
        return refused(out);
      }
      const what = out.toUnit ? `已转办 ${out.toUnit.name}` : outcome;
      return { toast: { type: 'success', content: `${what}，已告知反映人` }, card: { type: 'raw', data: problemCard(out.task, problem, { text: doneLine(what, ctx.actor.name, out.at, null), colour: 'green' }) } };
    },
  };
}

export const problemReplyAction = problemAction('已回复');
export const problemDoneAction = problemAction('已协调');
export const problemTransferAction = problemAction('已转办');
