// A Feishu user who left (230013 / 230029 on a send): the person becomes inactive — no more
// reminders or cards, history kept — and the office is told who still serves their unit.
import type { DbOrTx } from '../db/client.js';
import { recordAudit } from '../db/repos/audit.js';
import { md, joinMd, type Md } from '../cards/markup.js';
import { unitHolders } from './recipients.js';

export interface Departure {
  /** People made inactive now (empty when they already were). */
  deactivated: string[];
  /** Per unit: the liaisons still active there. */
  units: { unit: string; liaisons: string[] }[];
}

export async function deactivateDeparted(db: DbOrTx, tenantId: number, openId: string, errorCode: number | null): Promise<Departure> {
  const people = await db.person.findMany({
    where: { tenantId, openId },
    include: { unit: { select: { id: true, name: true } }, otherUnits: { where: { active: true }, include: { unit: { select: { id: true, name: true } } }, orderBy: { id: 'asc' } } },
  });
  const deactivated: string[] = [];
  for (const p of people) {
    if (!p.active) continue;
    await db.person.update({ where: { id: p.id }, data: { active: false } });
    await recordAudit(db, [{ tenantId, actor: `feishu:${errorCode ?? 'send'}`, entity: 'person', entityId: p.id, action: 'update', before: { active: true }, after: { active: false, reason: '飞书答复此人已离职或不在可用范围内' } }]);
    deactivated.push(p.name);
  }
  const units: Departure['units'] = [];
  // 兼职: each unit the person served, with who is left there (its own people and 兼职 ones).
  for (const unit of people.flatMap((p) => [...(p.unit ? [p.unit] : []), ...p.otherUnits.map((o) => o.unit)])) {
    const rest = await unitHolders(db, tenantId, [unit.id]);
    units.push({ unit: unit.name, liaisons: rest.filter((r) => r.roles.split(',').includes('LIAISON')).map((r) => r.person.name) });
  }
  return { deactivated, units };
}

/** The lines the office's notice gets: who was made inactive, and each unit's remaining liaisons or that it has none. */
export function departureText(d: Departure): Md {
  return joinMd([
    d.deactivated.length ? md`已在台账中停用${d.deactivated.join('、')}（不再发送提醒，历史记录保留）。` : '',
    ...d.units.map((u) => (u.liaisons.length ? md`${u.unit}现有联络员：${u.liaisons.join('、')}。` : md`${u.unit}现在没有联络员，请在「人员」表补充接替的联络员后重新导入。`)),
  ].filter(Boolean));
}
