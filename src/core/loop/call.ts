// 揭榜挂帅: a 榜单's life. Pure. 征集中 until its 揭榜截止 (inclusive, Asia/Shanghai dates) — units may
// apply while it is open; the office picks one application (挂帅) at any time once there is one,
// which makes a task led by that unit (已挂帅); or withdraws the call (已撤销). After the deadline a
// call with no pick is 已截止 (derived, never stored) and may still be picked from.
import { addDays } from '../dates.js';
import type { WorkingCalendar } from '../calendar.js';

export const CALL_STATUSES = ['征集中', '已挂帅', '已撤销'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

export interface CallState { status: CallStatus; deadline: string }

/** What the call shows: 征集中, 已截止 (deadline passed, nobody picked yet), 已挂帅, 已撤销. */
export function callPhase(call: CallState, today: string): '征集中' | '已截止' | '已挂帅' | '已撤销' {
  if (call.status === '征集中' && today > call.deadline) return '已截止';
  return call.status;
}

export type Check = { ok: true } | { ok: false; reason: string; already?: boolean };

/** May this unit apply? audience: 'all' or the unit ids the call went to. */
/**
 * The unit a person applies for: the first of their units (primary first; 兼职 units after) that the
 * call is published to — with audience 'all', the primary unit. Null when they have no unit.
 */
export function applyingUnit(call: { audience: 'all' | number[] }, unitIds: readonly number[]): number | null {
  if (call.audience === 'all') return unitIds[0] ?? null;
  const audience = call.audience;
  return unitIds.find((id) => audience.includes(id)) ?? unitIds[0] ?? null;
}

export function canApply(call: CallState & { audience: 'all' | number[] }, unitId: number | null, today: string, alreadyApplied: boolean): Check {
  if (unitId === null) return { ok: false, reason: '揭榜以单位名义进行，您的人员信息中没有所属单位，请联系县委改革办。' };
  const phase = callPhase(call, today);
  if (phase === '已挂帅') return { ok: false, reason: '该榜单已确定挂帅单位，不再接受揭榜。' };
  if (phase === '已撤销') return { ok: false, reason: '该榜单已撤销。' };
  if (phase === '已截止') return { ok: false, reason: `该榜单已于 ${call.deadline} 截止揭榜。` };
  if (call.audience !== 'all' && !call.audience.includes(unitId)) return { ok: false, reason: '该榜单只面向指定单位发布，贵单位不在发布范围内。' };
  if (alreadyApplied) return { ok: false, reason: '贵单位已揭榜，无需重复提交。如需修改，请联系县委改革办。', already: true };
  return { ok: true };
}

export function canPick(call: CallState, applications: number): Check {
  if (call.status === '已挂帅') return { ok: false, reason: '该榜单已确定挂帅单位。', already: true };
  if (call.status === '已撤销') return { ok: false, reason: '该榜单已撤销。' };
  if (applications === 0) return { ok: false, reason: '该榜单还没有单位揭榜。' };
  return { ok: true };
}

export function checkPublish(input: { title: string; requirements: string; deadline: string }, today: string): Check {
  if (!input.title.trim()) return { ok: false, reason: '请填写榜单题目。' };
  if (!input.requirements.trim()) return { ok: false, reason: '请填写任务要求。' };
  if (input.deadline < today) return { ok: false, reason: `揭榜截止日期（${input.deadline}）已过，请选择今天或以后的日期。` };
  return { ok: true };
}

/**
 * The reminder a call's deadline is due today: `n` working days before it (one of `before`, e.g.
 * [3, 1]: working days after today up to the deadline) or 0 on the day; null when today is none of
 * them or not a working day.
 */
export function deadlineReminderDue(deadline: string, today: string, calendar: WorkingCalendar, before: readonly number[] = [3, 1]): number | null {
  if (!calendar.isWorkingDay(today) || today > deadline) return null;
  if (today === deadline) return 0;
  let n = 0;
  for (let d = addDays(today, 1); d <= deadline; d = addDays(d, 1)) if (calendar.isWorkingDay(d)) n++;
  return before.includes(n) ? n : null;
}
