// Raw Feishu payloads (schema 2.0 envelopes) → the transport-agnostic shapes of src/chat/types.ts.
// Everything is validated with zod; a malformed payload becomes a FeishuPayloadError, never a crash.
import { cleanDeep, cleanText } from '../core/text.js';
import { z } from 'zod';
import type { BotAddedToChat, CardAction, ChatMessage, MessageRecalled } from '../chat/types.js';

export const EVENT_MESSAGE_RECEIVE = 'im.message.receive_v1';
export const EVENT_BOT_ADDED = 'im.chat.member.bot.added_v1';
/** The bot was removed from a group: same event body as added (https://open.feishu.cn/document/server-docs/group/chat-member/event/deleted-2). */
export const EVENT_BOT_DELETED = 'im.chat.member.bot.deleted_v1';
export const EVENT_CARD_ACTION = 'card.action.trigger';
/** https://open.feishu.cn/document/server-docs/im-v1/message/events/recalled */
export const EVENT_MESSAGE_RECALLED = 'im.message.recalled_v1';

export class FeishuPayloadError extends Error {
  constructor(
    message: string,
    readonly issues: string[] = [],
  ) {
    super(issues.length ? `${message}：${issues.join('；')}` : message);
    this.name = 'FeishuPayloadError';
  }
}

const idSchema = z
  .object({ open_id: z.string().optional(), user_id: z.string().nullish(), union_id: z.string().nullish() })
  .loose();

export const headerSchema = z
  .object({
    event_id: z.string().min(1),
    event_type: z.string().min(1),
    token: z.string().optional(),
    create_time: z.string().optional(),
    tenant_key: z.string().optional(),
    app_id: z.string().optional(),
  })
  .loose();

export const envelopeSchema = z
  .object({ schema: z.literal('2.0'), header: headerSchema, event: z.record(z.string(), z.unknown()) })
  .loose();
export type FeishuEnvelope = z.infer<typeof envelopeSchema>;

const mentionSchema = z
  .object({
    key: z.string(),
    id: idSchema.optional(),
    name: z.string().optional().default(''),
    tenant_key: z.string().optional(),
    mentioned_type: z.string().optional(),
  })
  .loose();

const messageEventSchema = z
  .object({
    sender: z
      .object({
        sender_id: idSchema.extend({ open_id: z.string().min(1) }),
        sender_type: z.string().optional(),
        tenant_key: z.string().optional(),
      })
      .loose(),
    message: z
      .object({
        message_id: z.string().min(1),
        root_id: z.string().optional(),
        parent_id: z.string().optional(),
        create_time: z.string().optional(),
        chat_id: z.string().min(1),
        chat_type: z.string(),
        message_type: z.string(),
        content: z.string(),
        mentions: z.array(mentionSchema).nullish(),
      })
      .loose(),
  })
  .loose();

const cardEventSchema = z
  .object({
    operator: idSchema.extend({ open_id: z.string().min(1), tenant_key: z.string().optional() }),
    token: z.string().optional().default(''),
    action: z
      .object({
        value: z.unknown().optional(),
        tag: z.string().optional(),
        name: z.string().optional(),
        form_value: z.record(z.string(), z.unknown()).nullish(),
        input_value: z.unknown().optional(),
        option: z.unknown().optional(),
        options: z.unknown().optional(),
        checked: z.unknown().optional(),
      })
      .loose(),
    context: z.object({ open_message_id: z.string().min(1), open_chat_id: z.string().optional() }).loose(),
  })
  .loose();

const botAddedEventSchema = z
  .object({
    chat_id: z.string().min(1),
    operator_id: idSchema.optional(),
    name: z.string().optional(),
    external: z.boolean().optional(),
  })
  .loose();

/** im.message.recalled_v1's event: message_id, chat_id, recall_time (ms), recall_type. */
const recalledEventSchema = z
  .object({
    message_id: z.string().min(1),
    chat_id: z.string().optional().default(''),
    recall_time: z.string().optional(),
    recall_type: z.string().optional().default('message_owner'),
  })
  .loose();

