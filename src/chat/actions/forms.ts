// Form values of the cards, validated with zod (Chinese messages, also zod's own).
import { z } from 'zod';
import { parsePercent } from '../../core/percent.js';

z.config(z.locales.zhCN());

const MAX_ID = 2_147_483_647;

/**
 * The percent box: empty, or 0–100 written in digits (core/percent.ts) — "0x10", "1e2", "-5%" and
 * a list like ["50"] are refused with the reason, never read as 16, 100, 5 or 50.
 */
const percentField = z.unknown().transform((v, ctx) => {
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) return null;
  const read = parsePercent(v);
  if (!read.ok) {
    ctx.addIssue({ code: 'custom', message: read.reason });
    return z.NEVER;
  }
  return read.value;
});

export const progressFormSchema = z.object({
  // The select's value is the task id as a string; nothing else is coerced into one (["5"] is not 5).
  task: z.union([z.string().regex(/^\d{1,10}$/), z.number().int()], { error: '请选择事项' }).transform(Number)
    .pipe(z.number().int().positive({ error: '请选择事项' }).max(MAX_ID, { error: '请选择事项' })),
  text: z.string({ error: '请填写工作进展' }).trim().min(1, { error: '请填写工作进展' }).max(2000, { error: '工作进展最多 2000 字' }),
  percent: percentField.optional(),
  problems: z.string({ error: '存在问题应为文字' }).trim().max(1000, { error: '存在问题最多 1000 字' }).optional(),
  next: z.string({ error: '下步打算应为文字' }).trim().max(1000, { error: '下步打算最多 1000 字' }).optional(),
});

export const reasonSchema = z.object({ reason: z.string({ error: '请填写理由' }).trim().min(2, { error: '请填写理由（至少 2 个字）' }).max(500, { error: '理由最多 500 字' }) });
