// Every card button's handler, by the `a` in its callback value ({"a":"sign","t":42}).
import type { ActionSpec } from '../context.js';
import { disputeAction, resolveAction, signAction } from './dispatch.js';
import { exportListAction } from './export.js';
import { extensionAction } from './extension.js';
import { importCancelAction, importConfirmAction } from './import.js';
import { progressFormAction, submitProgressAction } from './progress.js';
import { approveAction, rejectAction } from './review.js';
import { achievementConfirmAction, achievementRejectAction } from './pilot/achievement.js';
import { caseFormAction, caseSelectAction, caseSubmitAction } from './pilot/cases.js';
import { promotionSubmitAction } from './pilot/promotion.js';

export const CARD_ACTIONS: Record<string, ActionSpec> = {
  sign: signAction,
  dispute: disputeAction,
  resolve: resolveAction,
  approve: approveAction,
  reject: rejectAction,
  extension: extensionAction,
  progress_form: progressFormAction,
  submit_progress: submitProgressAction,
  export_list: exportListAction,
  import_confirm: importConfirmAction,
  import_cancel: importCancelAction,
  achievement_confirm: achievementConfirmAction,
  achievement_reject: achievementRejectAction,
  case_form: caseFormAction,
  case_submit: caseSubmitAction,
  case_select: caseSelectAction,
  promotion_submit: promotionSubmitAction,
};
