// Messages: what the bot sends (create, reply, patch) and what users send it (the
// im.message.receive_v1 event). Content checks by msg_type, the size limits, uuid idempotency,
// reachability of the receiver, and the message store tests count deliveries in.
//
// Sources:
//  - create: receive_id_type, msg_type list, content a JSON string (text ≤ 150 KB, card/post
//    ≤ 30 KB → 230025), uuid at most once per hour (≤ 50 chars), 230002 bot not in group,
//    230013 user outside availability, 230034 invalid receive_id, 230053 user blocked the bot:
//    https://open.feishu.cn/document/server-docs/im-v1/message/create
//  - reply (same body rules, root_id/parent_id): https://open.feishu.cn/document/server-docs/im-v1/message/reply
//  - patch: cards only, sent within 14 days (230031), update_multi true before and after,
//    230027 when the caller did not send it: https://open.feishu.cn/document/server-docs/im-v1/message-card/patch
//  - Message data returned (message_id, root_id, parent_id, msg_type, create_time, sender, body):
//    the response sections of the create and reply pages.
//  - Content shapes (text with @_user_N placeholders, post with `at` elements):
//    https://open.feishu.cn/document/server-docs/im-v1/message-content-description/message_content
//  - The receive event: https://open.feishu.cn/document/server-docs/im-v1/message/events/receive
//  - The recall event (message_id, chat_id, recall_time in ms, recall_type message_owner /
//    group_owner / group_manager / enterprise_manager; only for chats the bot is in):
//    https://open.feishu.cn/document/server-docs/im-v1/message/events/recalled ; a reply to or a
//    patch of a recalled message: 230011 "The message is recalled." (reply and patch pages above).
import { cardProblem, isShared, schemaChangeProblem } from './cards.js';
import { eventHeader, eventIdOf, pushEvent, type DeliveryResult } from './events.js';
import { checkFileContent } from './files.js';
import { fail } from './http.js';
import { messageUpdateLimit, recipientLimit } from './limits.js';
import {
  envelope,
  FEISHU_MESSAGE_CONTENT_LIMIT_BYTES,
  MessageTooLargeError,
  messageEvent,
  postContent,
  randomId,
  textContent,
  type FakeIdentity,
} from './payloads.js';
import type { RouteRequest } from './router.js';
import type { FakeMessage, FakeState } from './state.js';

const HOUR = 3_600_000;

// ---------------------------------------------------------------------------------------------
// Route handlers

/** POST /open-apis/im/v1/messages?receive_id_type=… */
export function createMessage(f: FakeState, req: RouteRequest): Record<string, unknown> {
  const receiveIdType = req.query.get('receive_id_type');
  const body = req.json();
  const tenant = req.tenant;
  if (!receiveIdType || !['open_id', 'user_id', 'union_id', 'email', 'chat_id'].includes(receiveIdType)) {
    fail(400, 99992402, 'field validation failed: receive_id_type');
  }
  const receiveId = body['receive_id'];
  const msgType = body['msg_type'];
  if (typeof receiveId !== 'string' || !receiveId || typeof msgType !== 'string') {
    fail(400, 99992402, 'field validation failed: receive_id and msg_type are required');
  }
  const content = checkContent(f, msgType as string, body['content'], tenant);
  const dup = dedupeUuid(f, body['uuid']);
  if (dup) return dup;
  const target = resolveRecipient(f, receiveIdType!, receiveId as string, tenant);
  recipientLimit(f, target.chatId, target.chatType, target.peer);
  const msg = storeBotMessage(f, {
    ...(f.appType === 'isv' && tenant ? { tenantKey: tenant } : {}),
    chatId: target.chatId,
    chatType: target.chatType,
    ...(target.peer ? { peerOpenId: target.peer } : {}),
    receiveIdType: receiveIdType!,
    receiveId: receiveId as string,
    msgType: msgType as string,
    content,
    rawContent: body['content'] as string,
    ...(typeof body['uuid'] === 'string' && body['uuid'] ? { uuid: body['uuid'] } : {}),
  });
  return { code: 0, msg: 'success', data: messageData(f, msg) };
}

