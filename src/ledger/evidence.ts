// 佐证材料: files and images attached to a progress or completion report (Evidence rows: Feishu's
// message and file keys plus the name). Feishu keeps the bytes; the bot fetches them again through
// the message resource API when the office asks (src/chat/actions/evidence.ts). The office may
// require evidence before 销号 (setting "review": {"requireEvidence": true}).
import { z } from 'zod';
import type { DbOrTx } from '../db/client.js';
import { getSetting } from '../db/repos/settings.js';
import { parseSettings } from '../core/validation.js';

export const reviewSettingSchema = z.strictObject({
  /** 同意销号 is refused while the completion report has no 佐证材料. */
  requireEvidence: z.boolean().optional(),
});
export type ReviewSetting = z.infer<typeof reviewSettingSchema>;

export async function reviewSetting(db: DbOrTx, tenantId: number): Promise<ReviewSetting> {
  return parseSettings(reviewSettingSchema, (await getSetting(db, tenantId, 'review')) ?? {}, '销号审核设置');
}

export interface EvidenceItem {
  id: number;
  fileName: string;
  kind: string;
}

export async function evidenceOf(db: DbOrTx, reportId: number): Promise<EvidenceItem[]> {
  return db.evidence.findMany({ where: { reportId }, orderBy: { id: 'asc' }, select: { id: true, fileName: true, kind: true } });
}

/**
 * The report a reply to one of the bot's messages is about: the 回执 of a chat report (outbox key
 * `reply:<message_id>` → the report with sourceRef `msg:<message_id>`, the message's first command)
 * or of a form. A form's report has sourceRef `card:<click>:<card message_id>`: its 回执 either
 * replaced that card in place (a private card: the reply names the card's message) or came as a new
 * private message (`progress-receipt:<click>`). Older form reports have `card:<click>` only.
 */
export async function reportForReceipt(db: DbOrTx, tenantId: number, receiptMessageId: string) {
  const sent = await db.outboxMessage.findFirst({ where: { tenantId, feishuMessageId: receiptMessageId }, select: { dedupeKey: true } });
  if (!sent) return null;
  const include = { task: { select: { id: true, code: true, title: true, status: true, leadUnitId: true } } } as const;
  if (sent.dedupeKey.startsWith('reply:')) {
    const report = await db.progressReport.findFirst({ where: { tenantId, sourceRef: `msg:${sent.dedupeKey.slice('reply:'.length)}`, withdrawnAt: null }, include });
    if (report) return report;
  } else if (sent.dedupeKey.startsWith('progress-receipt:')) {
    const click = `card:${sent.dedupeKey.slice('progress-receipt:'.length)}`;
    return db.progressReport.findFirst({ where: { tenantId, OR: [{ sourceRef: click }, { sourceRef: { startsWith: `${click}:` } }], withdrawnAt: null }, include });
  }
  // A form submitted on this very card: its 回执 replaced the card.
  return db.progressReport.findFirst({ where: { tenantId, sourceRef: { startsWith: 'card:', endsWith: `:${receiptMessageId}` }, withdrawnAt: null }, orderBy: { id: 'desc' }, include });
}
