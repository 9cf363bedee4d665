// Finding people and chats through the OpenAPI (read-only calls; nothing here sends a message).
//  - contact/v3/users/batch_get_id: open_ids from mobiles and emails, at most 50 mobiles and 50
//    emails per call, user_id_type chooses the id returned, include_resigned also returns people
//    who left (with status.is_resigned); a number or address Feishu does not know comes back
//    without user_id; enterprise-mailbox addresses are not supported. Scope contact:user.id:readonly;
//    user_id_type=user_id also needs contact:user.employee_id:readonly (field scope).
//    https://open.feishu.cn/document/server-docs/contact-v3/user/batch_get_id
//  - contact/v3/users/:user_id (user_id_type=open_id): one user's info; mobile only with
//    contact:user.phone:readonly, email only with contact:user.email:readonly; an open_id issued to
//    another app answers 99992361. https://open.feishu.cn/document/server-docs/contact-v3/user/get
//  - im/v1/chats/:chat_id: a chat's name. https://open.feishu.cn/document/server-docs/group/chat/get-2
import type * as lark from '@larksuiteoapi/node-sdk';
import { tenantOptions } from './client.js';
import { normalizeMobile } from '../core/reach.js';

/** Documented per-call maxima of batch_get_id. */
export const BATCH_GET_ID_MAX = { mobiles: 50, emails: 50 } as const;

/** Generic error code: the app lacks the scope (generic-error-code page). */
export const MISSING_SCOPE = 99991672;

export interface FoundUser {
  openId: string;
  resigned: boolean;
}

/** Feishu refused the lookup (code, e.g. 99991672 missing scope). */
export class FeishuApiError extends Error {
  constructor(readonly code: number | undefined, msg: string) {
    super(`飞书接口返回错误${code !== undefined ? ` ${code}` : ''}：${msg}`);
  }
}

/** The body of an error answer: the SDK (axios) throws on non-2xx with the body in response.data. */
export function apiErrorOf(err: unknown): FeishuApiError {
  if (err instanceof FeishuApiError) return err;
  const data = (err as { response?: { data?: { code?: number; msg?: string } } })?.response?.data;
  if (data && typeof data.code === 'number') return new FeishuApiError(data.code, data.msg ?? '');
  return new FeishuApiError(undefined, (err as Error)?.message ?? String(err));
}

export interface ContactLookup {
  /** open_ids by mobile (normalizeMobile) and by email (lower case); absent = Feishu does not know it. */
  byMobileAndEmail(mobiles: string[], emails: string[]): Promise<{ mobiles: Map<string, FoundUser>; emails: Map<string, FoundUser> }>;
  /**
   * user_ids (user_id_type=user_id) by mobile and email, where the app may read them (field scope
   * contact:user.employee_id:readonly); `skipped` says why not when Feishu refuses — not an error.
   */
  userIds(mobiles: string[], emails: string[]): Promise<{ mobiles: Map<string, string>; emails: Map<string, string>; skipped?: string }>;
  /** One user's mobile (normalizeMobile) and email (lower case), each only where its scope is granted; throws FeishuApiError. */
  userContact(openId: string): Promise<UserContact>;
  /** A chat's name, or why Feishu would not say (im/v1/chats/:chat_id). */
  chatName(chatId: string): Promise<ChatNameAnswer>;
}

export interface UserContact {
  mobile?: string;
  email?: string;
  resigned: boolean;
}

type UserGetAnswer = { code?: number; msg?: string; data?: { user?: { mobile?: string; email?: string; status?: { is_resigned?: boolean } } } };

type BatchEntry = { user_id?: string; mobile?: string; email?: string; status?: { is_resigned?: boolean } };
type BatchGetIdAnswer = { code?: number; msg?: string; data?: { user_list?: BatchEntry[] } };

type IdType = 'open_id' | 'user_id';

/**
 * Which sent value each answer entry is for. The doc promises `mobile` / `email` back "通过手机号
 * 查询时会返回该值" and one entry per value sent ("返回的用户 ID 数量为 emails 数量与 mobiles 数量
 * 之和") — not their format nor their order. So: the echo as sent, else the echo normalised the same
 * way, else — the call held one kind only and the list is as long as what was sent — the position.
 */
export function matchEntries(kind: 'mobiles' | 'emails', sent: readonly string[], list: BatchEntry[]): Map<string, BatchEntry> {
  const norm = kind === 'mobiles' ? normalizeMobile : (v: string) => v.trim().toLowerCase();
  const bySent = new Map(sent.map((v) => [v, v]));
  const byNorm = new Map(sent.map((v) => [norm(v), v]));
  const out = new Map<string, BatchEntry>();
  list.forEach((u, i) => {
    const echo = kind === 'mobiles' ? u.mobile : u.email;
    const key = (echo !== undefined ? (bySent.get(echo) ?? byNorm.get(norm(echo))) : undefined) ?? (list.length === sent.length ? sent[i] : undefined);
    if (key !== undefined && (!out.has(key) || (u.user_id && !out.get(key)!.user_id))) out.set(key, u);
  });
  return out;
}

