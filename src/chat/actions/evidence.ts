// 「获取 …」 on the 销号审核 card: the 佐证材料 sent to the clicker's private chat as a file. The bot
// fetches it from the message it came in (message resource API) and sends it through the outbox
// (upload + file message), once per evidence and person. The office, and people of the reporting
// unit, may ask.
import { fileSourceFor } from '../../feishu/file-source.js';
import { ResourceDownloadError } from '../../feishu/resources.js';
import { enqueueFile } from '../../outbox/index.js';
import { refused, type ActionSpec } from '../context.js';
import { inUnit } from '../../core/permissions.js';

export const evidenceGetAction: ActionSpec = {
  needsTask: false,
  async handle(ctx) {
    const { db, tenant, actor, value } = ctx;
    const ev = value.t ? await db.evidence.findFirst({ where: { id: value.t, tenantId: tenant.id } }) : null;
    if (!ev) return refused({ reason: '找不到这份佐证材料' });
    const task = await db.task.findUnique({ where: { id: ev.taskId }, select: { leadUnitId: true, code: true } });
    const allowed = actor.roles.includes('ADMIN') || inUnit(actor, task?.leadUnitId);
    if (!allowed) return refused({ reason: '只有县委改革办和牵头单位可以获取佐证材料' });
    if (!actor.openId) return refused({ reason: '您的飞书账号未登记，无法私聊发送' });
    const source = fileSourceFor(ctx.app.db);
    if (!source) return refused({ reason: '飞书连接尚未就绪，请稍后再试' });
    const key = `evidence-file:${ev.id}:${actor.personId}`;
    if (await db.outboxMessage.findUnique({ where: { dedupeKey: key }, select: { id: true } })) {
      return { toast: { type: 'info', content: '这份材料已发送过，请查看与台账机器人的私聊' } };
    }
    let bytes: Buffer;
    try {
      bytes = await source.download({ tenantKey: ctx.action.tenantKey, messageId: ev.messageId, key: ev.fileKey, type: ev.kind === 'image' ? 'image' : 'file' }, 30 * 1024 * 1024);
    } catch (err) {
      if (err instanceof ResourceDownloadError) return refused({ reason: `没能取回「${ev.fileName}」：${err.message}` });
      throw err;
    }
    const fileName = ev.kind === 'image' && !/\.\w+$/.test(ev.fileName) ? `${task?.code ?? ''}佐证图片${ev.id}.jpg` : ev.fileName;
    await enqueueFile(db, { tenantId: tenant.id, dedupeKey: key, receiveIdType: 'open_id', receiveId: actor.openId, fileName, bytes });
    return { toast: { type: 'success', content: `「${ev.fileName}」已发送到您与台账机器人的私聊` } };
  },
};
