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
  FEISHU_EVENT_MODE: z.enum(['longconn', 'webhook']).optional().default('longconn'),
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
    eventMode: 'longconn' | 'webhook';
    /** true when real credentials are configured; otherwise the built-in sandbox plays Feishu. */
    hasCredentials: boolean;
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`环境变量配置有误：\n${lines.join('\n')}`);
  }
  const e = parsed.data;
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
      eventMode: e.FEISHU_EVENT_MODE,
      hasCredentials: Boolean(e.FEISHU_APP_ID && e.FEISHU_APP_SECRET),
      wsSilentAfterSeconds: e.FEISHU_WS_SILENT_AFTER_SECONDS,
      wsPingTimeoutSeconds: e.FEISHU_WS_PING_TIMEOUT_SECONDS,
    },
    instanceId: e.INSTANCE_ID,
    port: e.PORT,
    webhookMaxSkewSeconds: e.WEBHOOK_MAX_SKEW_SECONDS,
    sandboxPort: e.SANDBOX_PORT,
    calendarOverridesFile: e.CALENDAR_OVERRIDES_FILE,
  };
}
