// The 任务交办单 of one import as ONE card per recipient: every new task the recipient's unit leads,
// each with its own 签收, and 「全部签收」. A task already signed (here, in the chat or on another
// card) shows its state instead of the button. Buttons carry the batch's task ids (`ts`), so a
// click re-renders the whole card from the ledger, never from the card.
import { md } from '../cards/markup.js';
import { button, markdownElement, renderCard, type Card } from '../cards/render.js';
import type { Db } from '../db/client.js';
import { loadTask, type TaskRecord } from '../ledger/actions.js';

/** Tasks listed in one card (the rest get their own card, see dispatch-tasks.ts). */
export const MAX_DISPATCH_BATCH = 20;

export function dispatchBatchCard(tasks: TaskRecord[], unitName: string): Card {
  const ids = tasks.map((t) => t.id);
  const waiting = tasks.filter((t) => t.status === '待签收');
  return renderCard('dispatch-batch', {
    title: `任务交办单（${tasks.length} 项）`,
    subtitle: `${unitName} · 待签收 ${waiting.length} 项`,
    headerColor: waiting.length === 0 ? 'green' : 'blue',
    intro: md`县委改革办交办以下 ${tasks.length} 项改革任务，请逐项签收或「全部签收」。如对某项有异议，请联系县委改革办。`,
    items: tasks.flatMap((t, n) => [
      markdownElement(md`**${n + 1}. ${t.code}** ${t.title}\n牵头单位：${t.leadUnitName}　完成时限：${t.deadline ?? '—'}${t.leadLeaderNames.length ? `　领衔领导：${t.leadLeaderNames.join('、')}` : ''}${t.status === '待签收' ? '' : `\n<font color='green'>当前状态：${t.status}</font>`}`),
      ...(t.status === '待签收' ? [button(`签收 ${t.code}`, { a: 'sign_batch', t: t.id, ts: ids }, 'primary_text')] : []),
    ]),
    signAll: waiting.length > 1 ? [button(`全部签收（${waiting.length} 项）`, { a: 'sign_all', ts: ids }, 'primary')] : [],
    footer: '签收后请按计划推进，按时报送进展',
  });
}

/** The batch's tasks as they stand now (in the batch's order; deleted ones dropped). */
export async function loadBatch(db: Db, tenantId: number, ids: readonly number[]): Promise<TaskRecord[]> {
  const out: TaskRecord[] = [];
  for (const id of ids.slice(0, MAX_DISPATCH_BATCH)) {
    const t = await loadTask(db, tenantId, id);
    if (t) out.push(t);
  }
  return out;
}
