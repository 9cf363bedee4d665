// Every card button's handler, by the `a` in its callback value ({"a":"sign","t":42}).
import type { ActionSpec } from '../context.js';
import { disputeAction, resolveAction, signAction, signAllAction, signBatchAction } from './dispatch.js';
import { evidenceGetAction } from './evidence.js';
import { exportListAction } from './export.js';
import { approveExtensionAction, extensionAction, rejectExtensionAction, submitExtensionAction } from './extension.js';
import { importCancelAction, importConfirmAction } from './import.js';
import { problemDoneAction, problemReplyAction, problemTransferAction } from './problem.js';
import { progressFormAction, submitProgressAction } from './progress.js';
import { submitEditAction, submitNewTaskAction } from './edit.js';
import { approveAction, rejectAction } from './review.js';
import { adoptAction, answerAction, declineAction, mergeAction, openSuggestionAction, studyAction, submitSuggestionAction } from './loop/suggestion.js';
import { applyAction, applyFormAction, compareAction, pickAction, publishCallAction } from './loop/calls.js';
import { lookbackAnswerAction, lookbackFormAction, lookbackReopenAction } from './loop/lookback.js';
import { launchFormAction, launchSubmitAction, riskFormAction, riskSubmitAction } from './loop/reserve.js';
import { achievementConfirmAction, achievementRejectAction } from './pilot/achievement.js';
import { caseFormAction, caseSelectAction, caseSubmitAction } from './pilot/cases.js';
import { promotionSubmitAction } from './pilot/promotion.js';
import { promotionPlanSubmitAction } from './pilot/promotion-plan.js';

export const CARD_ACTIONS: Record<string, ActionSpec> = {
  sign: signAction,
  dispute: disputeAction,
  resolve: resolveAction,
  approve: approveAction,
  reject: rejectAction,
  extension: extensionAction,
  submit_extension: submitExtensionAction,
  approve_extension: approveExtensionAction,
  reject_extension: rejectExtensionAction,
  problem_reply: problemReplyAction,
  problem_done: problemDoneAction,
  problem_transfer: problemTransferAction,
  submit_edit: submitEditAction,
  submit_new_task: submitNewTaskAction,
  progress_form: progressFormAction,
  submit_progress: submitProgressAction,
  // 改革闭环 (actions/loop/)
  sg_submit: submitSuggestionAction,
  sg_open: openSuggestionAction,
  sg_adopt: adoptAction,
  sg_study: studyAction,
  sg_merge: mergeAction,
  sg_decline: declineAction,
  sg_answer: answerAction,
  risk_form: riskFormAction,
  risk_submit: riskSubmitAction,
  launch_form: launchFormAction,
  launch_submit: launchSubmitAction,
  call_publish: publishCallAction,
  call_apply_form: applyFormAction,
  call_apply: applyAction,
  call_compare: compareAction,
  call_pick: pickAction,
  lb_form: lookbackFormAction,
  lb_answer: lookbackAnswerAction,
  lb_reopen: lookbackReopenAction,
  sign_batch: signBatchAction,
  sign_all: signAllAction,
  export_list: exportListAction,
  evidence_get: evidenceGetAction,
  import_confirm: importConfirmAction,
  import_cancel: importCancelAction,
  achievement_confirm: achievementConfirmAction,
  achievement_reject: achievementRejectAction,
  case_form: caseFormAction,
  case_submit: caseSubmitAction,
  case_select: caseSelectAction,
  promotion_submit: promotionSubmitAction,
  promotion_plan_submit: promotionPlanSubmitAction,
};
