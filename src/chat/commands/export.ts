// 导出台账 / 导出台账 石堡镇: the ledger as a workbook (src/ledger/export.ts — the office's print
// layout, which imports back unchanged), uploaded and sent as a file in the chat that asked.
// The office exports the whole county or any unit; a unit's liaison, commissioner or head exports
// their own unit only; anyone else is told who may.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { md, txt } from '../../cards/markup.js';
import type { DbOrTx } from '../../db/client.js';
import { exportLedger } from '../../ledger/export.js';
import { supervisionThresholds } from '../../ledger/settings.js';
import { enqueueFile, FileRefusedError } from '../../outbox/index.js';
import type { ChatContext, CommandHandler, CommandResult } from '../context.js';
import { text } from '../say.js';
import { inUnit } from '../../core/permissions.js';

const UNIT_ROLES = ['LIAISON', 'COMMISSIONER', 'UNIT_HEAD'] as const;

const refuse = (reason: string): CommandResult => ({ ok: false, reply: text(txt`${reason}`), summary: md`✗ 导出台账：${reason}` });

export const exportCommand: CommandHandler<'exportLedger'> = async (ctx, command) => {
  const { actor } = ctx;
  const asked = command.text?.trim() || null;
  const isOffice = actor.roles.includes('ADMIN');
  // 兼职: the units where the person holds a unit role (primary first); the first is 「导出台账」's.
  const ownUnits = (actor.units ?? (actor.unitId !== null ? [{ unitId: actor.unitId, unitName: actor.unitName ?? '本单位', roles: actor.roles }] : []))
    .filter((u) => inUnit(actor, u.unitId, UNIT_ROLES));
  const isUnitPerson = ownUnits.length > 0;
  if (!isOffice && !isUnitPerson) return refuse('只有县委改革办和各单位改革联络员可以导出台账。');
  let unit: { id: number; name: string } | null = null;
  if (asked) {
    unit = await findUnit(ctx.db, ctx.tenant.id, asked);
    if (!unit) return refuse(`没有找到名称含「${asked}」的单位。示例：导出台账 石堡镇`);
  }
  if (!isOffice) {
    if (unit && !ownUnits.some((u) => u.unitId === unit!.id)) return refuse(`您只能导出本单位（${ownUnits.map((u) => u.unitName).join('、')}）的台账。请发送「导出台账」。`);
    if (!unit) unit = { id: ownUnits[0]!.unitId, name: ownUnits[0]!.unitName || '本单位' };
  }
  const built = await buildExport(ctx, unit);
  const fileName = `${unit?.name ?? '全县'}改革台账_${ctx.today}.xlsx`;
  try {
    await enqueueFile(ctx.db, { tenantId: ctx.tenant.id, dedupeKey: `file:${ctx.sourceRef}`, kind: 'reply', receiveId: ctx.msg.messageId, fileName, bytes: built.bytes });
  } catch (err) {
    if (err instanceof FileRefusedError) return refuse(`${err.message}。请按单位分别导出。`);
    throw err;
  }
  const scope = unit?.name ?? '全县';
  return {
    ok: true,
    reply: text(txt`已导出${scope}台账：事项 ${built.tasks} 项（含节点 ${built.milestones} 个），文件「${fileName}」随后发出。改好后可直接发回给我导入。`),
    summary: md`导出台账 ${scope}：${built.tasks} 项，文件随后发出`,
  };
};

/** Writes the export to a temporary file (the writer streams) and reads it back. */
export async function buildExport(ctx: Pick<ChatContext, 'db' | 'tenant' | 'today' | 'calendar'>, unit: { id: number } | null) {
  const dir = await mkdtemp(path.join(tmpdir(), 'taizhang-export-'));
  try {
    const file = path.join(dir, 'export.xlsx');
    const thresholds = await supervisionThresholds(ctx.db, ctx.tenant.id);
    const counts = await exportLedger(ctx.db, ctx.tenant.id, file, { today: ctx.today, calendar: ctx.calendar, thresholds, ...(unit ? { unitId: unit.id } : {}) });
    return { ...counts, bytes: await readFile(file) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A unit by name: exact, else the first whose name contains it (in code: "%" and "_" are characters). */
export async function findUnit(db: DbOrTx, tenantId: number, name: string): Promise<{ id: number; name: string } | null> {
  const units = await db.unit.findMany({ where: { tenantId }, select: { id: true, name: true }, orderBy: { name: 'asc' } });
  return units.find((u) => u.name === name) ?? units.find((u) => u.name.includes(name)) ?? null;
}