/** content of a text message: {"text": "…"}. Built once: zod compiles each schema on first use. */
const textContentSchema = z.object({ text: z.string() }).loose();

function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.') || '(根)'}: ${i.message}`);
}

/** Validates a decrypted schema 2.0 envelope. */
export function parseEnvelope(raw: unknown): FeishuEnvelope {
  const parsed = envelopeSchema.safeParse(raw);
  if (!parsed.success) throw new FeishuPayloadError('不是有效的飞书 2.0 事件', issuesOf(parsed.error));
  return parsed.data;
}

/** Header keys the SDK's EventDispatcher spreads next to the event fields (`{...rest, ...header, ...event}`). */
const HEADER_KEYS = ['event_id', 'event_type', 'token', 'create_time', 'tenant_key', 'app_id'] as const;

/**
 * Rebuilds the schema 2.0 envelope from the flattened object the SDK's EventDispatcher hands to a
 * handler. `event` is spread last by the SDK, so for card callbacks `token` is the card-update token
 * (c-…) and belongs to `event`; for other events it is the verification token (header).
 */
export function envelopeFromDispatcherData(data: Record<string, unknown>): FeishuEnvelope {
  const header: Record<string, unknown> = {};
  const event: Record<string, unknown> = {};
  const eventType = data['event_type'];
  for (const [key, value] of Object.entries(data)) {
    if (key === 'schema') continue;
    if (key === 'token' && eventType === EVENT_CARD_ACTION) event[key] = value;
    else if ((HEADER_KEYS as readonly string[]).includes(key)) header[key] = value;
    else event[key] = value;
  }
  return parseEnvelope({ schema: '2.0', header, event });
}

export interface NormalizeOptions {
  /** The bot's own open_id (GET /open-apis/bot/v3/info). */
  botOpenId?: string | undefined;
}

const PLACEHOLDER = /@_user_\d+|@_all\b/g;

/**
 * A person @-mentioned inside the text (「请@周敏 协调编制事宜」) keeps their name there, as the reader
 * saw it; mentions before any text (the bot, 「@周敏 进展 …」) are stripped, so the command still starts
 * the text. Names go through the one escaping function wherever they are shown.
 */
export function namedMentions(text: string, mentions: readonly { key: string; name: string }[]): string {
  if (!mentions.length) return text;
  const names = new Map(mentions.map((m) => [m.key, m.name]));
  return text.replace(PLACEHOLDER, (key, offset: number) => {
    const name = names.get(key);
    const before = text.slice(0, offset).replace(PLACEHOLDER, '').trim();
    return name && before ? `@${name}` : key;
  });
}

export function stripMentions(text: string): string {
  return text
    .replace(PLACEHOLDER, ' ')
    .replace(/[ \t\u00a0\u3000]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .trim();
}

const postElementSchema = z.object({ tag: z.string() }).loose();
const postBodySchema = z
  .object({ title: z.string().nullish(), content: z.array(z.array(postElementSchema)).nullish() })
  .loose();

/** Joins a `post` (rich text) message's text, link and @ elements into plain text. */
export function postToText(raw: unknown): string {
  let body = postBodySchema.safeParse(raw).data;
  // Received posts carry {title, content}; sent ones may be wrapped by locale ({zh_cn: {...}}).
  if (!body?.content && raw && typeof raw === 'object') {
    const localised = Object.values(raw as Record<string, unknown>).find((v) => postBodySchema.safeParse(v).data?.content);
    body = localised ? postBodySchema.parse(localised) : body;
  }
  if (!body?.content) throw new FeishuPayloadError('富文本消息内容格式不正确');
  const lines = body.content.map((line) =>
    line
      .map((el) => {
        const e = el as Record<string, unknown>;
        if (el.tag === 'text' || el.tag === 'a' || el.tag === 'code_block') return String(e['text'] ?? '');
        if (el.tag === 'at') return ` ${String(e['user_id'] ?? '')} `;
        return '';
      })
      .join(''),
  );
  if (body.title) lines.unshift(body.title);
  return lines.join('\n');
}

/** The text of a message's `content` JSON string, mentions not yet stripped. */
export function messageText(messageType: string, content: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    throw new FeishuPayloadError('消息 content 不是合法的 JSON');
  }
  if (messageType === 'text') {
    const text = textContentSchema.safeParse(parsed);
    if (!text.success) throw new FeishuPayloadError('文本消息缺少 text 字段');
    return text.data.text;
  }
  if (messageType === 'post') return postToText(parsed);
  // Images, files, stickers…: no text; handlers see the type and can answer accordingly.
  return '';
}

