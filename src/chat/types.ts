// What chat handlers see. Transport-agnostic: the webhook and the long connection both normalise
// Feishu events into these shapes (src/feishu/normalize.ts), so handlers never know which delivered them.

export interface ChatMessage {
  tenantKey: string;
  eventId: string;
  messageId: string;
  chatId: string;
  chatType: 'p2p' | 'group';
  sender: { openId: string; userId?: string };
  /** Text with @mention placeholders removed and whitespace trimmed. */
  text: string;
  /** True when the bot itself was @-mentioned (group messages need it). */
  mentionsBot: boolean;
  /** Other people mentioned, in order. */
  mentions: { key: string; openId?: string; name: string }[];
  messageType: string;
  /**
   * A file or image message (message_type "file" / "image"): what to download through the message
   * resource API. Content shapes: {"file_key","file_name"} / {"image_key"} (message_content page).
   */
  attachment?: { type: 'file' | 'image'; key: string; name: string };
  /** The message this one replies to (parent_id), if any. */
  parentId?: string;
  createdAt: Date;
}

export interface CardAction {
  tenantKey: string;
  operator: { openId: string; userId?: string };
  /** open_message_id of the card that was clicked. */
  messageId: string;
  chatId?: string;
  /** Card-update token (c-…): valid 30 min, two uses. */
  token: string;
  /** The button's callback value. Never trusted: handlers re-check identity and role. */
  value: unknown;
  formValue?: Record<string, unknown>;
  tag?: string;
  name?: string;
}

export interface CardActionResponse {
  toast?: { type: 'info' | 'success' | 'error' | 'warning'; content: string };
  /** Feishu card JSON 2.0 that replaces the clicked card in place. */
  card?: { type: 'raw'; data: Record<string, unknown> };
}

export interface BotAddedToChat {
  tenantKey: string;
  chatId: string;
  chatName?: string;
  operatorOpenId?: string;
}

/** A message in a chat with the bot was recalled (im.message.recalled_v1). */
export interface MessageRecalled {
  tenantKey: string;
  eventId: string;
  /** The recalled message (the one a report's sourceRef names). */
  messageId: string;
  chatId: string;
  recallTime: Date;
  /** message_owner / group_owner / group_manager / enterprise_manager (Feishu's values). */
  recallType: string;
  /** Who sent the recalled message, when the transport still has it (the event does not say). */
  senderOpenId?: string;
  chatType?: 'p2p' | 'group';
}

/** The dispatcher's view of the application: one handler per kind of input. */
export interface BotHandlers {
  onMessage(message: ChatMessage): Promise<void>;
  onCardAction(action: CardAction): Promise<CardActionResponse>;
  onBotAdded?(event: BotAddedToChat): Promise<void>;
  onMessageRecalled?(event: MessageRecalled): Promise<void>;
}

/** A message to send (the outbox's type, src/outbox/message.ts). */
export type { OutgoingContent } from '../outbox/message.js';
