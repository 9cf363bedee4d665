// Every text command's handler, by the kind the grammar (parse.ts, verbs.ts) gives it. The type
// makes a kind without a handler a compile error.
import type { ParsedCommand } from '../parse.js';
import type { CommandResult, MessageContext } from '../context.js';
import { helpCommand, ledgerCommand, myTasksCommand } from './queries.js';
import { reportCommand } from './report.js';
import { urgeCommand } from './urge.js';
import { calendarCommand } from './calendar.js';
import { bindGroupCommand, groupListCommand, unbindGroupCommand } from './groups.js';
import { adoptCommand, declineCommand, mergeCommand, studyCommand, suggestCommand, suggestionsCommand } from './loop/suggest.js';
import { applyCommand, callsCommand, publishCallCommand } from './loop/calls.js';
import { lookbacksCommand } from './loop/lookback.js';
import { assessmentCommand, outpostCommand } from './loop/outposts.js';
import { launchCommand, reserveCommand, riskCommand, topicCommand, topicListCommand } from './loop/reserve.js';
import { exportCommand } from './export.js';
import { closeCommand, disputeCommand, redispatchCommand, resolveDisputeCommand, sendBackCommand, signCommand, withdrawCommand } from './tasks.js';
import { adjustCommand, cancelCommand, newTaskCommand, approveExtensionCommand, extendCommand, instructCommand, pauseCommand, rejectExtensionCommand, resumeCommand } from './office.js';
import { viewCommand } from './view.js';
import { problemDoneCommand, problemReplyCommand, problemTransferCommand } from './problems.js';
import { todoCommand, unreportedCommand } from './todo.js';
import { achievementCommand } from './pilot/achievement.js';
import { pilotCommand } from './pilot/pilot.js';
import { briefCommand } from './pilot/brief.js';
import { caseBookCommand } from './pilot/case-book.js';
import { caseFormCommand, caseThemeCommand } from './pilot/cases.js';
import { promotionCommand } from './pilot/promotion.js';
import { promotionPlanCommand } from './pilot/promotion-plan.js';

export const COMMAND_HANDLERS: { [K in ParsedCommand['kind']]: (ctx: MessageContext, command: Extract<ParsedCommand, { kind: K }>) => Promise<CommandResult> } = {
  help: helpCommand,
  myTasks: myTasksCommand,
  ledger: ledgerCommand,
  progress: reportCommand,
  problem: reportCommand,
  complete: reportCommand,
  urge: urgeCommand,
  calendar: calendarCommand,
  bindGroup: bindGroupCommand,
  unbindGroup: unbindGroupCommand,
  groupList: groupListCommand,
  // 改革闭环 (commands/loop/)
  suggest: suggestCommand,
  suggestions: suggestionsCommand,
  adopt: adoptCommand,
  decline: declineCommand,
  study: studyCommand,
  merge: mergeCommand,
  reserve: reserveCommand,
  topic: topicCommand,
  topicList: topicListCommand,
  risk: riskCommand,
  launch: launchCommand,
  publishCall: publishCallCommand,
  calls: callsCommand,
  apply: applyCommand,
  lookbacks: lookbacksCommand,
  outpost: outpostCommand,
  assessment: assessmentCommand,
  exportLedger: exportCommand,
  sign: signCommand,
  dispute: disputeCommand,
  resolveDispute: resolveDisputeCommand,
  close: closeCommand,
  sendBack: sendBackCommand,
  redispatch: redispatchCommand,
  withdraw: withdrawCommand,
  extend: extendCommand,
  approveExtension: approveExtensionCommand,
  rejectExtension: rejectExtensionCommand,
  pause: pauseCommand,
  resume: resumeCommand,
  cancel: cancelCommand,
  instruct: instructCommand,
  problemReply: problemReplyCommand,
  problemDone: problemDoneCommand,
  problemTransfer: problemTransferCommand,
  adjust: adjustCommand,
  newTask: newTaskCommand,
  view: viewCommand,
  todo: todoCommand,
  unreported: unreportedCommand,
  achievement: achievementCommand,
  pilot: pilotCommand,
  brief: briefCommand,
  caseTheme: caseThemeCommand,
  caseForm: caseFormCommand,
  caseBook: caseBookCommand,
  promotion: promotionCommand,
  promotionPlan: promotionPlanCommand,
};
