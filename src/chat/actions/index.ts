// Every card button's handler, by the `a` in its callback value ({"a":"sign","t":42}).
import type { ActionSpec } from '../context.js';
import { disputeAction, resolveAction, signAction } from './dispatch.js';
import { approveExtensionAction, extensionAction, rejectExtensionAction, submitExtensionAction } from './extension.js';
import { problemDoneAction, problemReplyAction, problemTransferAction } from './problem.js';
import { progressFormAction, submitProgressAction } from './progress.js';
import { submitEditAction, submitNewTaskAction } from './edit.js';
import { approveAction, rejectAction } from './review.js';

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
};