/** POST /open-apis/im/v1/messages/:message_id/reply */
export function replyMessage(f: FakeState, req: RouteRequest): Record<string, unknown> {
  const parentId = req.params[0]!;
  const body = req.json();
  const tenant = req.tenant;
  const msgType = body['msg_type'];
  if (typeof msgType !== 'string') fail(400, 99992402, 'field validation failed: msg_type is required');
  const parent = f.getMessage(parentId);
  if (!parent || f.foreign(parent.tenantKey ?? f.tenantKey, tenant)) fail(400, 230001, 'Your request contains an invalid request parameter: message not found.');
  if (parent!.recalledAt) fail(400, 230011, 'The message is recalled.');
  const content = checkContent(f, msgType as string, body['content'], tenant);
  const dup = dedupeUuid(f, body['uuid']);
  if (dup) return dup;
  if (parent!.chatType === 'group') {
    const chat = f.chats.get(parent!.chatId);
    if (!chat?.botIsMember) fail(400, 230002, 'The bot can not be outside the group.');
  } else if (parent!.peerOpenId) {
    resolveRecipient(f, 'open_id', parent!.peerOpenId, tenant);
  }
  recipientLimit(f, parent!.chatId, parent!.chatType, parent!.peerOpenId);
  const msg = storeBotMessage(f, {
    ...(f.appType === 'isv' && tenant ? { tenantKey: tenant } : {}),
    chatId: parent!.chatId,
    chatType: parent!.chatType,
    ...(parent!.peerOpenId ? { peerOpenId: parent!.peerOpenId } : {}),
    msgType: msgType as string,
    content,
    rawContent: body['content'] as string,
    parentId,
    rootId: parent!.rootId ?? parentId,
    ...(typeof body['uuid'] === 'string' && body['uuid'] ? { uuid: body['uuid'] } : {}),
  });
  return { code: 0, msg: 'success', data: messageData(f, msg) };
}

/** PATCH /open-apis/im/v1/messages/:message_id (cards only). */
export function patchMessage(f: FakeState, req: RouteRequest): Record<string, unknown> {
  const messageId = req.params[0]!;
  const body = req.json();
  const msg = f.getMessage(messageId);
  if (!msg || f.foreign(msg.tenantKey ?? f.tenantKey, req.tenant)) fail(400, 230001, 'Your request contains an invalid request parameter: message not found.');
  if (msg!.sender.type !== 'bot') fail(400, 230027, 'Lack of necessary permissions.');
  if (msg!.recalledAt) fail(400, 230011, 'The message is recalled.');
  if (msg!.msgType !== 'interactive') fail(400, 230001, 'Only card messages can be updated.');
  if (f.clock.now().getTime() - msg!.createdAt.getTime() > 14 * 24 * HOUR) {
    fail(400, 230031, 'Message can only be modified within 14 days after sending.');
  }
  const next = checkContent(f, 'interactive', body['content']);
  if (!isShared(msg!.content) || !isShared(next)) {
    fail(400, 230001, 'The card must declare config.update_multi=true before and after the update.');
  }
  const schema = schemaChangeProblem(msg!.content, next);
  if (schema) fail(400, 230099, schema.msg);
  messageUpdateLimit(f, messageId);
  f.applyUpdate(msg!, 'patch', next);
  return { code: 0, msg: 'success', data: {} };
}

// ---------------------------------------------------------------------------------------------

/** Validates `content` for its msg_type (create page: JSON string, size limits, per-type shape); returns it parsed. */
function checkContent(f: FakeState, msgType: string, content: unknown, tenant?: string): unknown {
  if (typeof content !== 'string') fail(400, 99992402, 'field validation failed: content is required');
  const raw = content as string;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    fail(400, 230001, 'Your request contains an invalid request parameter: content is not valid JSON.');
  }
  const bytes = Buffer.byteLength(raw, 'utf8');
  const max = msgType === 'text' ? 150 * 1024 : 30 * 1024;
  if (bytes > max) fail(400, 230025, 'The length of the message content reaches its limit.');
  const obj = (parsed ?? {}) as Record<string, unknown>;
  switch (msgType) {
    case 'text':
      if (typeof obj['text'] !== 'string') fail(400, 230001, 'invalid text content');
      break;
    case 'post':
      break;
    case 'image':
      if (typeof obj['image_key'] !== 'string' || !f.images.has(obj['image_key'] as string)) {
        fail(400, 230001, 'invalid image_key');
      }
      break;
    case 'interactive': {
      const problem = cardProblem(parsed);
      if (problem) fail(400, problem.code, problem.msg);
      break;
    }
    case 'file':
      checkFileContent(f, obj, tenant);
      break;
    case 'audio':
    case 'media':
    case 'sticker':
    case 'share_chat':
    case 'share_user':
    case 'system':
      break;
    default:
      fail(400, 230001, `unsupported msg_type ${msgType}`);
  }
  return parsed;
}

