// A 典型案例 links back to its tasks and their achievements. The unit names the tasks when it
// submits (the form's 关联事项 field, or `案例 QY-2026-011` which fills it in): each code is
// resolved like any typed code, and the achievements recorded on those tasks (not the ones the
// office refused) are linked with them. The links show on the review card and in the 案例汇编.
import type { DbOrTx } from '../db/client.js';
import { findTaskByCode } from '../ledger/actions.js';

export const MAX_CASE_TASKS = 10;

export interface CaseLinks {
  tasks: { id: number; code: string; title: string }[];
  /** Status as stored now: the 汇编 prints only 已确认 ones. */
  achievements: { id: number; category: string; description: string; status: string }[];
}

export const EMPTY_LINKS: CaseLinks = { tasks: [], achievements: [] };

/** "QY-2026-011、QY-2026-007" / "011 007" → the codes as typed, each once. */
export function parseCodeList(text: string | null | undefined): string[] {
  return [...new Set((text ?? '').split(/[\s,，、;；]+/).map((s) => s.trim()).filter(Boolean))];
}

/** "3,7" → [3, 7] (the stored comma-separated ids). */
export function idList(stored: string): number[] {
  return stored.split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
}

/** The typed codes to task ids and the ids of those tasks' achievements (not 不予认定), or a reason. */
export async function resolveCaseLinks(db: DbOrTx, tenantId: number, typed: string | null | undefined): Promise<{ ok: true; taskIds: number[]; achievementIds: number[] } | { ok: false; reason: string }> {
  const codes = parseCodeList(typed);
  if (codes.length > MAX_CASE_TASKS) return { ok: false, reason: `关联事项最多 ${MAX_CASE_TASKS} 项。` };
  const taskIds: number[] = [];
  for (const code of codes) {
    const found = await findTaskByCode(db, tenantId, code);
    if (!found.ok) return { ok: false, reason: `关联事项：${found.reason}` };
    if (found.task.status === '已撤销') return { ok: false, reason: `关联事项：${found.task.code} 已撤销，不能关联。` };
    if (!taskIds.includes(found.task.id)) taskIds.push(found.task.id);
  }
  if (!taskIds.length) return { ok: true, taskIds, achievementIds: [] };
  const achievements = await db.achievement.findMany({
    where: { tenantId, taskId: { in: taskIds }, status: { not: '不予认定' } },
    select: { id: true },
    orderBy: { id: 'asc' },
  });
  return { ok: true, taskIds, achievementIds: achievements.map((a) => a.id) };
}

/** The links of each case, read in two queries. */
export async function loadCaseLinks(db: DbOrTx, tenantId: number, cases: readonly { id: number; taskIds: string; achievementIds: string }[]): Promise<Map<number, CaseLinks>> {
  const taskIds = [...new Set(cases.flatMap((c) => idList(c.taskIds)))];
  const achievementIds = [...new Set(cases.flatMap((c) => idList(c.achievementIds)))];
  const [tasks, achievements] = await Promise.all([
    taskIds.length ? db.task.findMany({ where: { tenantId, id: { in: taskIds } }, select: { id: true, code: true, title: true } }) : [],
    achievementIds.length ? db.achievement.findMany({ where: { tenantId, id: { in: achievementIds } }, select: { id: true, category: true, description: true, status: true } }) : [],
  ]);
  const taskById = new Map(tasks.map((t) => [t.id, t]));
  const achievementById = new Map(achievements.map((a) => [a.id, a]));
  return new Map(
    cases.map((c) => [
      c.id,
      {
        tasks: idList(c.taskIds).flatMap((id) => taskById.get(id) ?? []),
        achievements: idList(c.achievementIds).flatMap((id) => achievementById.get(id) ?? []),
      },
    ]),
  );
}

export async function linksOfCase(db: DbOrTx, tenantId: number, row: { id: number; taskIds: string; achievementIds: string }): Promise<CaseLinks> {
  return (await loadCaseLinks(db, tenantId, [row])).get(row.id) ?? EMPTY_LINKS;
}

/** For the card: "QY-2026-011 事项名称；…" and "主流媒体报道：…（已确认）；…", or 无. */
export function describeLinks(links: CaseLinks): { tasks: string; achievements: string } {
  return {
    tasks: links.tasks.map((t) => `${t.code} ${t.title}`).join('；') || '无',
    achievements: links.achievements.map((a) => `${a.category}：${a.description}（${a.status}）`).join('；') || '无',
  };
}
