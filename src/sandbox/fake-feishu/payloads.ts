// How Feishu builds what it pushes to a bot: schema 2.0 envelopes for im.message.receive_v1,
// im.chat.member.bot.added_v1 and card.action.trigger, AES-256-CBC encryption with
// key = sha256(EncryptKey) and a random IV (base64(iv + ciphertext)), and the X-Lark-* signature
// headers (sha256 hex of timestamp + nonce + encryptKey + raw body). Used by the fake platform.
//
// Sources:
//  - Envelope: https://open.feishu.cn/document/server-docs/event-subscription-guide/overview
//  - im.message.receive_v1: https://open.feishu.cn/document/server-docs/im-v1/message/events/receive
//    (content as received, @_user_N placeholders, post `at` elements:
//    https://open.feishu.cn/document/server-docs/im-v1/message-content-description/message_content)
//  - im.chat.member.bot.added_v1: https://open.feishu.cn/document/server-docs/group/chat-member/event/added-2
//  - card.action.trigger: https://open.feishu.cn/document/feishu-cards/card-callback-communication
//  - Encryption and signature: https://open.feishu.cn/document/event-subscription-guide/event-subscriptions/event-subscription-configure-/choose-a-subscription-mode/send-notifications-to-developers-server
//    (test vector: https://open.feishu.cn/document/server-docs/event-subscription-guide/event-subscription-configure-/encrypt-key-encryption-configuration-case)
import { createCipheriv, createHash, randomBytes } from 'node:crypto';

export interface FakeIdentity {
  openId: string;
  userId?: string | undefined;
  unionId?: string | undefined;
  name: string;
}

export interface EnvelopeHeaderInput {
  eventId: string;
  eventType: string;
  token: string;
  appId: string;
  tenantKey: string;
  createTime: string;
}

export function envelope(h: EnvelopeHeaderInput, event: Record<string, unknown>): Record<string, unknown> {
  return {
    schema: '2.0',
    header: {
      event_id: h.eventId,
      token: h.token,
      create_time: h.createTime,
      event_type: h.eventType,
      tenant_key: h.tenantKey,
      app_id: h.appId,
    },
    event,
  };
}

export function userIdOf(u: FakeIdentity): Record<string, unknown> {
  return {
    union_id: u.unionId ?? `on_${u.openId.replace(/^ou_/, '')}`,
    user_id: u.userId ?? '',
    open_id: u.openId,
  };
}

export interface MessageEventInput {
  messageId: string;
  chatId: string;
  chatType: 'p2p' | 'group';
  sender: FakeIdentity;
  tenantKey: string;
  createTimeMs: number;
  messageType: 'text' | 'post' | 'file';
  /** Already-serialised content (JSON string, as Feishu sends it). */
  content: string;
  mentions: { key: string; who: FakeIdentity }[];
  parentId?: string | undefined;
  rootId?: string | undefined;
}

export function messageEvent(i: MessageEventInput): Record<string, unknown> {
  return {
    sender: { sender_id: userIdOf(i.sender), sender_type: 'user', tenant_key: i.tenantKey },
    message: {
      message_id: i.messageId,
      ...(i.rootId ? { root_id: i.rootId } : {}),
      ...(i.parentId ? { parent_id: i.parentId } : {}),
      create_time: String(i.createTimeMs),
      update_time: String(i.createTimeMs),
      chat_id: i.chatId,
      chat_type: i.chatType,
      message_type: i.messageType,
      content: i.content,
      ...(i.mentions.length
        ? {
            mentions: i.mentions.map((m) => ({
              key: m.key,
              id: userIdOf(m.who),
              name: m.who.name,
              tenant_key: i.tenantKey,
            })),
          }
        : {}),
      user_agent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Lark/7.30.0 (fake-feishu)',
    },
  };
}

/**
 * Feishu sends no message whose content is over 150 KB (its documented limit for text and post
 * messages), so no real event carries one; the fake refuses such messages the same way.
 */
export const FEISHU_MESSAGE_CONTENT_LIMIT_BYTES = 150 * 1024;

/** Thrown by the fake when a user "sends" a message Feishu itself would not accept. */
export class MessageTooLargeError extends Error {
  constructor(readonly bytes: number) {
    super(`消息内容 ${Math.ceil(bytes / 1024)} KB，超过飞书单条消息 150 KB 的上限，飞书不会发出这条消息`);
    this.name = 'MessageTooLargeError';
  }
}

/** Text content with one `@_user_N` placeholder per mention, in order, before the text. */
export function textContent(text: string, mentionKeys: string[]): string {
  const prefix = mentionKeys.length ? `${mentionKeys.join(' ')} ` : '';
  return JSON.stringify({ text: `${prefix}${text}` });
}

/** Rich-text (post) content as received: {title, content: [[elements]]} with `at` elements. */
export function postContent(title: string, lines: string[], mentionKeys: string[], mentionNames: string[]): string {
  const content: Record<string, unknown>[][] = lines.map((line) => [{ tag: 'text', text: line, style: [] }]);
  if (mentionKeys.length) {
    const ats = mentionKeys.map((key, n) => ({ tag: 'at', user_id: key, user_name: mentionNames[n] ?? '', style: [] }));
    const first = content[0] ?? [];
    content[0] = [...ats, ...first];
  }
  return JSON.stringify({ title, content });
}

export interface CardActionEventInput {
  operator: FakeIdentity;
  tenantKey: string;
  cardToken: string;
  messageId: string;
  chatId: string;
  value?: unknown;
  formValue?: Record<string, unknown> | undefined;
  tag?: string | undefined;
  name?: string | undefined;
  extra?: Record<string, unknown> | undefined;
}

export function cardActionEvent(i: CardActionEventInput): Record<string, unknown> {
  return {
    operator: { tenant_key: i.tenantKey, user_id: i.operator.userId ?? '', open_id: i.operator.openId, union_id: userIdOf(i.operator)['union_id'] },
    token: i.cardToken,
    action: {
      ...(i.value !== undefined ? { value: i.value } : {}),
      tag: i.tag ?? 'button',
      timezone: 'Asia/Shanghai',
      ...(i.name ? { name: i.name } : {}),
      ...(i.formValue ? { form_value: i.formValue } : {}),
      ...(i.extra ?? {}),
    },
    host: 'im_message',
    context: { open_message_id: i.messageId, open_chat_id: i.chatId },
  };
}

export function botAddedEvent(i: { chatId: string; chatName: string; operator: FakeIdentity; tenantKey: string }): Record<string, unknown> {
  return {
    chat_id: i.chatId,
    operator_id: userIdOf(i.operator),
    external: false,
    operator_tenant_key: i.tenantKey,
    name: i.chatName,
    i18n_names: { zh_cn: i.chatName, en_us: '', ja_jp: '' },
  };
}

/** Feishu's event encryption: AES-256-CBC, key = sha256(encryptKey), random IV, base64(iv + ciphertext). */
export function encryptForBot(encryptKey: string, plaintext: string): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

export function signatureHeaders(encryptKey: string, rawBody: string, timestampSec: number): Record<string, string> {
  const timestamp = String(timestampSec);
  const nonce = randomBytes(8).toString('hex');
  const signature = createHash('sha256')
    .update(timestamp + nonce + encryptKey)
    .update(rawBody)
    .digest('hex');
  return {
    'X-Lark-Request-Timestamp': timestamp,
    'X-Lark-Request-Nonce': nonce,
    'X-Lark-Signature': signature,
  };
}

export function randomId(prefix: string, bytes = 12): string {
  return `${prefix}${randomBytes(bytes).toString('hex')}`;
}
