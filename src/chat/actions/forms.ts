// Form values of the cards, validated with zod (Chinese messages, also zod's own).
import { z } from 'zod';

z.config(z.locales.zhCN());

const MAX_ID = 2_147_483_647;

/** Full-width digits and a trailing % in the percent box ("６０％" → "60"). */
const percentInput = (v: unknown) => (typeof v === 'string' ? v.replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).replace(/\s|%|％/g, '') : v);

export const progressFormSchema = z.object({
  task: z.coerce.number({ error: '请选择事项' }).int({ error: '请选择事项' }).positive({ error: '请选择事项' }).max(MAX_ID, { error: '请选择事项' }),
  text: z.string({ error: '请填写工作进展' }).trim().min(1, { error: '请填写工作进展' }).max(2000, { error: '工作进展最多 2000 字' }),
  percent: z.preprocess(percentInput, z.union([z.literal(''), z.coerce.number().int().min(0).max(100)], { error: '完成进度应为 0–100 的整数，如 60' })).optional(),
  problems: z.string({ error: '存在问题应为文字' }).trim().max(1000, { error: '存在问题最多 1000 字' }).optional(),
  next: z.string({ error: '下步打算应为文字' }).trim().max(1000, { error: '下步打算最多 1000 字' }).optional(),
});

export const reasonSchema = z.object({ reason: z.string({ error: '请填写理由' }).trim().min(2, { error: '请填写理由（至少 2 个字）' }).max(500, { error: '理由最多 500 字' }) });
