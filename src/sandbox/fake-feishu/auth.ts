// Access tokens and app credentials: tenant_access_token for a self-built app, the store-app
// (商店应用) chain app_ticket → app_access_token → one tenant_access_token per installed tenant,
// the bearer-token check every other API goes through, and the long-connection endpoint (which
// authenticates with app id + secret).
//
// Sources:
//  - tenant_access_token/internal; lifetime 2 h; the same token while ≥ 30 min remain, a new one
//    (both valid) below that:
//    https://open.feishu.cn/document/server-docs/authentication-management/access-token/tenant_access_token_internal
//  - Store app: app_ticket pushed hourly (v1.0 event) and on app_ticket/resend; app_access_token
//    from app_id + app_secret + app_ticket; tenant_access_token from app_access_token + tenant_key
//    (same 2 h / 30 min rule):
//    https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/application-v6/event/app_ticket-events
//    https://open.feishu.cn/document/ukTMukTMukTM/ukDNz4SO0MjL5QzM/auth-v3/auth/app_ticket_resend
//    https://open.feishu.cn/document/ukTMukTMukTM/ukDNz4SO0MjL5QzM/auth-v3/auth/app_access_token
//    https://open.feishu.cn/document/ukTMukTMukTM/ukDNz4SO0MjL5QzM/auth-v3/tenant_access_token/create
//  - 99991661 (no token) and 99991663 (invalid or expired token), HTTP 400:
//    https://open.feishu.cn/document/server-docs/api-call-guide/generic-error-code
//  - /callback/ws/endpoint is not documented; it follows the SDK's WSClient (feishu-facts.md §7).
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { deliverWithRetries, postToBot, type DeliveryResult } from './events.js';
import { fail } from './http.js';
import { randomId } from './payloads.js';
import type { RouteRequest } from './router.js';
import type { FakeState } from './state.js';

// ---------------------------------------------------------------------------------------------
// Route handlers

/** POST /open-apis/auth/v3/tenant_access_token/internal (self-built apps only). */
export function tenantAccessTokenInternal(f: FakeState, req: RouteRequest): Record<string, unknown> {
  if (f.appType === 'isv') {
    return { code: 10003, msg: 'fake Feishu: a store app gets tenant_access_token from /open-apis/auth/v3/tenant_access_token' };
  }
  const body = req.json();
  // Docs differ (not changed yet): generic-error-code has 10014 = "app unauthorized" (app disabled)
  // and 10015 = "wrong app secret"; the same 10014 is used by the store-app endpoints below.
  if (body['app_id'] !== f.appId || body['app_secret'] !== f.appSecret) {
    return { code: 10014, msg: 'app secret invalid' };
  }
  const { token, expire } = currentOrNewToken(f, f.tokens, 't-', f.clock.now().getTime());
  return { code: 0, msg: 'ok', tenant_access_token: token, expire };
}

/** Store app: app_ticket/resend answers at once and pushes a new ticket to the event URL shortly after. */
export function appTicketResend(f: FakeState, req: RouteRequest): Record<string, unknown> {
  const body = req.json();
  if (body['app_id'] !== f.appId || body['app_secret'] !== f.appSecret) return { code: 10014, msg: 'app secret invalid' };
  const t = setTimeout(() => {
    f.timers.delete(t);
    void pushAppTicket(f);
  }, 10);
  f.timers.add(t);
  return { code: 0, msg: 'ok' };
}

/** Store app: app_access_token for app_id + app_secret + a current app_ticket (codes other than 0 are not from the docs). */
export function appAccessToken(f: FakeState, req: RouteRequest): Record<string, unknown> {
  const body = req.json();
  if (body['app_id'] !== f.appId || body['app_secret'] !== f.appSecret) return { code: 10014, msg: 'app secret invalid' };
  const ticket = body['app_ticket'];
  if (typeof ticket !== 'string' || !ticket || (ticket !== f.appTicket && ticket !== f.previousAppTicket)) {
    return { code: 10012, msg: 'fake Feishu: app_ticket invalid' };
  }
  const { token, expire } = currentOrNewToken(f, f.appTokens, 'a-', f.clock.now().getTime());
  return { code: 0, msg: 'ok', app_access_token: token, expire };
}

