// The office's settings (Setting table, JSON per tenant): one table of every key with how it is
// validated and what it is for (shown by `taizhang setting`). It sits above the ledger and the jobs,
// which each own their keys' schemas; changing a setting is validated, audited, and may refresh
// what depends on it (the 三色督办 thresholds clear the stored colours).
import type { DbOrTx } from './db/client.js';
import { putSetting } from './db/repos/settings.js';
import { parseHonourWeights } from './core/honour.js';
import { parseSupervisionThresholds } from './core/supervision.js';
import { parseSettings } from './core/validation.js';
import { recipientsSettingSchema } from './ledger/recipients.js';
import { reviewSettingSchema } from './ledger/evidence.js';
import { invalidateLevels } from './ledger/levels.js';
import { parseJobsSettings } from './jobs/settings.js';
import { parseAssessmentWeights } from './core/loop/assessment.js';
import { parseLookbackSetting } from './core/loop/lookback.js';
import { parseCodesSetting } from './ledger/import/code-prefix.js';

export interface SettingSpec {
  /** Chinese, for `taizhang setting`. */
  label: string;
  /** Validates a stored or proposed value; throws InvalidSettingsError (Chinese) when it is wrong. */
  parse: (json: unknown) => unknown;
  /** Runs after the value was stored (same transaction client). */
  afterChange?: (db: DbOrTx, tenantId: number) => Promise<void>;
}

/** Every setting key. */
export const SETTINGS: Record<string, SettingSpec> = {
  supervision: { label: '三色督办阈值', parse: parseSupervisionThresholds, afterChange: (db, tenantId) => invalidateLevels(db, tenantId) },
  honour: { label: '光荣榜评分权重', parse: parseHonourWeights },
  jobs: { label: '定时推送（时间、接收人、补发时限）', parse: parseJobsSettings },
  codes: { label: '编号前缀（导入无编号的台账时生成 前缀-年份-序号，如 {"prefix":"QY"} → QY-2026-001）', parse: parseCodesSetting },
  recipients: { label: '接收群（改革办群 officeChatId、全体群 allHandsChatId）', parse: (j) => parseSettings(recipientsSettingSchema, j ?? {}, '接收群设置') },
  // 改革闭环
  lookback: { label: '回头看（销号后 months 个月，可按类别 byCategory）', parse: parseLookbackSetting },
  assessment: { label: '年度考核权重（各项分值 components、类别系数 categories、目标数、战略任务标签）', parse: parseAssessmentWeights },
  review: { label: '销号审核（requireEvidence：须附佐证材料才能销号）', parse: (j) => parseSettings(reviewSettingSchema, j ?? {}, '销号审核设置') },
};

/**
 * Validates and stores a setting (audited), then runs its afterChange. Returns the parsed value.
 * Throws InvalidSettingsError (Chinese) for a wrong value, Error for an unknown key.
 */
export async function updateSetting(db: DbOrTx, tenantId: number, key: string, value: unknown, actor: string): Promise<unknown> {
  const spec = Object.hasOwn(SETTINGS, key) ? SETTINGS[key] : undefined;
  if (!spec) throw new Error(`没有这个设置项：${key}（可用：${Object.keys(SETTINGS).join('、')}）`);
  const parsed = spec.parse(value);
  await putSetting(db, tenantId, key, value, actor);
  await spec.afterChange?.(db, tenantId);
  return parsed;
}
