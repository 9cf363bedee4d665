// The office's settings, read and written in one place: validated with the core's zod schemas,
// audited, and — for the 三色督办 thresholds — clearing the stored colours so they are recomputed.
import type { DbOrTx } from '../db/client.js';
import { getSetting, putSetting } from '../db/repos/settings.js';
import { parseSupervisionThresholds, type SupervisionThresholds } from '../core/supervision.js';
import { parseHonourWeights } from '../core/honour.js';
import { recipientsSettingSchema } from './recipients.js';
import { parseSettings } from '../core/validation.js';
import { parseJobsSettings } from '../jobs/settings.js';
import { invalidateLevels } from './levels.js';

/** Every setting key, with how it is validated and what it is for (shown by `taizhang setting`). */
export const SETTINGS: Record<string, { label: string; parse: (json: unknown) => unknown }> = {
  supervision: { label: '三色督办阈值', parse: parseSupervisionThresholds },
  honour: { label: '光荣榜评分权重', parse: parseHonourWeights },
  jobs: { label: '定时推送（时间、接收人、补发时限）', parse: parseJobsSettings },
  recipients: { label: '接收群（改革办群 officeChatId、全体群 allHandsChatId）', parse: (j) => parseSettings(recipientsSettingSchema, j ?? {}, '接收群设置') },
};

export async function supervisionThresholds(db: DbOrTx, tenantId: number): Promise<SupervisionThresholds> {
  return parseSupervisionThresholds(await getSetting(db, tenantId, 'supervision'));
}

/** Validates and stores a setting (audited). Throws InvalidSettingsError (Chinese) or Error for an unknown key. */
export async function updateSetting(db: DbOrTx, tenantId: number, key: string, value: unknown, actor: string): Promise<unknown> {
  const spec = Object.hasOwn(SETTINGS, key) ? SETTINGS[key] : undefined;
  if (!spec) throw new Error(`没有这个设置项：${key}（可用：${Object.keys(SETTINGS).join('、')}）`);
  spec.parse(value);
  await putSetting(db, tenantId, key, value, actor);
  if (key === 'supervision') await invalidateLevels(db, tenantId);
  return spec.parse(value);
}
