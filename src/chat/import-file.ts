// A workbook sent to the bot (private chat, or the office group): the office's way to import
// without a terminal. The file is downloaded (message resource API), read and checked like
// `taizhang import --check`; the answer is a preview card (import-preview.ts) or the list of
// problems. The plan is stored (ImportPreview), so 确认导入 writes exactly what was previewed and
// never reads a file again. Office only: anyone else is told so and nothing is downloaded.
// One preview per message (its message_id is unique): a re-delivered event does nothing twice.
import path from 'node:path';
import { MAX_FILE_BYTES } from '../ledger/import/read.js';
import type { AppContext } from '../app.js';
import { txt } from '../cards/markup.js';
import type { TenantRef } from '../db/repos/tenants.js';
import { fileSourceFor } from '../feishu/file-source.js';
import { ResourceDownloadError } from '../feishu/resources.js';
import type { LedgerActor } from '../ledger/actions.js';
import { ImportReadError } from '../ledger/import/read.js';
import { planImportBytes } from '../ledger/import/plan.js';
import { officeRecipients } from '../ledger/recipients.js';
import { importPreviewCard, importProblemsCard } from './import-preview.js';
import { card, replyTo, text } from './say.js';
import type { ChatMessage } from './types.js';

/** Workbooks the import reads (src/ledger/import/read.ts). */
export const IMPORT_EXTENSIONS = ['.xlsx', '.csv'];
/** A ledger workbook is small; anything bigger is not one (Feishu's own download limit is 100 MB). */
/** The importer's own limit (one limit for the CLI and the chat). */
export const IMPORT_MAX_BYTES = MAX_FILE_BYTES;

export function isWorkbook(name: string): boolean {
  return IMPORT_EXTENSIONS.includes(path.extname(name).toLowerCase());
}

/** True when a file in this chat is meant for the import: a private chat, or the office's group. */
export async function isImportChat(app: AppContext, tenant: TenantRef, msg: ChatMessage): Promise<boolean> {
  if (msg.chatType === 'p2p') return true;
  const office = await officeRecipients(app.db.prisma, tenant.id);
  return office.some((r) => r.receiveIdType === 'chat_id' && r.receiveId === msg.chatId);
}

export async function handleImportFile(app: AppContext, tenant: TenantRef, actor: LedgerActor, msg: ChatMessage): Promise<void> {
  const db = app.db.prisma;
  const file = msg.attachment!;
  if (!actor.roles.includes('ADMIN')) {
    return void (await replyTo(db, tenant.id, msg, text(txt`只有县委改革办可以通过发送文件导入台账。如需修改本单位事项，请联系县委改革办；查看本单位台账请发送「导出台账」。`)));
  }
  if (await db.importPreview.findUnique({ where: { messageId: msg.messageId }, select: { id: true } })) return;
  const source = fileSourceFor(app.db);
  if (!source) throw new Error('飞书连接尚未就绪，无法下载文件');
  let bytes: Buffer;
  try {
    bytes = await source.download({ tenantKey: msg.tenantKey, messageId: msg.messageId, key: file.key, type: 'file' }, IMPORT_MAX_BYTES);
  } catch (err) {
    if (!(err instanceof ResourceDownloadError)) throw err;
    const reason = err.code === 234037 ? `文件超过 ${IMPORT_MAX_BYTES / 1024 / 1024} MB，不像是台账文件` : err.message;
    return void (await replyTo(db, tenant.id, msg, text(txt`没能读取文件「${file.name}」：${reason}。请重新发送。`)));
  }
  let outcome;
  try {
    outcome = await planImportBytes(db, tenant.id, file.name, bytes);
  } catch (err) {
    if (!(err instanceof ImportReadError)) throw err;
    return void (await replyTo(db, tenant.id, msg, text(txt`文件「${file.name}」无法读取：${err.message}。请用 Excel 另存为 .xlsx 后重新发送。`)));
  }
  if (!outcome.ok) return void (await replyTo(db, tenant.id, msg, card(importProblemsCard(file.name, outcome.problems))));
  const { plan, preview } = outcome;
  await db.$transaction(async (tx) => {
    const row = await tx.importPreview.create({
      data: { tenantId: tenant.id, messageId: msg.messageId, fileName: file.name, requestedBy: actor.personId, plan: JSON.stringify({ plan, preview }), createdAt: app.clock.now() },
    });
    await replyTo(tx, tenant.id, msg, card(importPreviewCard(file.name, plan, preview, row.id)));
  });
}
