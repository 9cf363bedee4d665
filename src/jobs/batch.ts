// One message per recipient per run. A planner first works out, per task, who should hear of it
// and what (a candidate); batchPerRecipient then gives each recipient ONE message: the task's own
// card when they have one item, else a card listing all their items, each with its own buttons,
// cut with 「等 N 项」 past MAX_BATCH_ITEMS. The dedupe key is per (job, recipient, period) —
// `<job>:items:<receive_id>:<period>` — so a re-run, a second instance or a restart after kill -9
// sends each recipient at most one message for the period, however many items it holds.
import type { Md } from '../cards/markup.js';
import { compareLevels } from '../core/supervision.js';
import type { SupervisionLevel } from '../core/types.js';
import { headerColour, markdownElement, md, renderFitting, taskActions, type Card } from './cards.js';
import { uniqueRecipients, type Recipient } from './data.js';
import type { PlannedMessage } from './plan.js';
import type { JobName } from './settings.js';

/** Items shown with their buttons in one message; the rest are counted (the card stays readable and under 30 KB). */
export const MAX_BATCH_ITEMS = 10;

export interface BatchItem {
  taskId: number;
  level: SupervisionLevel;
  /** One or two lines: the task and what is due or late. */
  line: Md;
}

export interface BatchCandidate {
  subject: string;
  recipients: Recipient[];
  /** The single-item card (sent as is when the recipient has only this item). */
  card: Card;
  title: string;
  item: BatchItem;
}

export interface BatchWording {
  /** The title for n items (worst level given). */
  title(items: BatchItem[]): string;
  subtitle: string;
  intro(items: BatchItem[], recipient: Recipient): Md;
  footer: string;
}

export const batchKey = (job: JobName, tenantId: number, receiveId: string, periodKey: string) => `${job}:t${tenantId}:${receiveId}:${periodKey}`;

export function batchPerRecipient(job: JobName, tenantId: number, periodKey: string, candidates: BatchCandidate[], wording: BatchWording): PlannedMessage[] {
  const byRecipient = new Map<string, { recipient: Recipient; list: BatchCandidate[] }>();
  for (const c of candidates) {
    for (const r of uniqueRecipients(c.recipients)) {
      const key = `${r.receiveIdType}:${r.receiveId}`;
      let entry = byRecipient.get(key);
      if (!entry) byRecipient.set(key, (entry = { recipient: r, list: [] }));
      if (!entry.list.includes(c)) entry.list.push(c);
    }
  }
  const out: PlannedMessage[] = [];
  for (const { recipient, list } of byRecipient.values()) {
    const dedupeKey = batchKey(job, tenantId, recipient.receiveId, periodKey);
    if (list.length === 1) {
      const only = list[0]!;
      out.push({ job, subject: only.subject, recipient, periodKey, dedupeKey, card: only.card, title: only.title });
      continue;
    }
    // Worst first, then in the planner's order.
    const items = list.map((c) => c.item).sort((a, b) => compareLevels(b.level, a.level));
    const worst = items[0]!.level;
    const title = wording.title(items);
    const card = renderFitting(
      'reminder-batch',
      (max) => {
        const shown = items.slice(0, Math.min(max, MAX_BATCH_ITEMS));
        const more = items.length - shown.length;
        return {
          summary: title,
          title,
          subtitle: wording.subtitle,
          colour: headerColour(worst === 'none' ? 'blue' : worst),
          intro: wording.intro(items, recipient),
          items: shown.flatMap((i, n) => [markdownElement(md`**${n + 1}.** ${i.line}`), ...taskActions(i.taskId)]),
          more: more > 0 ? md`…等 ${items.length} 项（另有 ${more} 项未列出）。发送「我的任务」查看全部。` : '',
          footer: wording.footer,
        };
      },
      MAX_BATCH_ITEMS,
    );
    out.push({ job, subject: 'items', recipient, periodKey, dedupeKey, card, title });
  }
  return out;
}
