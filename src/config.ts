// The one config: every environment variable the bot reads is parsed here (and documented in
// .env.example and the README). Nothing else reads process.env.
import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const intFrom = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) {
        ctx.addIssue({ code: 'custom', message: `应为非负整数，实际为 "${v}"` });
        return z.NEVER;
      }
      return n;
    });

const booleanFrom = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const t = v?.trim().toLowerCase();
      if (t === undefined || t === '') return fallback;
      if (['true', '1', 'yes'].includes(t)) return true;
      if (['false', '0', 'no'].includes(t)) return false;
      ctx.addIssue({ code: 'custom', message: `应为 true 或 false，实际为 "${v}"` });
      return z.NEVER;
    });

const positiveIntFrom = (fallback: number) =>
  intFrom(fallback).refine((n) => n > 0, { message: '应为正整数' });

const envSchema = z.object({
  DATABASE_URL: optionalString,
  DEFAULT_TENANT_KEY: optionalString.transform((v) => v ?? 'local'),
  DEFAULT_TENANT_NAME: optionalString.transform((v) => v ?? '本地改革办'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().default('info'),
  FEISHU_APP_ID: optionalString,
  FEISHU_APP_SECRET: optionalString,
  FEISHU_ENCRYPT_KEY: optionalString,
  FEISHU_VERIFICATION_TOKEN: optionalString,
  FEISHU_DOMAIN: optionalString,
  FEISHU_EVENT_URL: optionalString,
  FEISHU_ALLOW_UNSIGNED_WEBHOOK: booleanFrom(false),
  FEISHU_HTTP_TIMEOUT_SECONDS: positiveIntFrom(10),
  MESSAGE_RETENTION_DAYS: positiveIntFrom(30),
  FEISHU_APP_TYPE: optionalString.pipe(
    z.enum(['self_build', 'isv'], { error: (i) => `应为 self_build（企业自建应用）或 isv（商店应用），实际为 "${String(i.input)}"` }).optional(),
  ),
  FEISHU_EVENT_MODE: optionalString.pipe(
    z.enum(['longconn', 'webhook'], { error: (i) => `应为 longconn（长连接）或 webhook，实际为 "${String(i.input)}"` }).optional(),
  ),
  PORT: intFrom(3000),
  WEBHOOK_MAX_SKEW_SECONDS: intFrom(300),
  SANDBOX_PORT: intFrom(3100),
  CALENDAR_OVERRIDES_FILE: optionalString,
  INSTANCE_ID: optionalString,
  FEISHU_WS_SILENT_AFTER_SECONDS: intFrom(300),
  FEISHU_WS_PING_TIMEOUT_SECONDS: intFrom(30),
});

export type DatabaseTarget =
  | { provider: 'sqlite'; url: string; file: string }
  | { provider: 'postgresql'; url: string; schema: string | undefined };

/** self_build: 企业自建应用, one tenant. isv: 商店应用, one deployment serving every tenant that installs it. */
export type FeishuAppType = 'self_build' | 'isv';

export interface Config {
  database: DatabaseTarget;
  defaultTenant: { key: string; name: string };
  logLevel: string;
  feishu: {
    appId: string | undefined;
    appSecret: string | undefined;
    encryptKey: string | undefined;
    verificationToken: string | undefined;
    domain: string | undefined;
    /** The public 请求地址 configured in the console (FEISHU_EVENT_URL): `taizhang doctor` sends it a challenge. */
    eventUrl?: string | undefined;
    /** Absent = 'self_build' (what loadConfig gives when FEISHU_APP_TYPE is unset). */
    appType?: FeishuAppType;
    eventMode: 'longconn' | 'webhook';
    /** true when real credentials are configured; otherwise the built-in sandbox plays Feishu. */
    hasCredentials: boolean;
    /**
     * Webhook mode without an encrypt key (requests unsigned, only the verification token checked)
     * is refused unless this is true (FEISHU_ALLOW_UNSIGNED_WEBHOOK). Absent = false.
     */
    allowUnsignedWebhook?: boolean;
    /** Every OpenAPI call (SDK) is abandoned after this long (FEISHU_HTTP_TIMEOUT_SECONDS); absent = 10 s. */
    httpTimeoutSeconds?: number;
    /** Long connection: rebuild it when nothing (not even a pong) arrived for this long. */
    wsSilentAfterSeconds: number;
    wsPingTimeoutSeconds: number;
  };
  /** Names this process in lock columns (inbox, outbox, leases); random when unset. */
  instanceId: string | undefined;
  port: number;
  webhookMaxSkewSeconds: number;
  sandboxPort: number;
  calendarOverridesFile: string | undefined;
  /**
   * Received events keep their payload (message texts, card callback tokens, the verification
   * token) and sent messages their content this many days; then both are cleared and only ids,
   * types, status and times stay — enough for deduplication (MESSAGE_RETENTION_DAYS). Absent = 30.
   */
  messageRetentionDays?: number;
}

export const DEFAULT_SQLITE_FILE = './data/taizhang.db';

export function parseDatabaseUrl(url: string | undefined): DatabaseTarget {
  if (url === undefined) return { provider: 'sqlite', url: `file:${DEFAULT_SQLITE_FILE}`, file: DEFAULT_SQLITE_FILE };
  if (url.startsWith('file:')) {
    const file = url.slice('file:'.length).split('?')[0]!;
    if (!file) throw new ConfigError('DATABASE_URL 的 file: 后缺少文件路径');
    return { provider: 'sqlite', url, file };
  }
  if (url.startsWith('postgresql://') || url.startsWith('postgres://')) {
    const schema = new URL(url).searchParams.get('schema') ?? undefined;
    return { provider: 'postgresql', url, schema };
  }
  throw new ConfigError(`DATABASE_URL 无法识别："${url.split('@').pop()}"，应以 file: 或 postgresql:// 开头`);
}

export class ConfigError extends Error {}

/**
 * Webhook mode without an encrypt key: anyone who learns the verification token could forge card
 * clicks and events. Refused unless the operator says so (FEISHU_ALLOW_UNSIGNED_WEBHOOK=true).
 */
export const UNSIGNED_WEBHOOK_REFUSAL =
  '未配置 Encrypt Key 时飞书请求无法验签，任何知道 Verification Token 的人都能伪造事件和卡片点击，已拒绝以 webhook 模式启动。' +
  '请在飞书开发者后台 → 事件与回调 → 加密策略 中设置 Encrypt Key，并配置 FEISHU_ENCRYPT_KEY；' +
  '确需不加密运行时，设置 FEISHU_ALLOW_UNSIGNED_WEBHOOK=true（此时只接受 WEBHOOK_MAX_SKEW_SECONDS 秒内、默认 5 分钟内产生的事件）';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`环境变量配置有误：\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const appType: FeishuAppType = e.FEISHU_APP_TYPE ?? 'self_build';
  // Feishu's long connection serves self-built apps only ("长连接模式仅支持企业自建应用"): a store
  // app receives its events, and its app_ticket, by webhook.
  if (appType === 'isv' && e.FEISHU_EVENT_MODE === 'longconn') {
    throw new ConfigError('环境变量配置有误：\n  FEISHU_EVENT_MODE: 商店应用（FEISHU_APP_TYPE=isv）不能使用长连接（飞书长连接仅支持企业自建应用），请设为 webhook 并配置事件请求地址');
  }
  const eventMode = e.FEISHU_EVENT_MODE ?? (appType === 'isv' ? 'webhook' : 'longconn');
  // Half a set of credentials is a mistake, never "no credentials": the sandbox would start on the
  // configured database and deliver its queued real messages to the fake platform.
  const secrets = { FEISHU_APP_ID: e.FEISHU_APP_ID, FEISHU_APP_SECRET: e.FEISHU_APP_SECRET, FEISHU_ENCRYPT_KEY: e.FEISHU_ENCRYPT_KEY, FEISHU_VERIFICATION_TOKEN: e.FEISHU_VERIFICATION_TOKEN };
  const given = Object.entries(secrets).filter(([, v]) => v !== undefined).map(([k]) => k);
  const missing = (['FEISHU_APP_ID', 'FEISHU_APP_SECRET'] as const).filter((k) => secrets[k] === undefined);
  if (given.length > 0 && missing.length > 0) {
    throw new ConfigError(
      `环境变量配置有误：\n  已配置 ${given.join('、')}，但缺少 ${missing.join('、')}。` +
        '飞书应用凭证要么完整配置（连接真实飞书），要么全部不配（启动本地沙箱），不会只用一半启动',
    );
  }
  const hasCredentials = missing.length === 0;
  if (hasCredentials && eventMode === 'webhook' && !e.FEISHU_VERIFICATION_TOKEN) {
    throw new ConfigError('环境变量配置有误：\n  FEISHU_VERIFICATION_TOKEN: webhook 模式需要 Verification Token（飞书开发者后台 → 事件与回调 → 加密策略）');
  }
  if (hasCredentials && eventMode === 'webhook' && !e.FEISHU_ENCRYPT_KEY && !e.FEISHU_ALLOW_UNSIGNED_WEBHOOK) {
    throw new ConfigError(`环境变量配置有误：\n  FEISHU_ENCRYPT_KEY: ${UNSIGNED_WEBHOOK_REFUSAL}`);
  }
  return {
    database: parseDatabaseUrl(e.DATABASE_URL),
    defaultTenant: { key: e.DEFAULT_TENANT_KEY, name: e.DEFAULT_TENANT_NAME },
    logLevel: e.LOG_LEVEL,
    feishu: {
      appId: e.FEISHU_APP_ID,
      appSecret: e.FEISHU_APP_SECRET,
      encryptKey: e.FEISHU_ENCRYPT_KEY,
      verificationToken: e.FEISHU_VERIFICATION_TOKEN,
      domain: e.FEISHU_DOMAIN,
      eventUrl: e.FEISHU_EVENT_URL,
      appType,
      eventMode,
      hasCredentials,
      allowUnsignedWebhook: e.FEISHU_ALLOW_UNSIGNED_WEBHOOK,
      httpTimeoutSeconds: e.FEISHU_HTTP_TIMEOUT_SECONDS,
      wsSilentAfterSeconds: e.FEISHU_WS_SILENT_AFTER_SECONDS,
      wsPingTimeoutSeconds: e.FEISHU_WS_PING_TIMEOUT_SECONDS,
    },
    instanceId: e.INSTANCE_ID,
    port: e.PORT,
    webhookMaxSkewSeconds: e.WEBHOOK_MAX_SKEW_SECONDS,
    sandboxPort: e.SANDBOX_PORT,
    calendarOverridesFile: e.CALENDAR_OVERRIDES_FILE,
    messageRetentionDays: e.MESSAGE_RETENTION_DAYS,
  };
}
