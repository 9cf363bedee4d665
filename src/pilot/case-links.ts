// A 典型案例 links back to its tasks and their achievements. The unit names the tasks when it
// submits (the form's 关联事项 field, or `案例 QY-2026-011` which fills it in): each code is
// resolved like any typed code, and the achievements recorded on those tasks (not the ones the
// office refused) are linked with them — and so are those recorded on the tasks later, read when
// the links are shown. The links show on the review card and in the 案例汇编.
import type { DbOrTx } from '../db/client.js';
import { findTaskByCode } from '../ledger/actions.js';
import { inUnit, type Actor } from '../core/permissions.js';

export const MAX_CASE_TASKS = 10;

export interface CaseLinks {
  tasks: { id: number; code: string; title: string }[];
  /** Status as stored now (待确认 or 已确认; refused ones are left out): the 汇编 prints only 已确认 ones. */
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

/**
 * The typed codes to task ids and the ids of those tasks' achievements (not 不予认定), or a reason.
 * `unitIds`: the units of those tasks in order (lead, joint leads, co-units of each), so a person
 * who holds several units (兼职) submits for the one the case is about.
 */
export async function resolveCaseLinks(db: DbOrTx, tenantId: number, typed: string | null | undefined): Promise<{ ok: true; taskIds: number[]; achievementIds: number[]; unitIds: number[] } | { ok: false; reason: string }> {
  const codes = parseCodeList(typed);
  if (codes.length > MAX_CASE_TASKS) return { ok: false, reason: `关联事项最多 ${MAX_CASE_TASKS} 项。` };
  const taskIds: number[] = [];
  const unitIds: number[] = [];
  for (const code of codes) {
    const found = await findTaskByCode(db, tenantId, code);
    if (!found.ok) return { ok: false, reason: `关联事项：${found.reason}` };
    if (found.task.status === '已撤销') return { ok: false, reason: `关联事项：${found.task.code} 已撤销，不能关联。` };
    if (!taskIds.includes(found.task.id)) taskIds.push(found.task.id);
    unitIds.push(found.task.leadUnitId, ...(found.task.jointLeadUnitIds ?? []), ...found.task.coUnitIds);
  }
  if (!taskIds.length) return { ok: true, taskIds, achievementIds: [], unitIds };
  const achievements = await db.achievement.findMany({
    where: { tenantId, taskId: { in: taskIds }, status: { not: '不予认定' } },
    select: { id: true },
    orderBy: { id: 'asc' },
  });
  return { ok: true, taskIds, achievementIds: achievements.map((a) => a.id), unitIds };
}

/**
 * The unit a case is submitted for: the first of the linked tasks' units (leads before co-units, in
 * task order) that the actor holds, else their primary unit.
 */
export function caseUnitOf(actor: Pick<Actor, 'unitId' | 'roles' | 'units'>, linkedUnitIds: readonly number[]): number | null {
  return linkedUnitIds.find((id) => inUnit(actor, id)) ?? actor.unitId;
}

/**
 * The links of each case, read in two queries: its tasks, and the achievements linked when it was
 * submitted plus those recorded on its tasks since, none the office refused (不予认定), in the order recorded.
 */
export async function loadCaseLinks(db: DbOrTx, tenantId: number, cases: readonly { id: number; taskIds: string; achievementIds: string }[]): Promise<Map<number, CaseLinks>> {
  const taskIds = [...new Set(cases.flatMap((c) => idList(c.taskIds)))];
  const achievementIds = [...new Set(cases.flatMap((c) => idList(c.achievementIds)))];
  const [tasks, achievements] = await Promise.all([
    taskIds.length ? db.task.findMany({ where: { tenantId, id: { in: taskIds } }, select: { id: true, code: true, title: true } }) : [],
    taskIds.length || achievementIds.length
      ? db.achievement.findMany({
          where: { tenantId, status: { not: '不予认定' }, OR: [{ id: { in: achievementIds } }, { taskId: { in: taskIds } }] },
          select: { id: true, taskId: true, category: true, description: true, status: true },
          orderBy: { id: 'asc' },
        })
      : [],
  ]);
  const taskById = new Map(tasks.map((t) => [t.id, t]));
  return new Map(
    cases.map((c) => {
      const linked = new Set(idList(c.achievementIds));
      const ofTasks = new Set(idList(c.taskIds));
      return [
        c.id,
        {
          tasks: idList(c.taskIds).flatMap((id) => taskById.get(id) ?? []),
          achievements: achievements
            // A refused one (不予认定) is no achievement, whenever it was refused.
            .filter((a) => a.status !== '不予认定' && (linked.has(a.id) || (a.taskId !== null && ofTasks.has(a.taskId))))
            .map(({ id, category, description, status }) => ({ id, category, description, status })),
        },
      ];
    }),
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
