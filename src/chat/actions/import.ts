// 确认导入 / 取消 on the 导入预览 card (src/chat/import-file.ts). Office only. 确认导入 applies the
// stored plan — never the file again — after checking that the ledger still gives the same preview
// (an edit in between would be overwritten unseen: then nothing is written and the office is asked
// to send the file again). The claim on the preview row and the import commit together, so two
// clicks (or two instances) import once; the 任务交办单 of new tasks follow.
import { shanghaiShort } from '../../core/dates.js';
import { applyImportPlan, previewImportPlan, type ImportPlan, type ImportPreview } from '../../ledger/import/plan.js';
import { dispatchTasks } from '../dispatch-tasks.js';
import { importDoneCard } from '../import-preview.js';
import { refused, type ActionContext, type ActionSpec } from '../context.js';
import type { CardActionResponse } from '../types.js';

async function load(ctx: ActionContext) {
  if (!ctx.actor.roles.includes('ADMIN')) return { error: refused({ reason: '只有县委改革办可以确认或取消导入' }) };
  const row = ctx.value.t ? await ctx.db.importPreview.findFirst({ where: { id: ctx.value.t, tenantId: ctx.tenant.id } }) : null;
  if (!row) return { error: refused({ reason: '找不到这次导入预览，请重新发送文件' }) };
  if (row.status !== 'pending') {
    const said = row.status === 'applied' ? '这次导入已确认，无需重复操作' : row.status === 'cancelled' ? '这次导入已取消' : '这次预览已失效，请重新发送文件';
    return { error: { toast: { type: 'info' as const, content: said } } };
  }
  return { row, stored: JSON.parse(row.plan) as { plan: ImportPlan; preview: ImportPreview } };
}

const replaced = (card: Record<string, unknown>, toast: CardActionResponse['toast']): CardActionResponse => ({ toast, card: { type: 'raw', data: card } });

export const importConfirmAction: ActionSpec = {
  needsTask: false,
  async handle(ctx) {
    const loaded = await load(ctx);
    if ('error' in loaded) return loaded.error!;
    const { row, stored } = loaded;
    const when = shanghaiShort(ctx.app.clock.now());
    const now = await previewImportPlan(ctx.db, ctx.tenant.id, stored.plan);
    if (JSON.stringify(now.changes) !== JSON.stringify(stored.preview.changes)) {
      await ctx.db.importPreview.updateMany({ where: { id: row.id, status: 'pending' }, data: { status: 'stale', decidedBy: ctx.actor.personId, decidedAt: ctx.app.clock.now() } });
      return replaced(importDoneCard(row.fileName, 'stale', ctx.actor.name, when), { type: 'warning', content: '预览之后台账已有变化，本次未导入，请重新发送文件' });
    }
    const result = await ctx.db.$transaction(
      async (tx) => {
        const { count } = await tx.importPreview.updateMany({ where: { id: row.id, status: 'pending' }, data: { status: 'applied', decidedBy: ctx.actor.personId, decidedAt: ctx.app.clock.now() } });
        if (count !== 1) return null;
        return applyImportPlan(tx, ctx.tenant.id, stored.plan, `person:${ctx.actor.personId}:import:${row.fileName}`);
      },
      { timeout: 600_000, maxWait: 30_000 },
    );
    if (!result) return { toast: { type: 'info', content: '这次导入已确认，无需重复操作' } };
    await dispatchTasks(ctx.app, ctx.tenant.id, result.createdTaskIds);
    const { createdTaskIds: _ids, ...counts } = result;
    return replaced(importDoneCard(row.fileName, 'applied', ctx.actor.name, when, counts), { type: 'success', content: `已导入：新增事项 ${counts.tasks.created} 项，修改 ${counts.tasks.updated} 项` });
  },
};

export const importCancelAction: ActionSpec = {
  needsTask: false,
  async handle(ctx) {
    const loaded = await load(ctx);
    if ('error' in loaded) return loaded.error!;
    const { count } = await ctx.db.importPreview.updateMany({ where: { id: loaded.row.id, status: 'pending' }, data: { status: 'cancelled', decidedBy: ctx.actor.personId, decidedAt: ctx.app.clock.now() } });
    if (count !== 1) return { toast: { type: 'info', content: '这次导入已处理' } };
    return replaced(importDoneCard(loaded.row.fileName, 'cancelled', ctx.actor.name, shanghaiShort(ctx.app.clock.now())), { type: 'info', content: '已取消，台账未改动' });
  },
};
