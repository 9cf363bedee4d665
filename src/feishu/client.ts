// The Feishu OpenAPI client: the SDK's own `lark.Client` (token fetch + cache, generated API
// calls), pointed at FEISHU_DOMAIN when set (e.g. the local fake platform), with a private token
// cache per client and a quiet, secret-safe logger.
import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';

export interface FeishuClientConfig {
  appId: string | undefined;
  appSecret: string | undefined;
  /** 'feishu' | 'lark' | a base URL without trailing slash (http://127.0.0.1:PORT for a fake). */
  domain?: string | undefined;
}

/**
 * The SDK logs whole axios errors (which carry the request config — for the token call that is
 * app_id + app_secret). So SDK output never goes to our logs verbatim: only warnings and errors
 * are forwarded, reduced to their first string fragments, at debug level.
 */
export function quietSdkLogger(logger?: Logger): lark.Logger {
  const forward = (level: 'warn' | 'error') => (...msg: unknown[]) => {
    if (!logger) return;
    // The SDK's LoggerProxy passes its arguments as one array.
    const text = msg
      .flat(2)
      .filter((m): m is string => typeof m === 'string')
      .join(' ')
      .slice(0, 300);
    if (text) logger.debug({ sdkLevel: level }, `飞书 SDK：${redactSecrets(text)}`);
  };
  const noop = () => undefined;
  return { error: forward('error'), warn: forward('warn'), info: noop, debug: noop, trace: noop };
}

/** Removes anything that looks like a credential from a free-text log line. */
export function redactSecrets(text: string): string {
  return text
    .replace(/("?(app_secret|AppSecret|encrypt_key|tenant_access_token|token)"?\s*[:=]\s*)"[^"]*"/gi, '$1"***"')
    .replace(/Bearer\s+[\w.-]+/g, 'Bearer ***')
    .replace(/\bt-[\w-]{8,}/g, 't-***');
}

export function resolveDomain(domain: string | undefined): string | lark.Domain {
  if (!domain || domain.toLowerCase() === 'feishu') return lark.Domain.Feishu;
  if (domain.toLowerCase() === 'lark') return lark.Domain.Lark;
  return domain.replace(/\/+$/, '');
}

export function createFeishuClient(cfg: FeishuClientConfig, logger?: Logger): lark.Client {
  if (!cfg.appId || !cfg.appSecret) {
    throw new Error('缺少飞书应用凭证：请设置 FEISHU_APP_ID 和 FEISHU_APP_SECRET');
  }
  return new lark.Client({
    appId: cfg.appId,
    appSecret: cfg.appSecret,
    appType: lark.AppType.SelfBuild,
    domain: resolveDomain(cfg.domain),
    cache: new lark.DefaultCache(),
    logger: quietSdkLogger(logger),
    loggerLevel: lark.LoggerLevel.warn,
  });
}

/** Forgets the cached tenant_access_token so the next call fetches a fresh one (after 99991663). */
export async function invalidateTenantToken(client: lark.Client): Promise<void> {
  await client.cache.set(lark.CTenantAccessToken, undefined, 0, { namespace: client.appId });
}

const botOpenIds = new WeakMap<lark.Client, Promise<string>>();

/** The bot's own open_id (GET /open-apis/bot/v3/info → `bot.open_id`), fetched once per client. */
export function getBotOpenId(client: lark.Client): Promise<string> {
  let pending = botOpenIds.get(client);
  if (!pending) {
    pending = client
      .request<{ code?: number; msg?: string; bot?: { open_id?: string } }>({ method: 'GET', url: '/open-apis/bot/v3/info' })
      .then((res) => {
        const openId = res?.bot?.open_id;
        if (res?.code !== 0 || !openId) throw new Error(`获取机器人信息失败：code=${res?.code} msg=${res?.msg ?? ''}`);
        return openId;
      });
    // A failure is not cached: the next caller tries again.
    pending.catch(() => botOpenIds.delete(client));
    botOpenIds.set(client, pending);
  }
  return pending;
}
