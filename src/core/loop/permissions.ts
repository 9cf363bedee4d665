// Who may do what in the reform loop. Pure; every text command and card click is checked here
// against the person record (never the card's values). Refusals are Chinese sentences.
import { actorUnitIds, inUnit, type Actor } from '../permissions.js';

export type LoopOperation =
  | 'suggest' // 建议: anyone registered
  | 'handleSuggestion' // 采纳入库 / 转单位研究 / 合并 / 不予采纳 and the 储备库: the office
  | 'answerStudy' // the unit a suggestion was sent to
  | 'review' // 风控审查
  | 'launch' // 立项
  | 'publishCall' // 发榜 and 挂帅
  | 'applyCall' // 揭榜: people of a unit
  | 'answerLookback' // 回头看: the task's lead unit
  | 'reopen' // reopen after 回头看
  | 'viewAssessment'; // 年度考核: the office and the county leaders

export type LoopPermission = { ok: true } | { ok: false; reason: string };
const OK: LoopPermission = { ok: true };
const isOffice = (a: Actor) => a.roles.includes('ADMIN');

export function checkLoopPermission(actor: Actor, op: LoopOperation, subject: { unitId?: number | null; unitName?: string | null } = {}): LoopPermission {
  switch (op) {
    case 'suggest':
      return OK;
    case 'handleSuggestion':
      return isOffice(actor) ? OK : { ok: false, reason: '只有县委改革办可以办理改革建议和议题储备库。' };
    case 'review':
      return isOffice(actor) ? OK : { ok: false, reason: '只有县委改革办可以组织风控审查。' };
    case 'launch':
      return isOffice(actor) ? OK : { ok: false, reason: '只有县委改革办可以立项。' };
    case 'publishCall':
      return isOffice(actor) ? OK : { ok: false, reason: '只有县委改革办可以发布榜单和确定挂帅单位。' };
    case 'reopen':
      return isOffice(actor) ? OK : { ok: false, reason: '只有县委改革办可以重新立项。' };
    case 'viewAssessment':
      return isOffice(actor) || actor.roles.includes('LEADER') ? OK : { ok: false, reason: '年度考核结果只向县级领导和县委改革办提供。' };
    case 'applyCall':
      return actorUnitIds(actor).length > 0 ? OK : { ok: false, reason: '揭榜以单位名义进行，您的人员信息中没有所属单位，请联系县委改革办。' };
    case 'answerStudy':
    case 'answerLookback':
      if (inUnit(actor, subject.unitId)) return OK;
      return { ok: false, reason: `只有${subject.unitName ?? '承办单位'}的人员可以答复${op === 'answerStudy' ? '研究意见' : '回头看'}。` };
  }
}
