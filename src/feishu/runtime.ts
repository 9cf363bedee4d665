// One call that wires the Feishu side of the app: OpenAPI client, inbox processor, outbox sender
// and the configured transport (webhook server or long connection). main.ts can use this or
// assemble the same parts itself.
import type { Server } from 'node:http';
import type * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import type { BotHandlers, CardAction, CardActionResponse } from '../chat/types.js';
import { systemClock, type Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { registerFileSource, unregisterFileSource } from './file-source.js';
import { createFeishuClient, getBotOpenId, isIsvClient, requestAppTicketIfMissing } from './client.js';
import { InboxProcessor, InboxWriter, type InboxProcessorOptions } from './inbox.js';
import { startLongConnection, type LongConnection, type WatchdogOptions } from './longconn.js';
import { enqueueLateCardUpdate, takeCommitWake, type OutboxRow } from '../outbox/index.js';
import { DEFAULT_RETENTION_DAYS, startRetentionTask, type PurgeResult, type RetentionTaskOptions } from '../db/retention.js';
import { Sender, type SenderOptions } from './sender.js';
import { createWebhookApp } from './webhook.js';

export interface FeishuRuntimeOptions {
  config: Config;
  db: Database;
  handlers: BotHandlers;
  logger: Logger;
  clock?: Clock;
  /** A message that could not be delivered (bot not in group, user left…): tell the office. */
  onPermanentFailure?: (row: OutboxRow) => void | Promise<void>;
  /** Distinguishes this process in lockedBy columns (default: random). */
  instanceId?: string;
  sender?: Partial<Omit<SenderOptions, 'db' | 'client' | 'logger'>>;
  processor?: Partial<Omit<InboxProcessorOptions, 'db' | 'handlers' | 'logger'>>;
  watchdog?: WatchdogOptions;
  /** Webhook mode: where to listen (default config.port on 0.0.0.0). */
  listen?: { port?: number; host?: string };
  /** The periodic purge of old message contents (src/db/retention.ts); tests shorten it. */
  retention?: Partial<Pick<RetentionTaskOptions, 'intervalMs' | 'firstAfterMs'>>;
}

export interface FeishuRuntime {
  client: lark.Client;
  processor: InboxProcessor;
  sender: Sender;
  /** Webhook mode. */
  server?: Server;
  /** Long-connection mode. */
  longConnection?: LongConnection;
  /** Clears message contents older than MESSAGE_RETENTION_DAYS. */
  retention: { runNow(): Promise<PurgeResult> };
  stop(): Promise<void>;
}

export async function startFeishuRuntime(opts: FeishuRuntimeOptions): Promise<FeishuRuntime> {
  const { config, db, handlers, logger } = opts;
  const clock = opts.clock ?? systemClock;
  const log = logger.child({ module: 'feishu' });
  const isv = config.feishu.appType === 'isv';
  if (isv && config.feishu.eventMode !== 'webhook') {
    throw new Error('商店应用（FEISHU_APP_TYPE=isv）只能用 webhook 接收事件：飞书长连接仅支持企业自建应用');
  }
  const client = createFeishuClient(config.feishu, log);
  registerFileSource(db, client);
  // One writer for the transport's inbox inserts; the processor yields to it (acks first).
  const inboxWriter = new InboxWriter(db, clock);
  const sender = new Sender({
    db,
    client,
    logger: log,
    clock,
    ...(opts.onPermanentFailure ? { onPermanentFailure: opts.onPermanentFailure } : {}),
    ...(opts.instanceId ? { instanceId: `${opts.instanceId}-sender` } : {}),
    ...opts.sender,
  });
  // What a handler queued inside its transaction is visible once the handler returned: the sender
  // looks right then, not at its next poll (the idle wait that cost one reply in ten ~300 ms).
  const wakeSender = () => sender.wake();
  const processor = new InboxProcessor({
    db,
    ingest: inboxWriter,
    handlers,
    logger: log,
    clock,
    botOpenId: (tenantKey) => getBotOpenId(client, tenantKey),
    // Only when the handler queued inside a transaction: a reply queued outside one was claimed
    // at its signal already (no empty claim per event).
    onProcessed: () => {
      if (takeCommitWake()) wakeSender();
    },
    onMessageChat: (messageId, chatId) => sender.rememberReplyChat(messageId, chatId),
    ...(opts.instanceId ? { instanceId: `${opts.instanceId}-inbox` } : {}),
    ...opts.processor,
  });
  processor.start();
  sender.start();
  const retention = startRetentionTask({ db, logger: log, clock, retentionDays: config.messageRetentionDays ?? DEFAULT_RETENTION_DAYS, ...opts.retention });
  const common = {
    db,
    handlers: wakingAfterCardActions(handlers, wakeSender),
    logger: log,
    clock,
    onEventStored: () => processor.wake(),
    inboxWriter,
    onLateCardResponse: async (action: CardAction, response: CardActionResponse) => {
      if (response.card) await enqueueLateCardUpdate(db.prisma, action, response.card.data, log, clock);
    },
    // Store app: pushed app_tickets go to this client's cache, where its token manager looks.
    ...(isIsvClient(client) ? { appTicketCache: client.cache, appId: client.appId } : {}),
  };

  let server: Server | undefined;
  let longConnection: LongConnection | undefined;
  if (config.feishu.eventMode === 'webhook') {
    const app = createWebhookApp({ ...common, config });
    const port = opts.listen?.port ?? config.port;
    const host = opts.listen?.host ?? '0.0.0.0';
    server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(port, host, () => resolve(s));
      s.once('error', reject);
    });
    log.info({ port, paths: ['/feishu/events', '/feishu/cards', '/healthz'] }, '飞书事件 webhook 已启动');
    // Store app: no ticket yet (a fresh process) → ask Feishu to push one now that we listen.
    if (isv) {
      await requestAppTicketIfMissing(client).then(
        (asked) => asked && log.info('商店应用：尚无 app_ticket，已请求飞书重新推送'),
        (err: unknown) => log.warn({ err: err instanceof Error ? err.message : String(err) }, '请求飞书重新推送 app_ticket 失败，将在首次调用接口时重试'),
      );
    }
  } else {
    longConnection = startLongConnection({ ...common, config, ...(opts.watchdog ? { watchdog: opts.watchdog } : {}) });
    log.info('飞书长连接启动中');
  }

  return {
    client,
    processor,
    sender,
    retention,
    ...(server ? { server } : {}),
    ...(longConnection ? { longConnection } : {}),
    async stop() {
      unregisterFileSource(db, client);
      longConnection?.stop();
      if (server) {
        const s = server;
        s.closeIdleConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
      await retention.stop();
      await processor.stop();
      await sender.stop();
    },
  };
}

/** The transport's handlers: after a card action was handled (its transactions committed), wake the sender. */
function wakingAfterCardActions(handlers: BotHandlers, wake: () => void): BotHandlers {
  return {
    onMessage: (message) => handlers.onMessage(message),
    onCardAction: (action) => handlers.onCardAction(action).finally(wake),
    ...(handlers.onBotAdded ? { onBotAdded: (event: Parameters<NonNullable<BotHandlers['onBotAdded']>>[0]) => handlers.onBotAdded!(event) } : {}),
    ...(handlers.onMessageRecalled
      ? { onMessageRecalled: (event: Parameters<NonNullable<BotHandlers['onMessageRecalled']>>[0]) => handlers.onMessageRecalled!(event) }
      : {}),
  };
}