/** Where a message to (receive_id_type, receive_id) lands, or the create page's error for an unreachable one. */
function resolveRecipient(f: FakeState, type: string, id: string, tenant?: string): { chatId: string; chatType: 'p2p' | 'group'; peer?: string } {
  if (type === 'chat_id') {
    const chat = f.chats.get(id);
    if (!chat) fail(400, 230034, 'The receive_id is invalid: chat not found.');
    if (!chat!.botIsMember || f.foreign(chat!.tenantKey ?? f.tenantKey, tenant)) fail(400, 230002, 'The bot can not be outside the group.');
    return { chatId: id, chatType: 'group' };
  }
  const user = [...f.users.values()].find((u) =>
    type === 'open_id' ? u.openId === id : type === 'user_id' ? u.userId === id : type === 'union_id' ? u.unionId === id : type === 'email' ? u.email === id : false,
  );
  if (!user) fail(400, 230034, 'The receive_id is invalid.');
  // Docs differ (not changed yet): the create page has 230029 "User has resigned" for a resigned
  // user; 230013 is for users outside the availability scope.
  if (user!.status === 'resigned' || user!.status === 'out_of_scope' || f.foreign(user!.tenantKey ?? f.tenantKey, tenant)) {
    fail(400, 230013, 'Bot has NO availability to this user.');
  }
  if (user!.blockedBot) fail(400, 230053, 'The user has stopped the bot from sending messages.');
  return { chatId: f.p2pChatId(user!.openId), chatType: 'p2p', peer: user!.openId };
}

/** The `data` of a create/reply response. */
function messageData(f: FakeState, m: FakeMessage): Record<string, unknown> {
  return {
    message_id: m.messageId,
    ...(m.rootId ? { root_id: m.rootId } : {}),
    ...(m.parentId ? { parent_id: m.parentId } : {}),
    msg_type: m.msgType,
    create_time: String(m.createdAt.getTime()),
    update_time: String((m.updates.at(-1)?.at ?? m.createdAt).getTime()),
    deleted: false,
    updated: m.updates.length > 0,
    chat_id: m.chatId,
    sender: { id: f.appId, id_type: 'app_id', sender_type: 'app', tenant_key: m.tenantKey ?? f.tenantKey },
    body: { content: m.rawContent },
  };
}

/** The same uuid within 1 hour answers with the message it created (no second message). */
function dedupeUuid(f: FakeState, uuid: unknown): Record<string, unknown> | undefined {
  if (typeof uuid !== 'string' || !uuid) return undefined;
  if (uuid.length > 50) fail(400, 99992402, 'field validation failed: uuid is longer than 50 characters');
  const seen = f.uuids.get(uuid);
  if (!seen || f.clock.now().getTime() - seen.at > HOUR) return undefined;
  const m = f.getMessage(seen.messageId);
  f.emit('uuid-dedupe', { uuid, messageId: seen.messageId });
  return m ? { code: 0, msg: 'success', data: messageData(f, m) } : undefined;
}

function storeBotMessage(f: FakeState, m: Omit<FakeMessage, 'sender' | 'createdAt' | 'updates' | 'messageId'>): FakeMessage {
  const msg: FakeMessage = { ...m, messageId: randomId('om_', 16), sender: { type: 'bot' }, createdAt: f.clock.now(), updates: [] };
  f.messages.push(msg);
  if (m.uuid) f.uuids.set(m.uuid, { messageId: msg.messageId, at: msg.createdAt.getTime() });
  f.emit('message', msg);
  return msg;
}

// ---------------------------------------------------------------------------------------------
// Queries

/** Messages the bot sent (optionally only those landing in one chat or sent to one receive_id). */
export function botMessages(
  f: FakeState,
  filter: { chatId?: string; receiveId?: string; openId?: string; tenantKey?: string } = {},
): FakeMessage[] {
  return f.messages.filter(
    (m) =>
      m.sender.type === 'bot' &&
      (filter.chatId === undefined || m.chatId === filter.chatId) &&
      (filter.receiveId === undefined || m.receiveId === filter.receiveId) &&
      (filter.openId === undefined || m.peerOpenId === filter.openId) &&
      (filter.tenantKey === undefined || m.tenantKey === filter.tenantKey),
  );
}

// ---------------------------------------------------------------------------------------------
// The receive event

export interface UserMessageOptions {
  senderOpenId: string;
  chatId?: string;
  text?: string;
  mentionBot?: boolean;
  /** Other users to @, by open_id. */
  mentionOpenIds?: string[];
  messageType?: 'text' | 'post' | 'file';
  /** messageType 'file': the file the user sends (stored as their upload; content {file_key, file_name}). */
  file?: { fileKey: string; fileName: string };
  postTitle?: string;
  eventId?: string;
  messageId?: string;
  parentId?: string;
  /** false: only record the user's message in the chat, do not push the event. */
  push?: boolean;
}

/**
 * A user sends a message (group: mentioning the bot by default; p2p when chatId is omitted): it
 * is stored and im.message.receive_v1 is pushed. Throws MessageTooLargeError for content over
 * 150 KB, which Feishu itself would not send.
 */