function parseMillis(value: string | undefined, fallback: Date): Date {
  if (!value || !/^\d+$/.test(value)) return fallback;
  let n = Number(value);
  if (value.length >= 16) n = Math.floor(n / 1000); // µs (the docs disagree on the unit)
  const d = new Date(n);
  return Number.isNaN(d.getTime()) ? fallback : d;
}

export function normalizeMessage(envelope: FeishuEnvelope, opts: NormalizeOptions = {}): ChatMessage {
  if (envelope.header.event_type !== EVENT_MESSAGE_RECEIVE) {
    throw new FeishuPayloadError(`事件类型应为 ${EVENT_MESSAGE_RECEIVE}，实际为 ${envelope.header.event_type}`);
  }
  const parsed = messageEventSchema.safeParse(envelope.event);
  if (!parsed.success) throw new FeishuPayloadError('消息事件格式不正确', issuesOf(parsed.error));
  const { sender, message } = parsed.data;
  const rawMentions = message.mentions ?? [];
  const chatType: ChatMessage['chatType'] = message.chat_type === 'p2p' ? 'p2p' : 'group';
  const isBot = (m: (typeof rawMentions)[number]): boolean => {
    if (m.key === '@_all') return false;
    if (opts.botOpenId) return m.id?.open_id === opts.botOpenId;
    // Bot open_id unknown (bot/v3/info unreachable): trust an explicit type, else — in a group,
    // where the usual scope only delivers messages that @ the bot — a mention with no user_id
    // (bots have none) is taken as the bot.
    if (m.mentioned_type) return m.mentioned_type === 'bot';
    return chatType === 'group' && !m.id?.user_id;
  };
  const mentionsBot = rawMentions.some(isBot);
  const mentions = rawMentions
    .filter((m) => m.key !== '@_all' && !isBot(m))
    .map((m) => ({ key: m.key, name: m.name, ...(m.id?.open_id ? { openId: m.id.open_id } : {}) }));
  const fallbackTime = parseMillis(envelope.header.create_time, new Date(0));
  return {
    tenantKey: envelope.header.tenant_key ?? sender.tenant_key ?? '',
    eventId: envelope.header.event_id,
    messageId: message.message_id,
    chatId: message.chat_id,
    chatType,
    sender: { openId: sender.sender_id.open_id, ...(sender.sender_id.user_id ? { userId: sender.sender_id.user_id } : {}) },
    // Half emoji and control characters never reach handlers or the database.
    text: cleanText(stripMentions(namedMentions(messageText(message.message_type, message.content), mentions))),
    mentionsBot,
    mentions,
    messageType: message.message_type,
    ...attachmentOf(message.message_type, message.content),
    ...(message.parent_id ? { parentId: message.parent_id } : {}),
    createdAt: parseMillis(message.create_time, fallbackTime),
  };
}

/**
 * The file or image a message carries: file {"file_key","file_name"}, image {"image_key"}
 * (https://open.feishu.cn/document/server-docs/im-v1/message-content-description/message_content).
 */
function attachmentOf(messageType: string, content: string): Pick<ChatMessage, 'attachment'> {
  if (messageType !== 'file' && messageType !== 'image') return {};
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(content) as Record<string, unknown>;
  } catch {
    return {};
  }
  const key = messageType === 'file' ? parsed['file_key'] : parsed['image_key'];
  if (typeof key !== 'string' || !key) return {};
  const name = messageType === 'file' && typeof parsed['file_name'] === 'string' ? cleanText(parsed['file_name']) : messageType === 'image' ? '图片' : '文件';
  return { attachment: { type: messageType, key, name } };
}

