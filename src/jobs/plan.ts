// "What to send", as plain data. A planner turns a ledger snapshot and a moment into a list of
// PlannedMessage — one per (job, subject, recipient, period) — and nothing is sent from here:
// outbox.ts writes the plan to the durable outbox (one transaction, with the JobRun row), and the
// Sender drains it. The dedupe key makes the whole path idempotent: planning the same moment twice
// yields the same keys, and the outbox ignores keys it already holds.
import type { WorkingCalendar } from '../core/calendar.js';
import { shanghaiDate } from '../core/dates.js';
import type { Period } from '../core/periods.js';
import type { IsoDate } from '../core/types.js';
import type { Card } from './cards.js';
import { uniqueRecipients, type Recipient } from './data.js';
import type { JobName, TenantJobConfig } from './settings.js';

export interface PlannedMessage {
  job: JobName;
  /** What the message is about: 'task42', 'unit7', 'leader3', 'tenant1.roll'. */
  subject: string;
  recipient: Recipient;
  periodKey: string;
  /** `${job}:${subject}:${recipient.receiveId}:${periodKey}` — unique in the outbox. */
  dedupeKey: string;
  /** Card JSON 2.0. */
  card: Card;
  /** The card's title, for logs and --dry-run. */
  title: string;
  /** A file sent right after the card (the 简报's Word document), keyed `${dedupeKey}:file`. */
  file?: { fileName: string; bytes: Buffer };
  /** An image message (im/v1/images) sent right after the card (the 年度考核's chart), keyed `${dedupeKey}:image`. */
  image?: { fileName: string; bytes: Buffer };
}

export interface JobPlan {
  job: JobName;
  tenantId: number;
  at: Date;
  today: IsoDate;
  period: Period;
  messages: PlannedMessage[];
  /** Things the office should know (a unit nobody can be reached in, a non-working day…). */
  notes: string[];
}

export interface PlanContext {
  tenantId: number;
  at: Date;
  calendar: WorkingCalendar;
  config: TenantJobConfig;
}

export function todayOf(ctx: PlanContext): IsoDate {
  return shanghaiDate(ctx.at);
}

export function dedupeKeyOf(job: JobName, subject: string, recipient: Recipient, periodKey: string): string {
  return `${job}:${subject}:${recipient.receiveId}:${periodKey}`;
}

/** One message per distinct recipient, all carrying the same card. */
export function fanOut(job: JobName, subject: string, periodKey: string, recipients: Recipient[], card: Card, title: string): PlannedMessage[] {
  return uniqueRecipients(recipients).map((recipient) => ({
    job,
    subject,
    recipient,
    periodKey,
    dedupeKey: dedupeKeyOf(job, subject, recipient, periodKey),
    card,
    title,
  }));
}

/** "推进中 5，待签收 2" — only the non-zero counts, in the given order. */
export function countsText(counts: [string, number][], empty = '无'): string {
  const parts = counts.filter(([, n]) => n > 0).map(([label, n]) => `${label} ${n}`);
  return parts.length ? parts.join('，') : empty;
}
