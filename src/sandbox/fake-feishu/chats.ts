// Group chats: their members (im/v1/chats/:chat_id/members) and the bot joining or leaving
// (im.chat.member.bot.added_v1).
//
// Sources:
//  - Chat members: page_size default 20, max 100; items {member_id_type, member_id, name,
//    tenant_key}, page_token / has_more / member_total; the caller must be in the chat (232011):
//    https://open.feishu.cn/document/server-docs/group/chat-member/get
//  - Bot added to a group (chat_id, operator_id, external, operator_tenant_key, name, i18n_names):
//    https://open.feishu.cn/document/server-docs/group/chat-member/event/added-2
import { eventHeader, pushEvent, type DeliveryResult } from './events.js';
import { fail } from './http.js';
import { botAddedEvent, envelope, randomId } from './payloads.js';
import type { RouteRequest } from './router.js';
import type { FakeState, FakeUser } from './state.js';

/** GET /open-apis/im/v1/chats/:chat_id/members */
export function chatMembers(f: FakeState, req: RouteRequest): Record<string, unknown> {
  const chatId = req.params[0]!;
  const q = req.query;
  const chat = f.chats.get(chatId);
  // Docs differ (not changed yet): the page answers an invalid chat_id with 232006 and another
  // tenant's chat with 232010 ("Operator and chat can NOT be in different tenants"), not 232001.
  if (!chat || f.foreign(chat.tenantKey ?? f.tenantKey, req.tenant)) fail(400, 232001, 'Your request contains an invalid request parameter: chat not found.');
  if (!chat!.botIsMember) fail(400, 232011, 'Operator can NOT be out of the chat.');
  const idType = q.get('member_id_type') ?? 'open_id';
  const pageSize = Math.min(100, Math.max(1, Number(q.get('page_size') ?? 20) || 20));
  const start = Number(q.get('page_token') ?? 0) || 0;
  const members = chat!.memberOpenIds.map((id) => f.users.get(id)).filter((u): u is FakeUser => Boolean(u));
  const page = members.slice(start, start + pageSize);
  const next = start + pageSize;
  return {
    code: 0,
    msg: 'success',
    data: {
      items: page.map((u) => ({
        member_id_type: idType,
        member_id: idType === 'user_id' ? (u.userId ?? '') : idType === 'union_id' ? (u.unionId ?? '') : u.openId,
        name: u.name,
        tenant_key: u.tenantKey ?? f.tenantKey,
      })),
      page_token: next < members.length ? String(next) : '',
      has_more: next < members.length,
      member_total: members.length,
    },
  };
}

/** The bot is added to a group (the chat is created if unknown) and im.chat.member.bot.added_v1 is pushed. */
export async function addBotToChat(f: FakeState, chatId: string, operatorOpenId: string, chatName?: string): Promise<DeliveryResult> {
  const operator = f.requireUser(operatorOpenId);
  let chat = f.chats.get(chatId);
  const isv = f.appType === 'isv';
  if (!chat) {
    chat = f.addChat({ chatId, name: chatName ?? chatId, memberOpenIds: [operatorOpenId], ...(isv ? { tenantKey: f.tenantOfUser(operatorOpenId) } : {}) });
  }
  chat.botIsMember = true;
  const tenantKey = isv ? f.tenantOfChat(chatId) : f.tenantKey;
  const env = envelope(
    eventHeader(f, randomId('', 16), 'im.chat.member.bot.added_v1', f.clock.now(), tenantKey),
    botAddedEvent({ chatId, chatName: chat.name, operator, tenantKey }),
  );
  return pushEvent(f, env);
}

/**
 * The bot leaves a group; later sends there get 230002. With an operator (someone removed it),
 * im.chat.member.bot.deleted_v1 is pushed — same body as the added event:
 * https://open.feishu.cn/document/server-docs/group/chat-member/event/deleted-2
 */
export function removeBotFromChat(f: FakeState, chatId: string): void {
  const chat = f.requireChat(chatId);
  chat.botIsMember = false;
}

export async function removeBotFromChatWithEvent(f: FakeState, chatId: string, operatorOpenId: string): Promise<DeliveryResult> {
  const operator = f.requireUser(operatorOpenId);
  const chat = f.requireChat(chatId);
  chat.botIsMember = false;
  const tenantKey = f.appType === 'isv' ? f.tenantOfChat(chatId) : f.tenantKey;
  const env = envelope(
    eventHeader(f, randomId('', 16), 'im.chat.member.bot.deleted_v1', f.clock.now(), tenantKey),
    botAddedEvent({ chatId, chatName: chat.name, operator, tenantKey }),
  );
  return pushEvent(f, env);
}

/**
 * GET /open-apis/im/v1/chats/:chat_id — the chat's info (name, description, owner…); the bot must
 * be in the chat (232011 otherwise): https://open.feishu.cn/document/server-docs/group/chat/get-2
 */
export function chatInfo(f: FakeState, req: RouteRequest): Record<string, unknown> {
  const chat = f.chats.get(req.params[0]!);
  if (!chat || f.foreign(chat.tenantKey ?? f.tenantKey, req.tenant)) fail(400, 232001, 'Your request contains an invalid request parameter: chat not found.');
  if (!chat!.botIsMember) fail(400, 232011, 'Operator can NOT be out of the chat.');
  return { code: 0, msg: 'success', data: { name: chat!.name, description: '', chat_mode: 'group', chat_type: 'private', external: false, tenant_key: chat!.tenantKey ?? f.tenantKey, user_count: String(chat!.memberOpenIds.length), bot_count: '1' } };
}
