// The ONE event path shared by both transports. The webhook (after verifying and decrypting) and
// the long connection (WSClient) both call the same `lark.EventDispatcher`, whose handlers:
//   - im.message.receive_v1, im.chat.member.bot.added_v1, im.message.recalled_v1 → durable inbox
//     (deduplicated), then return at once; the InboxProcessor calls the BotHandlers afterwards;
//   - card.action.trigger → BotHandlers.onCardAction, synchronously, raced against the 3-s deadline;
//   - app_ticket (store apps, a v1.0 event) → the SDK's own app_ticket handler, which puts the ticket
//     in the OpenAPI client's cache where its token manager looks for it.
// Handlers never learn which transport delivered an event.
import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import type { BotHandlers, CardAction, CardActionResponse } from '../chat/types.js';
import { systemClock, type Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import { quietSdkLogger } from './client.js';
import { errorText, InboxWriter, storeEvent } from './inbox.js';
import {
  EVENT_BOT_ADDED,
  EVENT_BOT_DELETED,
  EVENT_CARD_ACTION,
  EVENT_MESSAGE_RECALLED,
  EVENT_MESSAGE_RECEIVE,
  FeishuPayloadError,
  envelopeFromDispatcherData,
  normalizeBotAdded,
  normalizeCardAction,
  normalizeMessage,
  normalizeMessageRecalled,
  type FeishuEnvelope,
} from './normalize.js';
import { enqueueLateCardUpdate } from '../outbox/index.js';

export const SUBSCRIBED_EVENTS = [EVENT_MESSAGE_RECEIVE, EVENT_BOT_ADDED, EVENT_BOT_DELETED, EVENT_MESSAGE_RECALLED, EVENT_CARD_ACTION] as const;

export const CARD_TOASTS = {
  slow: '处理中，请稍后刷新',
  duplicate: '该操作已处理，无需重复点击',
  failed: '操作未能完成，请稍后重试',
  invalid: '无法识别该卡片操作',
} as const;

export interface EventRouterOptions {
  db: Database;
  handlers: BotHandlers;
  logger: Logger;
  clock?: Clock;
  /** Called after an event was stored (not for duplicates): wake the InboxProcessor. */
  onEventStored?: () => void;
  /** Shared with the InboxProcessor so processing yields to acks; one is made when absent. */
  inboxWriter?: InboxWriter;
  /** Card callbacks must be answered within 3 s; the handler gets this long (default 2500 ms). */
  cardDeadlineMs?: number;
  /**
   * A card handler that finishes after the deadline cannot answer the callback any more; its card
   * is applied with the callback token instead. Default: enqueue a `card_update` in the outbox.
   */
  onLateCardResponse?: (action: CardAction, response: CardActionResponse) => Promise<void>;
  /**
   * Store app (商店应用): the OpenAPI client's cache. A pushed app_ticket is stored there by the
   * SDK's EventDispatcher (its built-in `app_ticket` handle: key CAppTicket, namespace app_id),
   * so the client's token manager finds it. Absent: a self-built app, app_ticket is ignored.
   */
  appTicketCache?: lark.Cache;
  /** The app's own app_id: a ticket for another app is not cached. */
  appId?: string;
}

/** The v1.0 event Feishu pushes to a store app (every hour, and after app_ticket/resend). */
export function isAppTicketEvent(payload: Record<string, unknown>): boolean {
  const event = payload['event'];
  return payload['schema'] === undefined && typeof event === 'object' && event !== null && (event as Record<string, unknown>)['type'] === 'app_ticket';
}

export type IngestResult = 'stored' | 'duplicate' | 'invalid';

export class EventRouter {
  private readonly clock: Clock;
  private readonly cardDeadlineMs: number;

  constructor(private readonly opts: EventRouterOptions) {
    this.clock = opts.clock ?? systemClock;
    this.cardDeadlineMs = opts.cardDeadlineMs ?? 2_500;
    this.writer = opts.inboxWriter ?? new InboxWriter(opts.db, this.clock);
  }
  private readonly writer: InboxWriter;
  private ticketDispatcher: lark.EventDispatcher | undefined;

  /**
   * Caches a pushed app_ticket (v1.0 `{"type":"event_callback","event":{"type":"app_ticket",
   * "app_id","app_ticket"}}`) through the SDK's own EventDispatcher, exactly as its webhook
   * adapters would. Always acknowledged: Feishu only needs the 200.
   */
  async handleAppTicket(payload: Record<string, unknown>): Promise<void> {
    const log = this.opts.logger;
    const event = payload['event'] as Record<string, unknown>;
    if (!this.opts.appTicketCache) {
      log.warn('收到 app_ticket 推送，但本应用按企业自建应用运行（FEISHU_APP_TYPE 未设为 isv），已忽略');
      return;
    }
    if (typeof event['app_ticket'] !== 'string' || !event['app_ticket']) {
      log.warn('app_ticket 推送中没有 app_ticket，已忽略');
      return;
    }
    if (this.opts.appId && event['app_id'] !== this.opts.appId) {
      log.warn({ appId: event['app_id'] }, '收到其他应用的 app_ticket，已忽略');
      return;
    }
    this.ticketDispatcher ??= new lark.EventDispatcher({
      cache: this.opts.appTicketCache,
      logger: quietSdkLogger(log),
      loggerLevel: lark.LoggerLevel.warn,
    });
    // The webhook verified and decrypted the request already: no second check.
    await this.ticketDispatcher.invoke(payload, { needCheck: false });
    log.info('已收到飞书推送的 app_ticket（商店应用），可以获取各租户的访问凭证');
  }

  /** Stores an event for asynchronous processing. Fast: one INSERT. */
  async ingestEvent(envelope: FeishuEnvelope): Promise<IngestResult> {
    const { header } = envelope;
    // A child logger per event costs more than the ack's other work; made only when something is logged.
    const eventLog = () => this.opts.logger.child({ eventId: header.event_id, eventType: header.event_type });
    let messageId: string | undefined;
    let invalid: string | undefined;
    try {
      // Only what dedupe needs is read here (the ack is on Feishu's 3-s clock); the processor
      // validates the whole event and records a malformed one as failed, without retrying.
      if (header.event_type === EVENT_MESSAGE_RECEIVE) {
        const id = (envelope.event['message'] as { message_id?: unknown } | undefined)?.message_id;
        if (typeof id !== 'string' || id === '') throw new FeishuPayloadError('消息事件缺少 message_id');
        messageId = id;
      } else if (header.event_type === EVENT_BOT_ADDED || header.event_type === EVENT_BOT_DELETED) normalizeBotAdded(envelope);
      // A recall is deduplicated by its event id only: its message_id is the recalled message's.
      else if (header.event_type === EVENT_MESSAGE_RECALLED) normalizeMessageRecalled(envelope);
    } catch (err) {
      if (!(err instanceof FeishuPayloadError)) throw err;
      invalid = err.message;
      const raw = (envelope.event['message'] as { message_id?: unknown } | undefined)?.message_id;
      if (typeof raw === 'string' && raw && header.event_type === EVENT_MESSAGE_RECEIVE) messageId = raw;
    }
    const result = await this.writer.store(
      {
        tenantKey: header.tenant_key ?? '',
        eventId: header.event_id,
        messageId,
        eventType: header.event_type,
        payload: envelope,
        ...(invalid ? { status: 'failed' as const, error: invalid } : {}),
      },
    );
    if (invalid) {
      eventLog().warn({ reason: invalid, result }, '事件格式不正确，已记录为失败');
      return 'invalid';
    }
    if (result === 'duplicate') {
      eventLog().info({ messageId }, '重复事件，已忽略');
      return 'duplicate';
    }
    if (this.opts.logger.isLevelEnabled('debug')) eventLog().debug({ messageId }, '事件已入收件箱');
    this.opts.onEventStored?.();
    return 'stored';
  }

  /** Answers a card callback: the handler's {toast, card}, or a toast when slow, failing or repeated. */
  async handleCardAction(envelope: FeishuEnvelope): Promise<CardActionResponse> {
    const { header } = envelope;
    const log = this.opts.logger.child({ eventId: header.event_id, eventType: header.event_type });
    const prisma = this.opts.db.prisma;
    let action: CardAction;
    try {
      action = normalizeCardAction(envelope);
    } catch (err) {
      if (!(err instanceof FeishuPayloadError)) throw err;
      log.warn({ reason: err.message }, '卡片回调格式不正确');
      await storeEvent(prisma, inboxRow(envelope, 'failed', err.message), this.clock);
      return { toast: { type: 'error', content: CARD_TOASTS.invalid } };
    }
    // Persisted first (as done): a repeated callback is recognised even after a restart.
    const stored = await storeEvent(prisma, inboxRow(envelope, 'done'), this.clock);
    if (stored === 'duplicate') {
      log.info('重复的卡片回调，已忽略');
      return { toast: { type: 'info', content: CARD_TOASTS.duplicate } };
    }

    const markFailed = (err: unknown) =>
      prisma.inboxEvent
        .updateMany({ where: { eventId: header.event_id }, data: { status: 'failed', error: errorText(err) } })
        .catch(() => undefined);

    const work = this.opts.handlers.onCardAction(action);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.cardDeadlineMs);
    });
    try {
      const outcome = await Promise.race([work, deadline]);
      if (outcome !== 'late') return sanitizeCardResponse(outcome);
    } catch (err) {
      log.error({ err: errorText(err) }, '卡片回调处理失败');
      await markFailed(err);
      return { toast: { type: 'error', content: CARD_TOASTS.failed } };
    } finally {
      clearTimeout(timer);
    }

    log.warn({ deadlineMs: this.cardDeadlineMs }, '卡片回调处理超时，先回复“处理中”，完成后用回调 token 更新卡片');
    work
      .then(async (late) => {
        const response = sanitizeCardResponse(late);
        if (!response.card) return;
        const apply = this.opts.onLateCardResponse ?? ((a, r) => enqueueLateCardUpdate(this.opts.db.prisma, a, r.card!.data, log));
        await apply(action, response);
      })
      .catch(async (err) => {
        log.error({ err: errorText(err) }, '超时后的卡片回调处理失败');
        await markFailed(err);
      });
    return { toast: { type: 'info', content: CARD_TOASTS.slow } };
  }
}

