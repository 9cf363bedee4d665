// A file or image sent to the bot. A workbook (.xlsx/.csv) in a private chat or the office group
// is an import (import-file.ts); anything else in a private chat gets a short answer saying what
// files the bot takes; in other groups files are people's own business and are left alone.
import type { AppContext } from '../app.js';
import { txt } from '../cards/markup.js';
import { findActorByOpenId } from '../ledger/actions.js';
import { resolveEventTenant } from '../ledger/tenancy.js';
import { handleImportFile, isImportChat, isWorkbook } from './import-file.js';
import { replyTo, text } from './say.js';
import type { ChatMessage } from './types.js';

export async function handleAttachment(app: AppContext, msg: ChatMessage): Promise<void> {
  const db = app.db.prisma;
  const tenant = await resolveEventTenant(app, msg.tenantKey);
  const file = msg.attachment!;
  const forImport = file.type === 'file' && isWorkbook(file.name) && (await isImportChat(app, tenant, msg));
  if (!forImport && msg.chatType !== 'p2p') return;
  const actor = await findActorByOpenId(db, tenant.id, msg.sender.openId);
  if (!actor) {
    if (msg.chatType !== 'p2p') return;
    return void (await replyTo(db, tenant.id, msg, text(txt`您还没有登记在台账人员名单中，暂时不能使用台账机器人。请联系本单位改革联络员或县委改革办登记。`)));
  }
  if (forImport) return handleImportFile(app, tenant, actor, msg);
  await replyTo(db, tenant.id, msg, text(txt`收到「${file.name}」。机器人只接收两类文件：县委改革办发来的台账（.xlsx 或 .csv，用于导入）；回复进展回执的佐证材料。`));
}
