// The Feishu OpenAPI client: the SDK's own `lark.Client` (token fetch + cache, generated API
// calls), pointed at FEISHU_DOMAIN when set (e.g. the local fake platform), with a private token
// cache per client and a quiet, secret-safe logger.
//
// Self-built app (自建应用): one tenant_access_token for the app's own tenant. Store app (商店应用,
// FEISHU_APP_TYPE=isv): the SDK's ISV path — the app_ticket Feishu pushes (cached by the event
// path, see dispatch.ts) buys an app_access_token, which buys one tenant_access_token per
// tenant_key; every call says whose it is with `lark.withTenantKey(key)` (tenantOptions below).
import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import type { FeishuAppType } from '../config.js';

export interface FeishuClientConfig {
  appId: string | undefined;
  appSecret: string | undefined;
  /** 'feishu' | 'lark' | a base URL without trailing slash (http://127.0.0.1:PORT for a fake). */
  domain?: string | undefined;
  /** Absent = 'self_build'. */
  appType?: FeishuAppType | undefined;
  /** Every HTTP call is abandoned after this long (FEISHU_HTTP_TIMEOUT_SECONDS); absent = 10 s. */
  httpTimeoutSeconds?: number | undefined;
}

export const DEFAULT_HTTP_TIMEOUT_SECONDS = 10;

/**
 * The SDK's own HTTP instance (axios, with its response interceptor: answers are the body) with a
 * deadline on every call. The SDK sets none, so a connection that is accepted and never answered
 * held a sender slot, or the inbox, forever. axios' `timeout` covers a silent socket; the abort
 * signal bounds the whole call even when bytes trickle in. The SDK's calls all go through
 * `request`, `post`… of the Client's httpInstance (larksuite/node-sdk client/client.ts,
 * token-manager.ts), so every OpenAPI call and the token fetch get the deadline.
 */
export function timedHttpInstance(timeoutMs: number, base: lark.HttpInstance = lark.defaultHttpInstance as unknown as lark.HttpInstance): lark.HttpInstance {
  const withDeadline = <D>(opts: lark.HttpRequestOptions<D> = {}): lark.HttpRequestOptions<D> => {
    const ms = opts.timeout ?? timeoutMs;
    return { ...opts, timeout: ms, signal: AbortSignal.timeout(ms + 1_000) } as lark.HttpRequestOptions<D>;
  };
  return {
    request: (opts) => base.request(withDeadline(opts)),
    get: (url, opts) => base.get(url, withDeadline(opts)),
    delete: (url, opts) => base.delete(url, withDeadline(opts)),
    head: (url, opts) => base.head(url, withDeadline(opts)),
    options: (url, opts) => base.options(url, withDeadline(opts)),
    post: (url, data, opts) => base.post(url, data, withDeadline(opts)),
    put: (url, data, opts) => base.put(url, data, withDeadline(opts)),
    patch: (url, data, opts) => base.patch(url, data, withDeadline(opts)),
  };
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
    appType: cfg.appType === 'isv' ? lark.AppType.ISV : lark.AppType.SelfBuild,
    domain: resolveDomain(cfg.domain),
    cache: new lark.DefaultCache(),
    httpInstance: timedHttpInstance((cfg.httpTimeoutSeconds ?? DEFAULT_HTTP_TIMEOUT_SECONDS) * 1000),
    logger: quietSdkLogger(logger),
    loggerLevel: lark.LoggerLevel.warn,
  });
}

export type TenantRequestOptions = ReturnType<typeof lark.withTenantKey>;

/** A store-app client: tokens are per tenant, every call needs a tenant key. */
export function isIsvClient(client: lark.Client): boolean {
  return client.appType === lark.AppType.ISV;
}

/**
 * Request options that make the SDK use this tenant's tenant_access_token. A self-built app has
 * one token for its own tenant, so nothing is added there (its calls stay exactly as before).
 */
export function tenantOptions(client: lark.Client, tenantKey: string | undefined): TenantRequestOptions | undefined {
  if (!isIsvClient(client)) return undefined;
  if (!tenantKey) throw new Error('商店应用调用飞书接口需要租户（tenant_key）');
  return lark.withTenantKey(tenantKey);
}

/**
 * The SDK's cache key of a store app's tenant_access_token for one tenant (TokenManager
 * .getMarketTenantAccessToken: `larkMarketAccessToken${tenantKey}` in namespace appId).
 */
export const isvTokenCacheKey = (tenantKey: string) => `larkMarketAccessToken${tenantKey}`;

/**
 * Forgets the cached tenant_access_token so the next call fetches a fresh one (after 99991663).
 * Store app: only that tenant's token; the other tenants keep theirs.
 */
export async function invalidateTenantToken(client: lark.Client, tenantKey?: string): Promise<void> {
  if (isIsvClient(client)) {
    if (tenantKey) await client.cache.set(isvTokenCacheKey(tenantKey), undefined, 0, { namespace: client.appId });
    return;
  }
  await client.cache.set(lark.CTenantAccessToken, undefined, 0, { namespace: client.appId });
}

/** The app_ticket the SDK holds for a store app (pushed by Feishu, cached by the event path). */
export async function cachedAppTicket(client: lark.Client): Promise<string | undefined> {
  const ticket: unknown = await client.cache.get(lark.CAppTicket, { namespace: client.appId });
  return typeof ticket === 'string' && ticket ? ticket : undefined;
}

/**
 * Store app at start-up: with no app_ticket cached, ask Feishu to push one now (POST
 * /open-apis/auth/v3/app_ticket/resend) instead of waiting up to an hour for the next push —
 * through the SDK's own AppTicketManager (the request its token manager makes when it finds no
 * ticket). Call it once the event URL listens, so the pushed ticket finds someone to receive it.
 * Resolves when Feishu has answered the request; returns whether a resend was asked.
 */
export async function requestAppTicketIfMissing(client: lark.Client): Promise<boolean> {
  if (!isIsvClient(client) || (await cachedAppTicket(client))) return false;
  await client.tokenManager.appTicketManager.requestAppTicket();
  return true;
}

const botOpenIds = new WeakMap<lark.Client, Map<string, Promise<string>>>();

/**
 * The bot's own open_id (GET /open-apis/bot/v3/info → `bot.open_id`), fetched once per client —
 * and, for a store app, once per tenant (the call needs that tenant's token).
 */
export function getBotOpenId(client: lark.Client, tenantKey?: string): Promise<string> {
  const key = isIsvClient(client) ? (tenantKey ?? '') : '';
  let perTenant = botOpenIds.get(client);
  if (!perTenant) botOpenIds.set(client, (perTenant = new Map()));
  let pending = perTenant.get(key);
  if (!pending) {
    const cache = perTenant;
    pending = (async () => {
      const res = await client.request<{ code?: number; msg?: string; bot?: { open_id?: string } }>(
        { method: 'GET', url: '/open-apis/bot/v3/info' },
        tenantOptions(client, key || undefined),
      );
      const openId = res?.bot?.open_id;
      if (res?.code !== 0 || !openId) throw new Error(`获取机器人信息失败：code=${res?.code} msg=${res?.msg ?? ''}`);
      return openId;
    })();
    // A failure is not cached: the next caller tries again.
    pending.catch(() => cache.delete(key));
    perTenant.set(key, pending);
  }
  return pending;
}