function inboxRow(envelope: FeishuEnvelope, status: 'done' | 'failed', error?: string) {
  return {
    tenantKey: envelope.header.tenant_key ?? '',
    eventId: envelope.header.event_id,
    eventType: envelope.header.event_type,
    payload: envelope,
    status,
    error,
  };
}

/** Only {toast, card} go back to Feishu (anything else in the handler's object is dropped). */
function sanitizeCardResponse(res: CardActionResponse | undefined | null): CardActionResponse {
  const out: CardActionResponse = {};
  if (res?.toast) out.toast = res.toast;
  if (res?.card) out.card = res.card;
  return out;
}

/**
 * Routes a verified schema 2.0 envelope: the webhook calls this directly (it has already verified
 * and parsed the raw request); the long connection reaches the same router through the SDK's
 * EventDispatcher below. Unsubscribed event types are acknowledged and ignored.
 */
export async function routeEnvelope(router: EventRouter, envelope: FeishuEnvelope): Promise<CardActionResponse | Record<string, never>> {
  switch (envelope.header.event_type) {
    case EVENT_CARD_ACTION:
      return router.handleCardAction(envelope);
    case EVENT_MESSAGE_RECEIVE:
    case EVENT_BOT_ADDED:
    case EVENT_BOT_DELETED:
    case EVENT_MESSAGE_RECALLED:
      await router.ingestEvent(envelope);
      return {};
    default:
      return {};
  }
}

/**
 * The SDK EventDispatcher both transports call (`dispatcher.invoke(envelope, {needCheck:false})`):
 * the webhook after its own raw-body verification, the WSClient for frames it receives.
 */
export function createEventDispatcher(router: EventRouter, logger?: Logger): lark.EventDispatcher {
  const dispatcher = new lark.EventDispatcher({ logger: quietSdkLogger(logger), loggerLevel: lark.LoggerLevel.warn });
  const ingest = async (data: Record<string, unknown>) => {
    await router.ingestEvent(envelopeFromDispatcherData(data));
    return {};
  };
  dispatcher.register({
    [EVENT_MESSAGE_RECEIVE]: ingest,
    [EVENT_BOT_ADDED]: ingest,
    [EVENT_BOT_DELETED]: ingest,
    [EVENT_MESSAGE_RECALLED]: ingest,
    [EVENT_CARD_ACTION]: (data: Record<string, unknown>) => router.handleCardAction(envelopeFromDispatcherData(data)),
  } as Parameters<lark.EventDispatcher['register']>[0]);
  return dispatcher;
}
