// What the ledger's export says about a task's place in the reform loop: where it came from
// (改革建议 JY-…, 揭榜挂帅 JB-…, 回头看 of …) and its 风控审查 — its own (a task flagged 需风控) or the
// reviews of the 储备库 item it was launched from.
import type { DbOrTx } from '../db/client.js';
import type { DimensionReview } from '../core/loop/risk.js';

export async function loopHistory(db: DbOrTx, tenantId: number, taskIds: number[]): Promise<Map<number, { origin: string | null; risk: string | null }>> {
  const out = new Map<number, { origin: string | null; risk: string | null }>();
  if (taskIds.length === 0) return out;
  const origins = await db.taskOrigin.findMany({ where: { tenantId, taskId: { in: taskIds } } });
  const reserveIds = origins.map((o) => o.reserveItemId).filter((x): x is number => x !== null);
  const [reviews, suggestions, calls, items] = await Promise.all([
    db.riskReview.findMany({ where: { tenantId, OR: [{ taskId: { in: taskIds } }, { reserveItemId: { in: reserveIds } }] }, orderBy: { id: 'asc' } }),
    db.suggestion.findMany({ where: { tenantId, id: { in: origins.map((o) => o.suggestionId).filter((x): x is number => x !== null) } }, select: { id: true, number: true } }),
    db.openCall.findMany({ where: { tenantId, id: { in: origins.map((o) => o.callId).filter((x): x is number => x !== null) } }, select: { id: true, number: true } }),
    db.reserveItem.findMany({ where: { tenantId, id: { in: reserveIds } }, select: { id: true, number: true } }),
  ]);
  for (const id of taskIds) {
    const o = origins.find((x) => x.taskId === id);
    const refs = [items.find((i) => i.id === o?.reserveItemId)?.number, suggestions.find((s) => s.id === o?.suggestionId)?.number, calls.find((c) => c.id === o?.callId)?.number].filter(Boolean);
    const mine = reviews.filter((r) => r.taskId === id || (o?.reserveItemId != null && r.reserveItemId === o.reserveItemId));
    const last = mine.at(-1);
    const risk = last ? `${last.verdict}（${(JSON.parse(last.dimensions) as DimensionReview[]).map((d) => `${d.dimension}${d.result}${d.note ? `：${d.note}` : ''}`).join('；')}）${mine.length > 1 ? `，共审查 ${mine.length} 次` : ''}` : null;
    out.set(id, { origin: o ? `${o.kind}${refs.length ? `（${refs.join('、')}）` : ''}` : null, risk });
  }
  return out;
}
