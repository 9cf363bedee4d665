// The prefix of codes given to tasks of a ledger without 编号 (`QY` → QY-2026-001): the tenant's
// setting `codes` ({"prefix": "QY"}, `taizhang setting codes '{"prefix":"QY"}'`), else the prefix
// most of the ledger's codes already use, else RW (任务).
import { z } from 'zod';
import type { DbOrTx } from '../../db/client.js';
import { getSetting } from '../../db/repos/settings.js';
import { parseSettings } from '../../core/validation.js';

export const DEFAULT_CODE_PREFIX = 'RW';

export const codesSettingSchema = z.object({
  prefix: z.string().trim().regex(/^[A-Za-z]{1,8}$/, '编号前缀应为 1–8 个英文字母，如 QY').transform((s) => s.toUpperCase()),
}).strict();

export const parseCodesSetting = (json: unknown) => parseSettings(codesSettingSchema, json ?? {}, '编号前缀设置');

export async function codePrefixFor(db: DbOrTx, tenantId: number): Promise<string> {
  const stored = await getSetting(db, tenantId, 'codes');
  if (stored !== undefined) {
    try {
      return parseCodesSetting(stored).prefix;
    } catch {
      /* an invalid stored value falls back below */
    }
  }
  const rows = await db.task.findMany({ where: { tenantId }, select: { codeKey: true }, take: 2000, orderBy: { id: 'desc' } });
  const tally = new Map<string, number>();
  for (const r of rows) {
    const m = /^([A-Z]{1,8})-\d{4}-\d+$/.exec(r.codeKey);
    if (m) tally.set(m[1]!, (tally.get(m[1]!) ?? 0) + 1);
  }
  const best = [...tally].sort((a, b) => b[1] - a[1])[0];
  return best ? best[0] : DEFAULT_CODE_PREFIX;
}
