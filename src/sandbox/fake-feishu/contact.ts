// Who is who: the bot's own identity (bot/v3/info) and user ids looked up by email or mobile
// (contact/v3/users/batch_get_id).
//
// Sources:
//  - bot/v3/info answers {code, msg, bot: {open_id, app_name, …}} (`bot`, not `data`):
//    https://open.feishu.cn/document/client-docs/bot-v3/obtain-bot-info
//  - batch_get_id: user_id_type chooses the id returned; ≤ 50 emails and ≤ 50 mobiles; resigned
//    users only with include_resigned; unknown ones come back without user_id; a store app's
//    token sees its own tenant's people only:
//    https://open.feishu.cn/document/server-docs/contact-v3/user/batch_get_id
import { fail } from './http.js';
import type { RouteRequest } from './router.js';
import type { FakeState, FakeUser } from './state.js';

/** GET /open-apis/bot/v3/info (store app: the bot's open_id in the calling tenant). */
export function botInfo(f: FakeState, req: RouteRequest): Record<string, unknown> {
  const openId = f.appType === 'isv' ? (f.tenants.get(req.tenant!)?.botOpenId ?? f.bot.openId) : f.bot.openId;
  return { code: 0, msg: 'ok', bot: { activate_status: 2, app_name: f.bot.name, avatar_url: '', ip_white_list: [], open_id: openId } };
}

/**
 * GET /open-apis/contact/v3/users/:user_id?user_id_type=open_id — one user's info; mobile and email
 * only with their field scopes (contact:user.phone:readonly, contact:user.email:readonly); an
 * open_id of another app answers 99992361: https://open.feishu.cn/document/server-docs/contact-v3/user/get
 */
export function userInfo(f: FakeState, req: RouteRequest): Record<string, unknown> {
  const id = req.params[0]!;
  if (f.crossAppOpenIds.has(id)) fail(400, 99992361, 'open_id cross app');
  const u = f.users.get(id);
  if (!u || f.foreign(u.tenantKey ?? f.tenantKey, req.tenant)) fail(400, 41050, 'no user authority error');
  return {
    code: 0,
    msg: 'success',
    data: {
      user: {
        open_id: u!.openId, name: u!.name,
        ...(u!.mobile && !f.lackScopes.has('contact:user.phone:readonly') ? { mobile: u!.mobile } : {}),
        ...(u!.email && !f.lackScopes.has('contact:user.email:readonly') ? { email: u!.email } : {}),
        status: { is_frozen: false, is_resigned: u!.status === 'resigned', is_activated: u!.status !== 'resigned', is_exited: false, is_unjoin: false },
      },
    },
  };
}

/** POST /open-apis/contact/v3/users/batch_get_id?user_id_type=… */
export function batchGetId(f: FakeState, req: RouteRequest): Record<string, unknown> {
  const idType = req.query.get('user_id_type') ?? 'open_id';
  // "当值为 user_id，字段权限要求：获取用户 user ID(contact:user.employee_id:readonly)" (batch_get_id page).
  if (idType === 'user_id' && f.lackScopes.has('contact:user.employee_id:readonly')) {
    fail(400, 99991672, 'Access denied. One of the following scopes is required: [contact:user.employee_id:readonly].');
  }
  const body = req.json();
  const emails = Array.isArray(body['emails']) ? (body['emails'] as unknown[]).map(String) : [];
  const mobiles = Array.isArray(body['mobiles']) ? (body['mobiles'] as unknown[]).map(String) : [];
  if (emails.length > 50 || mobiles.length > 50) fail(400, 99992402, 'field validation failed: at most 50 emails and 50 mobiles');
  const includeResigned = body['include_resigned'] === true;
  const idOf = (u: FakeUser) => (idType === 'user_id' ? u.userId : idType === 'union_id' ? u.unionId : u.openId);
  const status = (u: FakeUser) => ({ is_frozen: false, is_resigned: u.status === 'resigned', is_activated: u.status !== 'resigned', is_exited: false, is_unjoin: false });
  const visible = (u: FakeUser | undefined) => u && (includeResigned || u.status !== 'resigned');
  // Store app: a tenant's token finds that tenant's people only.
  const users = [...f.users.values()].filter((u) => !f.foreign(u.tenantKey ?? f.tenantKey, req.tenant));
  const normMobile = (m: string) => m.replace(/^\+86/, '').replace(/\D/g, '');
  const list = [
    ...emails.map((email) => {
      const u = users.find((x) => x.email?.toLowerCase() === email.toLowerCase());
      return visible(u) ? { user_id: idOf(u!), email, status: status(u!) } : { email };
    }),
    ...mobiles.map((mobile) => {
      const u = users.find((x) => x.mobile && normMobile(x.mobile) === normMobile(mobile));
      return visible(u) ? { user_id: idOf(u!), mobile, status: status(u!) } : { mobile };
    }),
  ];
  return { code: 0, msg: 'success', data: { user_list: list } };
}
