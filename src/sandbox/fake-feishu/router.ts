// The HTTP side of the fake: one routing table (method + path → API name + handler) and the
// request loop around it. Adding an API = one row here + a handler in its area file.
//
// Order of checks, as Feishu does them: routes that take no bearer token (credentials in the
// body) first; every other request must carry a valid tenant_access_token (99991661 / 99991663,
// auth.ts) before it is even routed (an unknown path with a bad token is a token error, not a
// 404); then the per-API rate limit and injected faults (limits.ts; a `stall` fault leaves any
// request unanswered); then the handler. Every
// OpenAPI call is logged in `requests` (with the tenant its token belongs to) and reported as
// 'request'.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { appAccessToken, appTicketResend, authenticate, isvTenantAccessToken, tenantAccessTokenInternal, wsEndpoint } from './auth.js';
import { cardUpdate } from './cards.js';
import { chatMembers } from './chats.js';
import { batchGetId, botInfo } from './contact.js';
import { ApiFailure, parseJson, RawReply, readBody, safeJson, type ApiError } from './http.js';
import { fileBytes, messageResource, uploadFile } from './files.js';
import { imageBytes, uploadImage } from './images.js';
import { admit, StalledRequest, stallIfFaulted } from './limits.js';
import { createMessage, patchMessage, replyMessage } from './messages.js';
import type { FakeRequestLog, FakeState } from './state.js';

export interface RouteRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The path's regex groups, URI-decoded (e.g. [message_id]). */
  params: string[];
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body as a JSON object; 99992402 when it is not JSON. Handlers call it first. */
  json(): Record<string, unknown>;
  /** The tenant whose tenant_access_token the call carried (auth 'tenant' routes). */
  tenant: string | undefined;
}

export type RouteHandler = (f: FakeState, req: RouteRequest) => Record<string, unknown> | RawReply;

export interface Route {
  method: 'GET' | 'POST' | 'PATCH';
  /** Exact path, or a regex whose groups become `params`. */
  path: string | RegExp;
  /** The API name in the request log and for fault injection (e.g. 'im.message.create'). */
  api: string;
  /** 'none': no bearer token (app credentials in the body); 'tenant': tenant_access_token, then rate limits. */
  auth: 'none' | 'tenant';
  /** Only a store app (商店应用) is served; for a self-built app the path falls through (token check, 404). */
  storeAppOnly?: true;
  /** The Feishu doc page the API follows. */
  doc: string;
  handler: RouteHandler;
}

export const ROUTES: readonly Route[] = [
  // --- auth.ts ---
  {
    method: 'POST', path: '/open-apis/auth/v3/tenant_access_token/internal', api: 'auth.tenant_access_token', auth: 'none',
    doc: 'https://open.feishu.cn/document/server-docs/authentication-management/access-token/tenant_access_token_internal',
    handler: tenantAccessTokenInternal,
  },
  {
    method: 'POST', path: '/open-apis/auth/v3/app_ticket/resend', api: 'auth.app_ticket.resend', auth: 'none', storeAppOnly: true,
    doc: 'https://open.feishu.cn/document/ukTMukTMukTM/ukDNz4SO0MjL5QzM/auth-v3/auth/app_ticket_resend',
    handler: appTicketResend,
  },
  {
    method: 'POST', path: '/open-apis/auth/v3/app_access_token', api: 'auth.app_access_token', auth: 'none', storeAppOnly: true,
    doc: 'https://open.feishu.cn/document/ukTMukTMukTM/ukDNz4SO0MjL5QzM/auth-v3/auth/app_access_token',
    handler: appAccessToken,
  },
  {
    method: 'POST', path: '/open-apis/auth/v3/tenant_access_token', api: 'auth.tenant_access_token.isv', auth: 'none', storeAppOnly: true,
    doc: 'https://open.feishu.cn/document/ukTMukTMukTM/ukDNz4SO0MjL5QzM/auth-v3/tenant_access_token/create',
    handler: isvTenantAccessToken,
  },
  {
    method: 'POST', path: '/callback/ws/endpoint', api: 'ws.endpoint', auth: 'none',
    doc: 'undocumented; the SDK WSClient (larksuite/node-sdk ws-client/), see feishu-facts.md §7',
    handler: wsEndpoint,
  },
  // --- images.ts (the fake's own, for the sandbox page; answered raw and not logged) ---
  { method: 'GET', path: /^\/fake\/images\/([\w-]+)$/, api: 'fake.image', auth: 'none', doc: 'none (fake only)', handler: imageBytes },
  { method: 'GET', path: /^\/fake\/files\/([\w-]+)$/, api: 'fake.file', auth: 'none', doc: 'none (fake only)', handler: fileBytes },
  // --- contact.ts ---
  {
    method: 'GET', path: '/open-apis/bot/v3/info', api: 'bot.info', auth: 'tenant',
    doc: 'https://open.feishu.cn/document/client-docs/bot-v3/obtain-bot-info',
    handler: botInfo,
  },
  {
    method: 'POST', path: '/open-apis/contact/v3/users/batch_get_id', api: 'contact.user.batch_get_id', auth: 'tenant',
    doc: 'https://open.feishu.cn/document/server-docs/contact-v3/user/batch_get_id',
    handler: batchGetId,
  },
  // --- messages.ts ---
  {
    method: 'POST', path: '/open-apis/im/v1/messages', api: 'im.message.create', auth: 'tenant',
    doc: 'https://open.feishu.cn/document/server-docs/im-v1/message/create',
    handler: createMessage,
  },
  {
    method: 'POST', path: /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/, api: 'im.message.reply', auth: 'tenant',
    doc: 'https://open.feishu.cn/document/server-docs/im-v1/message/reply',
    handler: replyMessage,
  },
  {
    method: 'PATCH', path: /^\/open-apis\/im\/v1\/messages\/([^/]+)$/, api: 'im.message.patch', auth: 'tenant',
    doc: 'https://open.feishu.cn/document/server-docs/im-v1/message-card/patch',
    handler: patchMessage,
  },
  // --- cards.ts ---
  {
    method: 'POST', path: '/open-apis/interactive/v1/card/update', api: 'card.update', auth: 'tenant',
    doc: 'https://open.feishu.cn/document/server-docs/im-v1/message-card/delay-update-message-card',
    handler: cardUpdate,
  },
  // --- images.ts ---
  {
    method: 'POST', path: '/open-apis/im/v1/images', api: 'im.image.create', auth: 'tenant',
    doc: 'https://open.feishu.cn/document/server-docs/im-v1/image/create',
    handler: uploadImage,
  },
  // --- files.ts ---
  {
    method: 'POST', path: '/open-apis/im/v1/files', api: 'im.file.create', auth: 'tenant',
    doc: 'https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/file/create',
    handler: uploadFile,
  },
  {
    method: 'GET', path: /^\/open-apis\/im\/v1\/messages\/([^/]+)\/resources\/([^/]+)$/, api: 'im.message.resource.get', auth: 'tenant',
    doc: 'https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message-resource/get',
    handler: messageResource,
  },
  // --- chats.ts ---
  {
    method: 'GET', path: /^\/open-apis\/im\/v1\/chats\/([^/]+)\/members$/, api: 'im.chat_members.get', auth: 'tenant',
    doc: 'https://open.feishu.cn/document/server-docs/group/chat-member/get',
    handler: chatMembers,
  },
];

