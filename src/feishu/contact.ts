// Finding people and chats through the OpenAPI (read-only calls; nothing here sends a message).
//  - contact/v3/users/batch_get_id: open_ids from mobiles and emails, at most 50 mobiles and 50
//    emails per call, user_id_type chooses the id returned, include_resigned also returns people
//    who left (with status.is_resigned); a number or address Feishu does not know comes back
//    without user_id; enterprise-mailbox addresses are not supported. Scope contact:user.id:readonly.
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
  /** One user's mobile (normalizeMobile) and email (lower case), each only where its scope is granted; throws FeishuApiError. */
  userContact(openId: string): Promise<UserContact>;
}

export interface UserContact {
  mobile?: string;
  email?: string;
  resigned: boolean;
}

type UserGetAnswer = { code?: number; msg?: string; data?: { user?: { mobile?: string; email?: string; status?: { is_resigned?: boolean } } } };

type BatchGetIdAnswer = { code?: number; msg?: string; data?: { user_list?: { user_id?: string; mobile?: string; email?: string; status?: { is_resigned?: boolean } }[] } };

/** batch_get_id through the SDK client, in documented batches. */
export function contactLookup(client: lark.Client, tenantKey?: string): ContactLookup {
  return {
    async byMobileAndEmail(mobiles, emails) {
      const out = { mobiles: new Map<string, FoundUser>(), emails: new Map<string, FoundUser>() };
      const m = [...new Set(mobiles)];
      const e = [...new Set(emails)];
      for (let i = 0; i < Math.max(m.length, e.length); i += BATCH_GET_ID_MAX.mobiles) {
        const partM = m.slice(i, i + BATCH_GET_ID_MAX.mobiles);
        const partE = e.slice(i, i + BATCH_GET_ID_MAX.emails);
        let res: BatchGetIdAnswer;
        try {
          res = (await client.contact.v3.user.batchGetId(
            { params: { user_id_type: 'open_id' }, data: { ...(partM.length ? { mobiles: partM } : {}), ...(partE.length ? { emails: partE } : {}), include_resigned: true } },
            tenantOptions(client, tenantKey),
          )) as BatchGetIdAnswer;
        } catch (err) {
          throw apiErrorOf(err);
        }
        if (res?.code !== 0) throw new FeishuApiError(res?.code, res?.msg ?? '');
        for (const u of res.data?.user_list ?? []) {
          if (!u.user_id) continue;
          const found = { openId: u.user_id, resigned: Boolean(u.status?.is_resigned) };
          if (u.mobile) out.mobiles.set(normalizeMobile(u.mobile), found);
          if (u.email) out.emails.set(u.email.toLowerCase(), found);
        }
      }
      return out;
    },

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

/** A chat's name (GET im/v1/chats/:chat_id), or undefined when Feishu will not say. */
export async function chatName(client: lark.Client, chatId: string, tenantKey?: string): Promise<string | undefined> {
  try {
    const res = (await client.im.v1.chat.get({ path: { chat_id: chatId } }, tenantOptions(client, tenantKey))) as { code?: number; data?: { name?: string } };
    return res?.code === 0 ? res.data?.name : undefined;
  } catch {
    return undefined;
  }
}