export async function deliverMessageEvent(f: FakeState, opts: UserMessageOptions): Promise<DeliveryResult & { messageId: string }> {
  const sender = f.requireUser(opts.senderOpenId);
  const chat = opts.chatId ? f.requireChat(opts.chatId) : undefined;
  const chatType = chat ? 'group' : 'p2p';
  const chatId = chat?.chatId ?? f.p2pChatId(sender.openId);
  // Store app: the event goes to the installation of the chat's tenant, the sender carries theirs.
  const isv = f.appType === 'isv';
  const tenantKey = isv ? (chat ? (chat.tenantKey ?? f.tenantKey) : f.tenantOfUser(sender.openId)) : f.tenantKey;
  const mentioned: FakeIdentity[] = [];
  // A file message carries no @ (its content is only {file_key, file_name}).
  if (opts.mentionBot ?? (chatType === 'group' && opts.messageType !== 'file')) mentioned.push(isv ? { ...f.bot, openId: f.tenants.get(tenantKey)?.botOpenId ?? f.bot.openId } : f.bot);
  for (const id of opts.mentionOpenIds ?? []) mentioned.push(f.requireUser(id));
  const mentions = mentioned.map((who, n) => ({ key: `@_user_${n + 1}`, who }));
  const keys = mentions.map((m) => m.key);
  const text = opts.text ?? '';
  const messageType = opts.messageType ?? 'text';
  const content =
    messageType === 'file'
      ? JSON.stringify({ file_key: opts.file?.fileKey ?? '', file_name: opts.file?.fileName ?? '' })
      : messageType === 'text'
      ? textContent(text, keys)
      : postContent(opts.postTitle ?? '', text.split('\n'), keys, mentioned.map((m) => m.name));
  const contentBytes = Buffer.byteLength(content);
  if (contentBytes > FEISHU_MESSAGE_CONTENT_LIMIT_BYTES) throw new MessageTooLargeError(contentBytes);
  const now = f.clock.now();
  const messageId = opts.messageId ?? randomId('om_', 16);
  const parent = opts.parentId ? f.getMessage(opts.parentId) : undefined;
  const stored: FakeMessage = {
    messageId,
    chatId,
    chatType,
    ...(chatType === 'p2p' ? { peerOpenId: sender.openId } : {}),
    sender: { type: 'user', openId: sender.openId },
    msgType: messageType,
    content: JSON.parse(content) as unknown,
    rawContent: content,
    ...(opts.parentId ? { parentId: opts.parentId, rootId: parent?.rootId ?? opts.parentId } : {}),
    createdAt: now,
    updates: [],
    ...(isv ? { tenantKey } : {}),
  };
  if (!f.getMessage(messageId)) {
    f.messages.push(stored);
    f.emit('message', stored);
  }
  const env = envelope(
    eventHeader(f, opts.eventId ?? randomId('', 16), 'im.message.receive_v1', now, tenantKey),
    messageEvent({
      messageId,
      chatId,
      chatType,
      sender,
      tenantKey: isv ? f.tenantOfUser(sender.openId) : f.tenantKey,
      createTimeMs: now.getTime(),
      messageType,
      content,
      mentions,
      parentId: opts.parentId,
      rootId: stored.rootId,
    }),
  );
  if (opts.push === false) return { eventId: eventIdOf(env), acked: false, attempts: [], messageId };
  const result = await pushEvent(f, env);
  return { ...result, messageId };
}

// ---------------------------------------------------------------------------------------------
// The recall event

export type RecallType = 'message_owner' | 'group_owner' | 'group_manager' | 'enterprise_manager';

/**
 * A message in a chat with the bot is recalled (撤回) — by its sender (message_owner, the default)
 * or a group owner/manager or enterprise admin: it is marked recalled (replies to it and patches of
 * it then fail with 230011) and im.message.recalled_v1 is pushed, as the recalled-event page shows:
 * {message_id, chat_id, recall_time, recall_type}. Feishu sends it only for chats the bot is in.
 */
export async function recallMessage(f: FakeState, messageId: string, opts: { recallType?: RecallType; eventId?: string } = {}): Promise<DeliveryResult> {
  const msg = f.getMessage(messageId);
  if (!msg) throw new Error(`unknown message ${messageId}`);
  if (msg.chatType === 'group' && !f.chats.get(msg.chatId)?.botIsMember) throw new Error('the bot is not in that chat: Feishu sends no recall event');
  const now = f.clock.now();
  msg.recalledAt ??= now;
  f.emit('recall', msg);
  const tenantKey = msg.tenantKey ?? f.tenantKey;
  const env = envelope(eventHeader(f, opts.eventId ?? randomId('', 16), 'im.message.recalled_v1', now, tenantKey), {
    message_id: msg.messageId,
    chat_id: msg.chatId,
    recall_time: String(msg.recalledAt.getTime()),
    recall_type: opts.recallType ?? 'message_owner',
  });
  return pushEvent(f, env);
}
