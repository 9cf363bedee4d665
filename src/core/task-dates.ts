// When a task began, by its own dates. A ledger loaded into the bot months after its tasks began
// has every row inserted on the day of the load; reviews of a period (光荣榜, 按季盘点, 领导周报's
// 新交办, the half-year and year-end tallies) must go by the tasks' own dates, or the first period
// after a load calls old and even closed tasks "new". Pure.
import type { IsoDate } from './types.js';

export interface TaskDates {
  /** 开始时间 as written in the ledger. */
  startDate?: IsoDate | null;
  /** The day the row was inserted (Shanghai) — the load, not the task's own start. */
  createdOn?: IsoDate | null;
  completedOn?: IsoDate | null;
  closedOn?: IsoDate | null;
}

/**
 * The day a task began: its 开始时间 when the ledger gives one; otherwise the earliest of the day
 * it was inserted and the days it was completed or closed out (a task cannot begin after it was
 * finished, so one imported already closed began no later than that). Null when nothing is known.
 */
export function taskBeganOn(t: TaskDates): IsoDate | null {
  if (t.startDate) return t.startDate;
  const known = [t.createdOn, t.completedOn, t.closedOn].filter((d): d is IsoDate => !!d);
  return known.length ? known.reduce((a, b) => (a < b ? a : b)) : null;
}

/** True when the task began within [start, end] (inclusive). A task without dates never counts as new. */
export function beganWithin(t: TaskDates, start: IsoDate, end: IsoDate): boolean {
  const began = taskBeganOn(t);
  return began !== null && began >= start && began <= end;
}

/**
 * Why a 完成时限 the office sets (新增事项, 调整) is refused: a day already past. Today is allowed
 * (a task due today); null when the date may stand.
 */
export function pastDeadlineProblem(deadline: IsoDate, today: IsoDate): string | null {
  return deadline < today ? `完成时限（${deadline}）早于今天（${today}），请填写今天或以后的日期。` : null;
}