/** batch_get_id through the SDK client, in documented batches. */
export function contactLookup(client: lark.Client, tenantKey?: string): ContactLookup {
  /** One kind per call (≤ 50 values), so every answer entry can be told apart (matchEntries). */
  async function lookUp(kind: 'mobiles' | 'emails', values: readonly string[], idType: IdType, includeResigned: boolean): Promise<Map<string, BatchEntry>> {
    const out = new Map<string, BatchEntry>();
    for (let i = 0; i < values.length; i += BATCH_GET_ID_MAX[kind]) {
      const part = values.slice(i, i + BATCH_GET_ID_MAX[kind]);
      let res: BatchGetIdAnswer;
      try {
        res = (await client.contact.v3.user.batchGetId(
          { params: { user_id_type: idType }, data: { [kind]: part, include_resigned: includeResigned } },
          tenantOptions(client, tenantKey),
        )) as BatchGetIdAnswer;
      } catch (err) {
        throw apiErrorOf(err);
      }
      if (res?.code !== 0) throw new FeishuApiError(res?.code, res?.msg ?? '');
      for (const [k, v] of matchEntries(kind, part, res.data?.user_list ?? [])) out.set(k, v);
    }
    return out;
  }

  /**
   * open_ids: first without resigned people (the doc: "include_resigned 取值为 false，则不会返回离职
   * 用户 ID"), so an id found is an active account even when the answer has no `status` (a field
   * that needs its own scope); then, for the values still unknown, with include_resigned — an id
   * found only then is someone who left (status.is_resigned, when present, has the last word).
   */
  async function openIds(kind: 'mobiles' | 'emails', values: string[]): Promise<Map<string, FoundUser>> {
    const out = new Map<string, FoundUser>();
    if (values.length === 0) return out;
    for (const [k, u] of await lookUp(kind, values, 'open_id', false)) {
      if (u.user_id) out.set(k, { openId: u.user_id, resigned: Boolean(u.status?.is_resigned) });
    }
    const rest = values.filter((v) => !out.has(v));
    if (rest.length === 0) return out;
    for (const [k, u] of await lookUp(kind, rest, 'open_id', true)) {
      if (u.user_id) out.set(k, { openId: u.user_id, resigned: u.status?.is_resigned ?? true });
    }
    return out;
  }

  return {
    async byMobileAndEmail(mobiles, emails) {
      const m = [...new Set(mobiles.map(normalizeMobile))];
      const e = [...new Set(emails.map((x) => x.trim().toLowerCase()))];
      return { mobiles: await openIds('mobiles', m), emails: await openIds('emails', e) };
    },

    async userIds(mobiles, emails) {
      const out = { mobiles: new Map<string, string>(), emails: new Map<string, string>() };
      try {
        for (const [kind, values] of [['mobiles', [...new Set(mobiles.map(normalizeMobile))]], ['emails', [...new Set(emails.map((x) => x.trim().toLowerCase()))]]] as const) {
          if (values.length === 0) continue;
          for (const [k, u] of await lookUp(kind, values, 'user_id', false)) if (u.user_id) out[kind].set(k, u.user_id);
        }
      } catch (err) {
        const e = apiErrorOf(err);
        return { ...out, skipped: e.code === MISSING_SCOPE ? '应用未开通「获取用户 user ID」权限（contact:user.employee_id:readonly），只记录 open_id' : e.message };
      }
      return out;
    },

    chatName: (chatId) => chatName(client, chatId, tenantKey),

    async userContact(openId) {
      let res: UserGetAnswer;
      try {
        res = (await client.contact.v3.user.get({ path: { user_id: openId }, params: { user_id_type: 'open_id' } }, tenantOptions(client, tenantKey))) as UserGetAnswer;
      } catch (err) {
        throw apiErrorOf(err);
      }
      if (res?.code !== 0) throw new FeishuApiError(res?.code, res?.msg ?? '');
      const u = res.data?.user ?? {};
      return { ...(u.mobile ? { mobile: normalizeMobile(u.mobile) } : {}), ...(u.email ? { email: u.email.toLowerCase() } : {}), resigned: Boolean(u.status?.is_resigned) };
    },
  };
}

/** What im/v1/chats/:chat_id said about a chat's name: the name, or why Feishu refused (Chinese). */
export type ChatNameAnswer = { name: string } | { refused: string };

/** The chat API's documented refusals, in words an office can act on (chat/get-2 error table). */
const CHAT_REFUSALS: Record<number, string> = {
  [MISSING_SCOPE]: '应用未开通「获取群组信息」权限（im:chat:readonly）',
  232006: '群 ID 无效',
  232010: '群不属于本企业',
  232011: '机器人不在该群中',
  232025: '应用未启用机器人能力',
  232033: '外部群，机器人无权查看',
  232034: '应用在本企业未安装或未启用',
};

/**
 * A chat's name: GET /open-apis/im/v1/chats/:chat_id → data.name (scope im:chat, im:chat:read or
 * im:chat:readonly; the bot must be in the chat, else 232011).
 * https://open.feishu.cn/document/server-docs/group/chat/get-2
 */
export async function chatName(client: lark.Client, chatId: string, tenantKey?: string): Promise<ChatNameAnswer> {
  let res: { code?: number; msg?: string; data?: { name?: string } };
  try {
    res = (await client.im.v1.chat.get({ path: { chat_id: chatId } }, tenantOptions(client, tenantKey))) as typeof res;
  } catch (err) {
    const e = apiErrorOf(err);
    return { refused: (e.code !== undefined && CHAT_REFUSALS[e.code]) || e.message };
  }
  if (res?.code !== 0) return { refused: (res?.code !== undefined && CHAT_REFUSALS[res.code]) || `飞书接口返回错误 ${res?.code ?? ''}：${res?.msg ?? ''}` };
  const name = res.data?.name?.trim();
  return name ? { name } : { refused: '飞书未返回群名（可能是没有群名的单聊或话题）' };
}