export function normalizeCardAction(envelope: FeishuEnvelope): CardAction {
  if (envelope.header.event_type !== EVENT_CARD_ACTION) {
    throw new FeishuPayloadError(`事件类型应为 ${EVENT_CARD_ACTION}，实际为 ${envelope.header.event_type}`);
  }
  const parsed = cardEventSchema.safeParse(envelope.event);
  if (!parsed.success) throw new FeishuPayloadError('卡片回调格式不正确', issuesOf(parsed.error));
  const { operator, token, action, context } = parsed.data;
  // Components outside a form report their value in dedicated fields; fold them into formValue.
  const formValue: Record<string, unknown> = { ...(action.form_value ?? {}) };
  for (const key of ['input_value', 'option', 'options', 'checked'] as const) {
    if (action[key] !== undefined && action.name) formValue[action.name] = action[key];
  }
  return {
    tenantKey: envelope.header.tenant_key ?? operator.tenant_key ?? '',
    operator: { openId: operator.open_id, ...(operator.user_id ? { userId: operator.user_id } : {}) },
    messageId: context.open_message_id,
    ...(context.open_chat_id ? { chatId: context.open_chat_id } : {}),
    token,
    value: cleanDeep(action.value),
    ...(Object.keys(formValue).length ? { formValue: cleanDeep(formValue) } : {}),
    ...(action.tag ? { tag: action.tag } : {}),
    ...(action.name ? { name: action.name } : {}),
  };
}

export function normalizeBotAdded(envelope: FeishuEnvelope): BotAddedToChat {
  if (envelope.header.event_type !== EVENT_BOT_ADDED && envelope.header.event_type !== EVENT_BOT_DELETED) {
    throw new FeishuPayloadError(`事件类型应为 ${EVENT_BOT_ADDED} 或 ${EVENT_BOT_DELETED}，实际为 ${envelope.header.event_type}`);
  }
  const parsed = botAddedEventSchema.safeParse(envelope.event);
  if (!parsed.success) throw new FeishuPayloadError('机器人入群事件格式不正确', issuesOf(parsed.error));
  const e = parsed.data;
  return {
    tenantKey: envelope.header.tenant_key ?? '',
    chatId: e.chat_id,
    ...(e.name ? { chatName: e.name } : {}),
    ...(e.operator_id?.open_id ? { operatorOpenId: e.operator_id.open_id } : {}),
  };
}

/** What the transport still knows of the recalled message (its sender), added by the inbox. */
export interface RecalledMessageOrigin {
  senderOpenId?: string;
  chatType?: 'p2p' | 'group';
}

export function normalizeMessageRecalled(envelope: FeishuEnvelope, origin: RecalledMessageOrigin = {}): MessageRecalled {
  if (envelope.header.event_type !== EVENT_MESSAGE_RECALLED) {
    throw new FeishuPayloadError(`事件类型应为 ${EVENT_MESSAGE_RECALLED}，实际为 ${envelope.header.event_type}`);
  }
  const parsed = recalledEventSchema.safeParse(envelope.event);
  if (!parsed.success) throw new FeishuPayloadError('消息撤回事件格式不正确', issuesOf(parsed.error));
  const e = parsed.data;
  const fallback = parseMillis(envelope.header.create_time, new Date(0));
  return {
    tenantKey: envelope.header.tenant_key ?? '',
    eventId: envelope.header.event_id,
    messageId: e.message_id,
    chatId: e.chat_id,
    recallTime: parseMillis(e.recall_time, fallback),
    recallType: e.recall_type,
    ...(origin.senderOpenId ? { senderOpenId: origin.senderOpenId } : {}),
    ...(origin.chatType ? { chatType: origin.chatType } : {}),
  };
}

/** The sender and chat type of a received message's stored envelope (for a later recall). */
export function originOfMessage(envelope: FeishuEnvelope): RecalledMessageOrigin {
  const parsed = messageEventSchema.safeParse(envelope.event);
  if (!parsed.success) return {};
  return { senderOpenId: parsed.data.sender.sender_id.open_id, chatType: parsed.data.message.chat_type === 'p2p' ? 'p2p' : 'group' };
}