/** Store app: one tenant_access_token per installed tenant, bought with an app_access_token. */
export function isvTenantAccessToken(f: FakeState, req: RouteRequest): Record<string, unknown> {
  const body = req.json();
  const now = f.clock.now().getTime();
  const appToken = body['app_access_token'];
  const appExp = typeof appToken === 'string' ? f.appTokens.get(appToken) : undefined;
  if (appExp === undefined || appExp <= now) return { code: 10014, msg: 'fake Feishu: app_access_token invalid' };
  const tenantKey = body['tenant_key'];
  if (typeof tenantKey !== 'string' || !f.tenants.has(tenantKey)) return { code: 10013, msg: 'fake Feishu: the tenant has not installed the app' };
  const { token, expire } = currentOrNewToken(f, f.tokens, 't-', now, (t) => f.tokenTenants.get(t) === tenantKey);
  f.tokenTenants.set(token, tenantKey);
  return { code: 0, msg: 'ok', tenant_access_token: token, expire };
}

/** POST /callback/ws/endpoint: the long-connection URL and client config for {AppID, AppSecret}. */
export function wsEndpoint(f: FakeState, req: RouteRequest): Record<string, unknown> {
  const body = req.json();
  if (body['AppID'] !== f.appId || body['AppSecret'] !== f.appSecret) return { code: 403, msg: 'forbidden', data: {} };
  const deviceId = randomBytes(6).toString('hex');
  const url = `${f.url.replace(/^http/, 'ws')}/ws?app_id=${f.appId}&device_id=${deviceId}&service_id=1`;
  return { code: 0, msg: 'ok', data: { URL: url, ClientConfig: f.wsClientConfig } };
}

// ---------------------------------------------------------------------------------------------

/** Feishu's rule: the same token while ≥ 30 min remain; below that a new one (the old stays valid). */
function currentOrNewToken(
  f: FakeState,
  store: Map<string, number>,
  prefix: string,
  now: number,
  fits: (token: string) => boolean = () => true,
): { token: string; expire: number } {
  for (const [token, exp] of store) {
    if (fits(token) && exp - now >= 30 * 60_000) return { token, expire: Math.floor((exp - now) / 1000) };
  }
  const token = `${prefix}${randomBytes(16).toString('hex')}`;
  store.set(token, now + f.tokenExpireSeconds * 1000);
  return { token, expire: f.tokenExpireSeconds };
}

/** Checks the bearer token; returns the tenant the call acts in (store app: the token's). */
export function authenticate(f: FakeState, headers: IncomingHttpHeaders): string {
  const auth = headers['authorization'];
  if (typeof auth !== 'string' || !auth.startsWith('Bearer ')) {
    fail(400, 99991661, 'Missing access token for authorization. Please make a request with token attached.');
  }
  const token = (auth as string).slice('Bearer '.length).trim();
  const exp = f.tokens.get(token);
  if (exp === undefined || exp <= f.clock.now().getTime()) {
    fail(400, 99991663, 'Invalid access token for authorization. Please make a request with token attached.');
  }
  return f.tokenTenants.get(token) ?? f.tenantKey;
}

/** Invalidates every issued tenant_access_token (next calls get 99991663); store app: or only one tenant's. */
export function revokeTokens(f: FakeState, tenantKey?: string): void {
  if (tenantKey === undefined) {
    f.tokens.clear();
    f.tokenTenants.clear();
    return;
  }
  for (const [token, tenant] of f.tokenTenants) {
    if (tenant !== tenantKey) continue;
    f.tokens.delete(token);
    f.tokenTenants.delete(token);
  }
}

/**
 * Store app: Feishu pushes a new app_ticket (hourly, and after app_ticket/resend) to the event
 * URL — a v1.0 event, encrypted and signed like the others, re-pushed on the schedule until
 * acknowledged. The previous ticket stays valid for app_access_token.
 */
export async function pushAppTicket(f: FakeState, opts: { retry?: boolean } = {}): Promise<DeliveryResult> {
  if (f.appType !== 'isv') throw new Error('fake Feishu: app_ticket is pushed to store apps only');
  f.previousAppTicket = f.appTicket;
  f.appTicket = `fake-ticket-${randomBytes(12).toString('hex')}`;
  const uuid = randomId('', 16);
  // The v1.0 shape of the app_ticket event page.
  const payload = {
    ts: (f.clock.now().getTime() / 1000).toFixed(7),
    uuid,
    token: f.verificationToken,
    type: 'event_callback',
    event: { app_id: f.appId, app_ticket: f.appTicket, type: 'app_ticket' },
  };
  const result = await deliverWithRetries(f, uuid, () => postToBot(f, f.eventUrl, payload), opts);
  f.emit('app-ticket', result);
  return result;
}
