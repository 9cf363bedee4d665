// Every text command's handler, by the kind the grammar (parse.ts, verbs.ts) gives it. The type
// makes a kind without a handler a compile error.
import type { ParsedCommand } from '../parse.js';
import type { CommandResult, MessageContext } from '../context.js';
import { helpCommand, ledgerCommand, myTasksCommand } from './queries.js';
import { reportCommand } from './report.js';
import { urgeCommand } from './urge.js';
import { calendarCommand } from './calendar.js';
import { closeCommand, disputeCommand, redispatchCommand, resolveDisputeCommand, sendBackCommand, signCommand, withdrawCommand } from './tasks.js';
import { adjustCommand, cancelCommand, newTaskCommand, approveExtensionCommand, extendCommand, instructCommand, pauseCommand, rejectExtensionCommand, resumeCommand } from './office.js';
import { viewCommand } from './view.js';
import { problemDoneCommand, problemReplyCommand, problemTransferCommand } from './problems.js';
import { todoCommand, unreportedCommand } from './todo.js';

export const COMMAND_HANDLERS: { [K in ParsedCommand['kind']]: (ctx: MessageContext, command: Extract<ParsedCommand, { kind: K }>) => Promise<CommandResult> } = {
  help: helpCommand,
  myTasks: myTasksCommand,
  ledger: ledgerCommand,
  progress: reportCommand,
  problem: reportCommand,
  complete: reportCommand,
  urge: urgeCommand,
  calendar: calendarCommand,
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
};