/** The route for a request among `routes`, with its raw path groups. */
function findRoute(routes: readonly Route[], method: string, path: string): { route: Route; groups: string[] } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    if (typeof route.path === 'string') {
      if (route.path === path) return { route, groups: [] };
      continue;
    }
    const m = route.path.exec(path);
    if (m) return { route, groups: m.slice(1) };
  }
  return undefined;
}

/** Serves one HTTP request to the fake's OpenAPI. */
export async function handleRequest(f: FakeState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const t = performance.now();
  const url = new URL(req.url ?? '/', 'http://x');
  const method = req.method ?? 'GET';
  const path = url.pathname;
  let api = 'unknown';
  let status = 200;
  let payload: Record<string, unknown> = {};
  let headers: Record<string, string> = {};
  let uuid: string | undefined;
  let tenant: string | undefined;
  const isv = f.appType === 'isv';
  try {
    const body = await readBody(req);
    if (method === 'POST' && path.startsWith('/open-apis/im/v1/messages')) {
      const u = (safeJson(body) as { uuid?: unknown } | undefined)?.uuid;
      if (typeof u === 'string' && u) uuid = u;
    }
    const served = (r: Route) => !r.storeAppOnly || isv;
    let found = findRoute(
      ROUTES.filter((r) => r.auth === 'none' && served(r)),
      method,
      path,
    );
    if (found) {
      api = found.route.api;
      stallIfFaulted(f, api);
    } else {
      tenant = authenticate(f, req.headers);
      found = findRoute(
        ROUTES.filter((r) => r.auth === 'tenant' && served(r)),
        method,
        path,
      );
      if (!found) throw new ApiFailure({ status: 404, code: 404, msg: `fake Feishu: ${method} ${path} is not implemented` });
      api = found.route.api;
      stallIfFaulted(f, api);
      admit(f, api);
    }
    const reply = found.route.handler(f, {
      method,
      path,
      query: url.searchParams,
      params: found.groups.map((g) => decodeURIComponent(g)),
      headers: req.headers,
      body,
      json: () => parseJson(body),
      tenant,
    });
    if (reply instanceof RawReply) {
      if (found.route.auth === 'tenant') {
        const entry: FakeRequestLog = { t, at: f.clock.now(), method, path, api, status: reply.status, code: 0, ...(isv && tenant ? { tenantKey: tenant } : {}) };
        f.requests.push(entry);
        f.emit('request', entry);
      }
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
      return;
    }
    payload = reply;
  } catch (err) {
    if (err instanceof StalledRequest) {
      // Read, never answered: the connection stays open until the client gives up or the fake closes.
      f.emit('stalled', { api, method, path });
      return;
    }
    const e: ApiError = err instanceof ApiFailure ? err.e : { status: 500, code: 1, msg: `fake Feishu error: ${(err as Error).message}` };
    status = e.status;
    payload = { code: e.code, msg: e.msg };
    headers = e.headers ?? {};
  }
  const code = typeof payload['code'] === 'number' ? payload['code'] : 0;
  const entry: FakeRequestLog = { t, at: f.clock.now(), method, path, api, status, code, ...(uuid ? { uuid } : {}), ...(isv && tenant ? { tenantKey: tenant } : {}) };
  f.requests.push(entry);
  if (f.requests.length > 50_000) f.requests.splice(0, 10_000);
  f.emit('request', entry);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(payload));
}
