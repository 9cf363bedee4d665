// 「获取逐项清单」 on the half-year and year-end cards: the detailed list (the ledger export, every
// task with its colour and latest progress) as a workbook, sent to the clicker's private chat.
// The office and county leaders get the whole county's; a unit's liaison, commissioner or head
// their own unit's; anyone else is told who may. One file per card and person (a second click
// says it was sent).
import { enqueueFile, FileRefusedError } from '../../outbox/index.js';
import { buildExport } from '../commands/export.js';
import { refused, type ActionSpec } from '../context.js';
import { inUnit } from '../../core/permissions.js';

const UNIT_ROLES = ['LIAISON', 'COMMISSIONER', 'UNIT_HEAD'] as const;

export const exportListAction: ActionSpec = {
  needsTask: false,
  async handle(ctx) {
    const { actor } = ctx;
    const whole = actor.roles.includes('ADMIN') || actor.roles.includes('LEADER');
    // 兼职: the first of the person's units (primary first) where they hold a unit role.
    const own = actor.units?.find((u) => UNIT_ROLES.some((r) => u.roles.includes(r))) ?? (actor.unitId !== null && inUnit(actor, actor.unitId, UNIT_ROLES) ? { unitId: actor.unitId, unitName: actor.unitName } : null);
    if (!whole && !own) return refused({ reason: '逐项清单只发给县委改革办、县级领导和各单位改革联络员' });
    if (!actor.openId) return refused({ reason: '您的飞书账号未登记，无法私聊发送清单' });
    const unit = whole ? null : { id: own!.unitId };
    const built = await buildExport(ctx, unit);
    const fileName = `${whole ? '全县' : (own!.unitName ?? '本单位')}改革台账逐项清单_${ctx.today}.xlsx`;
    try {
      const res = await enqueueFile(ctx.db, {
        tenantId: ctx.tenant.id, dedupeKey: `file:list:${ctx.action.messageId}:${actor.personId}`,
        receiveIdType: 'open_id', receiveId: actor.openId, fileName, bytes: built.bytes,
      });
      if (!res.created) return { toast: { type: 'info', content: '逐项清单已发送过，请查看与台账机器人的私聊' } };
    } catch (err) {
      if (err instanceof FileRefusedError) return refused({ reason: err.message });
      throw err;
    }
    return { toast: { type: 'success', content: `逐项清单（${built.tasks} 项）已发送到您与台账机器人的私聊` } };
  },
};
