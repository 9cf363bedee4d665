// How long an actionable card lives. Feishu keeps a JSON 2.0 card clickable and updatable for 14
// days only (https://open.feishu.cn/document/feishu-cards/card-json-v2-breaking-changes-release-notes;
// https://open.feishu.cn/document/uAjLw4CM/ukzMukzMukzM/feishu-cards/handle-card-callbacks). A card
// still waited on (a 任务交办单 not signed, a 销号审核 not decided…) is sent again by the daily
// `reissue` job on the last working day before the next run would find it dead. Pure.
import type { WorkingCalendar } from './calendar.js';
import { addDays } from './dates.js';
import type { IsoDate } from './types.js';

export const CARD_LIFETIME_DAYS = 14;

/**
 * True when a fresh card must go out today: none was ever sent, or the next run (the next working
 * day) would come on or after the last day the card still works — a day of margin for the run's
 * time of day and the sending.
 */
export function reissueDue(lastIssued: IsoDate | null, today: IsoDate, calendar: Pick<WorkingCalendar, 'nextWorkingDay'>): boolean {
  if (lastIssued === null) return true;
  if (lastIssued >= today) return false;
  const lastGoodDay = addDays(lastIssued, CARD_LIFETIME_DAYS - 1);
  return calendar.nextWorkingDay(today) >= lastGoodDay;
}
