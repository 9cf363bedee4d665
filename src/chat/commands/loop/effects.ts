// What each reform-loop action says to whom, enqueued in the action's own transaction (so exactly
// once with the write): shared by the text commands and the card buttons.
import { md, type Md } from '../../../cards/markup.js';
import type { Tx } from '../../../db/client.js';
import { shanghaiShort } from '../../../core/dates.js';
import { OUTCOME_HEADLINE } from '../../../core/loop/suggestion.js';
import type { SuggestionActionResult } from '../../../loop/suggestions.js';
import { loadTask } from '../../../ledger/actions.js';
import { officeRecipients, unitPeople, type Recipient } from '../../../ledger/recipients.js';
import { dispatchCard } from '../../cards.js';
import { card, sendPrivately, sendTo } from '../../say.js';
import { outcomeCard, studyCard, suggestionCard } from './cards.js';

export async function activeUnits(db: Tx | import('../../../db/client.js').Db, tenantId: number) {
  return db.unit.findMany({ where: { tenantId, active: true }, orderBy: { id: 'asc' }, select: { id: true, name: true } });
}

/** The suggester is told every outcome; the study unit gets its card; the office hears the unit's answer. */
export async function afterSuggestionAction(tx: Tx, tenantId: number, r: SuggestionActionResult, action: keyof typeof OUTCOME_HEADLINE): Promise<void> {
  const s = r.suggestion;
  const key = `sg:${s.id}:${action}:${r.at.getTime()}`;
  const body: Md = action === '采纳入库' ? md`已纳入改革议题储备库（${r.reserve?.number ?? ''}），将按程序进行风控审查后择优立项。感谢您为改革建言献策！`
    : action === '转单位研究' ? md`已转${s.studyUnitName ?? ''}研究，答复时限 ${s.studyDue ?? '—'}。研究意见出来后会告知您。`
    : action === '单位答复' ? md`${s.studyUnitName ?? ''}的研究意见：${s.studyAnswer ?? ''}\n县委改革办将据此作出决定。`
    : action === '合并' ? md`已与 ${s.mergedIntoNumber ?? ''} 合并办理，办理结果以该建议为准。`
    : md`理由：${s.outcome ?? ''}\n欢迎继续提出改革建议。`;
  const colour = action === '不予采纳' ? 'grey' : action === '采纳入库' ? 'green' : 'blue';
  if (s.suggesterOpenId) await sendPrivately(tx, tenantId, s.suggesterOpenId, `${key}:suggester`, card(outcomeCard(s, OUTCOME_HEADLINE[action], body, colour)));
  if (action === '转单位研究' && s.studyUnitId) {
    const to = await unitPeople(tx, tenantId, s.studyUnitId, ['LIAISON', 'COMMISSIONER']);
    await sendTo(tx, tenantId, to, `${key}:study`, card(studyCard(s)));
  }
  if (action === '单位答复') {
    await sendTo(tx, tenantId, await officeRecipients(tx, tenantId), `${key}:office`, card(suggestionCard(s, await activeUnits(tx, tenantId))));
  }
}

/** The 任务交办单 of a task made by 立项 / 挂帅 / reopening: the same keys as dispatchTasks, so it goes once. */
export async function dispatchInTx(tx: Tx, tenantId: number, taskId: number): Promise<Recipient[]> {
  const task = await loadTask(tx, tenantId, taskId);
  if (!task) return [];
  const milestones = await tx.milestone.findMany({ where: { taskId, doneDate: null }, orderBy: { dueDate: 'asc' }, select: { title: true, dueDate: true } });
  const unit = await tx.unit.findUnique({ where: { id: task.leadUnitId } });
  const to: Recipient[] = [...await unitPeople(tx, tenantId, task.leadUnitId, ['LIAISON']), ...(unit?.chatId ? [{ receiveIdType: 'chat_id' as const, receiveId: unit.chatId, label: `${unit.name}工作群` }] : [])];
  await sendTo(tx, tenantId, to, `dispatch:${taskId}`, card(dispatchCard(task, milestones)));
  return to;
}

export const stamp = (who: string, at: Date) => md`${who} · ${shanghaiShort(at)}`;
