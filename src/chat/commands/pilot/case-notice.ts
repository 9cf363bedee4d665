// The quarter's 典型案例征集 notice: sent by 「案例主题」 and by the case-collection job (the same
// outbox key per recipient, so whichever comes first is the one sent).
import { button } from '../../../cards/render.js';
import { md } from '../../../cards/markup.js';
import { noticeCard } from '../../cards.js';

/** The 征集 notice — shared with 「案例主题」 (src/chat/commands/pilot/cases.ts). */
export function caseThemeNotice(quarterLabel: string, theme: string) {
  return noticeCard(`${quarterLabel}典型案例征集`,
    md`本季度案例征集主题：**${theme}**\n请各单位围绕主题报送典型做法（背景、主要做法、取得成效——请用数字说明、佐证材料、联系人）。改革办将逐一点评，入选案例编入本季度《典型案例汇编》。`,
    'blue', [button('报送案例', { a: 'case_form' }, 'primary')]);
}

/** The outbox key of the quarter's notice to one recipient — the same as the command's sendTo key. */
export const caseThemeKey = (quarterKey: string, receiveId: string) => `case-theme:${quarterKey}:${receiveId}`;
