// What a chat handler gets: who is asking, in which tenant, on which business day — never which
// transport delivered the input (src/chat/types.ts holds the transport-agnostic input shapes).
import { z } from 'zod';
import type { AppContext } from '../app.js';
import type { Db } from '../db/client.js';
import type { TenantRef } from '../db/repos/tenants.js';
import type { IsoDate } from '../core/types.js';
import type { WorkingCalendar } from '../core/calendar.js';
import { TASK_STATUSES } from '../core/types.js';
import type { LedgerActor, TaskRecord } from '../ledger/actions.js';
import type { OutgoingContent } from '../outbox/index.js';
import type { Md } from '../cards/markup.js';
import type { ParsedCommand } from './parse.js';
import type { CardAction, CardActionResponse, ChatMessage } from './types.js';

export interface ChatContext {
  app: AppContext;
  /** app.db.prisma */
  db: Db;
  tenant: TenantRef;
  actor: LedgerActor;
  /** Business date of the input ('YYYY-MM-DD', Asia/Shanghai, from the app's clock). */
  today: IsoDate;
  /** The tenant's working-day calendar (the office's 调休 entries included), read before any transaction. */
  calendar: WorkingCalendar;
}

export interface MessageContext extends ChatContext {
  msg: ChatMessage;
  /**
   * This command's idempotency key within the message: `msg:<message_id>` for its first (or only)
   * command, `msg:<message_id>#<n>` for the n-th after it. Reports store it as their sourceRef, so a
   * re-delivered message records nothing twice and a recall finds what the message recorded.
   */
  sourceRef: string;
  /** A real code of the caller's ledger for examples (their unit's when there is one). */
  exampleCode(): Promise<string>;
}

/**
 * What a command did, for the one reply to its message: the whole reply when the message held only
 * this command, one line of the summary when it held several.
 */
export interface CommandResult {
  reply: OutgoingContent;
  summary: Md;
  /** False when it was refused or not understood (the summary says why). */
  ok: boolean;
}

/**
 * A text command's handler. Permissions are checked by the ledger actions it calls; messages it
 * causes besides the reply (office notices) are enqueued with its write, in one transaction.
 */
export type CommandHandler<K extends ParsedCommand['kind']> = (ctx: MessageContext, command: Extract<ParsedCommand, { kind: K }>) => Promise<CommandResult>;

const MAX_ID = 2_147_483_647; // ids are 32-bit integers in both databases

/** Card button values. Never trusted beyond their shape: identity and role are re-checked. */
export const cardValueSchema = z.object({
  a: z.string().min(1).max(40),
  t: z.coerce.number().int().positive().max(MAX_ID).optional(),
  to: z.enum(TASK_STATUSES).optional(),
  /** The reform loop's records (a suggestion, 储备库 item, 榜单, application, 回头看): their id. */
  id: z.coerce.number().int().positive().max(MAX_ID).optional(),
  /** A batch card's tasks (任务交办单 of one import, src/chat/dispatch-batch.ts). */
  ts: z.array(z.coerce.number().int().positive().max(MAX_ID)).max(50).optional(),
  /** The record a card is about besides its task: an extension request, a problem report. */
  r: z.coerce.number().int().positive().max(MAX_ID).optional(),
});
export type CardValue = z.infer<typeof cardValueSchema>;

export interface ActionContext extends ChatContext {
  action: CardAction;
  value: CardValue;
}

/** A card button's handler: answers the callback (toast and/or the card that replaces the clicked one). */
export type ActionSpec =
  | { needsTask: true; handle(ctx: ActionContext, task: TaskRecord): Promise<CardActionResponse> }
  | { needsTask: false; handle(ctx: ActionContext): Promise<CardActionResponse> };

/** Toasts are plain text (not markdown): a reason naming a unit is shown as written. */
export const refused = (o: { reason: string }): CardActionResponse => ({ toast: { type: 'error', content: o.reason } });
export const warn = (content: string): CardActionResponse => ({ toast: { type: 'warning', content } });
