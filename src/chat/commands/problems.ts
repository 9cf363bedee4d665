// 答复 / 已协调 / 转办 <编号> …: the office answers the oldest problem of a task still waiting for
// coordination — the text forms of the 问题反映 card's buttons (actions/problem.ts), same effects.
import { checkPermission } from '../../core/permissions.js';
import { loadProblem, type ProblemOutcome } from '../../ledger/office.js';
import { answer } from '../actions/problem.js';
import type { MessageContext } from '../context.js';
import { refusedCommand } from './report.js';
import { done, withTask } from './tasks.js';

const LABEL: Record<ProblemOutcome, string> = { 已回复: '答复', 已协调: '已协调', 已转办: '转办' };

async function answerCommand(ctx: MessageContext, codeText: string, outcome: ProblemOutcome, body: string) {
  const label = LABEL[outcome];
  return withTask(ctx, label, codeText, async (task) => {
    const allowed = checkPermission(ctx.actor, task, 'answerProblem');
    if (!allowed.ok) return refusedCommand(label, task.code, allowed.reason);
    const answered = (await ctx.db.problemAnswer.findMany({ where: { tenantId: ctx.tenant.id }, select: { reportId: true } })).map((a) => a.reportId);
    const open = await ctx.db.progressReport.findFirst({ where: { tenantId: ctx.tenant.id, taskId: task.id, kind: '问题', withdrawnAt: null, id: { notIn: answered } }, orderBy: { id: 'asc' }, select: { id: true } });
    if (!open) return refusedCommand(label, task.code, `${task.code} 没有等待协调的问题。`);
    let unit: string | null = null;
    let text = body;
    if (outcome === '已转办') {
      const m = /^(\S+)\s*(.*)$/s.exec(body.trim());
      unit = m?.[1] ?? null;
      text = m?.[2]?.trim() || '请研究办理';
    }
    const out = await answer(ctx, (await loadProblem(ctx.db, ctx.tenant.id, open.id))!, outcome, text, unit);
    if (!out.ok) return refusedCommand(label, task.code, out.reason);
    return done(label, task.code, `${task.code} 的问题「${out.problem.text.slice(0, 30)}」${out.toUnit ? `已转${out.toUnit.name}办理` : outcome}，已告知反映人。`);
  });
}

export const problemReplyCommand = (ctx: MessageContext, c: { codeText: string; text: string }) => answerCommand(ctx, c.codeText, '已回复', c.text);
export const problemDoneCommand = (ctx: MessageContext, c: { codeText: string; text: string }) => answerCommand(ctx, c.codeText, '已协调', c.text);
export const problemTransferCommand = (ctx: MessageContext, c: { codeText: string; text: string }) => answerCommand(ctx, c.codeText, '已转办', c.text);
