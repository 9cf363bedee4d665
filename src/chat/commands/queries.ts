// 我的任务 / 台账 [单位] / 帮助: cards that show the ledger; they change nothing.
import type { Card } from '../../cards/render.js';
import { md, txt } from '../../cards/markup.js';
import { loadLedgerTasks, withSupervision } from '../../ledger/overview.js';
import { actorIdentity, actorUnitNames } from '../../ledger/actions.js';
import { actorUnitIds } from '../../core/permissions.js';
import { ledgerSummary } from '../../ledger/summary.js';
import { supervisionThresholds } from '../../ledger/settings.js';
import { helpCard, ledgerSummaryCard, myTasksCard, type UnitTaskRow } from '../cards.js';
import type { ChatContext, CommandHandler } from '../context.js';
import { card, text } from '../say.js';

export const helpCommand: CommandHandler<'help'> = async (ctx) => ({
  ok: true, reply: card(helpCard(ctx.actor.roles.includes('ADMIN'), await ctx.exampleCode(), actorIdentity(ctx.actor))), summary: md`帮助：见使用说明`,
});

export const myTasksCommand: CommandHandler<'myTasks'> = async (ctx) => ({
  ok: true, reply: card(await myTasks(ctx)), summary: md`我的任务`,
});

export const ledgerCommand: CommandHandler<'ledger'> = async (ctx, command) => {
  const { db, tenant, today } = ctx;
  let unitId: number | undefined;
  let scope = '全县';
  if (command.unitName) {
    // Matched in code, not with SQL LIKE: "%" and "_" are just characters here.
    const units = await db.unit.findMany({ where: { tenantId: tenant.id }, select: { id: true, name: true }, orderBy: { name: 'asc' } });
    const unit = units.find((u) => u.name === command.unitName) ?? units.find((u) => u.name.includes(command.unitName!));
    if (!unit) {
      const reason = `没有找到名称含「${command.unitName}」的单位。`;
      return { ok: false, reply: text(txt`${reason}示例：台账 石堡镇`), summary: md`✗ 台账：${reason}` };
    }
    unitId = unit.id;
    scope = unit.name;
  }
  const thresholds = await supervisionThresholds(db, tenant.id);
  const summary = await ledgerSummary(db, tenant.id, { today, calendar: ctx.calendar, thresholds, ...(unitId !== undefined ? { unitId } : {}) });
  const units = summary.stats.byUnit.map((u) => ({ name: summary.unitNames.get(u.unitId) ?? `单位${u.unitId}`, stats: u }));
  let rows: UnitTaskRow[] = [];
  if (unitId !== undefined) {
    // The unit's tasks, led or co-operated on (marked), open ones first, with their colours.
    const thresholdsNow = thresholds;
    const tasks = withSupervision(await loadLedgerTasks(db, tenant.id, { unitId }), today, ctx.calendar, thresholdsNow);
    const rank = (s: string) => (s === '已销号' ? 2 : s === '暂缓' ? 1 : 0);
    rows = tasks
      .map((t) => ({ code: t.code, title: t.title, role: (t.leadUnitId === unitId || (t.jointLeadUnitIds ?? []).includes(unitId!) ? '牵头' : '配合') as UnitTaskRow['role'], status: t.status, deadline: t.deadline ?? null, level: t.supervision.level }))
      .sort((a, b) => rank(a.status) - rank(b.status) || (a.role === b.role ? 0 : a.role === '牵头' ? -1 : 1) || a.code.localeCompare(b.code));
  }
  return { ok: true, reply: card(ledgerSummaryCard(scope, today, summary.stats.overall, unitId === undefined ? units : [], rows, summary.stale)), summary: md`台账 ${scope}` };
};

/** A leader sees the items they lead; everyone else their unit's open items. */
async function myTasks(ctx: ChatContext): Promise<Card> {
  const { db, tenant, actor, today } = ctx;
  const unitIds = actorUnitIds(actor);
  const isLeaderOnly = actor.roles.includes('LEADER') && unitIds.length === 0;
  const all = isLeaderOnly
    ? (await loadLedgerTasks(db, tenant.id, { openOnly: true })).filter((t) => t.leadLeaderIds.includes(actor.personId))
    : unitIds.length ? await loadLedgerTasks(db, tenant.id, { unitIds, openOnly: true }) : [];
  return myTasksCard(isLeaderOnly ? `${actor.name}领衔` : actorUnitNames(actor) ?? actor.name, today, withSupervision(all, today, ctx.calendar, await supervisionThresholds(db, tenant.id)));
}
