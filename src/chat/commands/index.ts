// Every text command's handler, by the kind the grammar (parse.ts, verbs.ts) gives it. The type
// makes a kind without a handler a compile error.
import type { ParsedCommand } from '../parse.js';
import type { CommandResult, MessageContext } from '../context.js';
import { helpCommand, ledgerCommand, myTasksCommand } from './queries.js';
import { reportCommand } from './report.js';
import { urgeCommand } from './urge.js';
import { calendarCommand } from './calendar.js';
import { exportCommand } from './export.js';
import { achievementCommand } from './pilot/achievement.js';
import { pilotCommand } from './pilot/pilot.js';
import { briefCommand } from './pilot/brief.js';
import { caseFormCommand, caseThemeCommand } from './pilot/cases.js';
import { promotionCommand } from './pilot/promotion.js';

export const COMMAND_HANDLERS: { [K in ParsedCommand['kind']]: (ctx: MessageContext, command: Extract<ParsedCommand, { kind: K }>) => Promise<CommandResult> } = {
  help: helpCommand,
  myTasks: myTasksCommand,
  ledger: ledgerCommand,
  progress: reportCommand,
  problem: reportCommand,
  complete: reportCommand,
  urge: urgeCommand,
  calendar: calendarCommand,
  exportLedger: exportCommand,
  achievement: achievementCommand,
  pilot: pilotCommand,
  brief: briefCommand,
  caseTheme: caseThemeCommand,
  caseForm: caseFormCommand,
  promotion: promotionCommand,
};
