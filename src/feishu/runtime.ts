// One call that wires the Feishu side of the app: OpenAPI client, inbox processor, outbox sender
// and the configured transport (webhook server or long connection). main.ts can use this or
// assemble the same parts itself.
import type { Server } from 'node:http';
import type * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import type { BotHandlers } from '../chat/types.js';
import { systemClock, type Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { createFeishuClient, getBotOpenId } from './client.js';
import { InboxProcessor, InboxWriter, type InboxProcessorOptions } from './inbox.js';
import { startLongConnection, type LongConnection, type WatchdogOptions } from './longconn.js';
import { Sender, enqueueLateCardUpdate, type OutboxRow, type SenderOptions } from './sender.js';
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
}

export interface FeishuRuntime {
  client: lark.Client;
  processor: InboxProcessor;
  sender: Sender;
  /** Webhook mode. */
  server?: Server;
  /** Long-connection mode. */
  longConnection?: LongConnection;
  stop(): Promise<void>;
}

export async function startFeishuRuntime(opts: FeishuRuntimeOptions): Promise<FeishuRuntime> {
  const { config, db, handlers, logger } = opts;
  const clock = opts.clock ?? systemClock;
  const log = logger.child({ module: 'feishu' });
  const client = createFeishuClient(config.feishu, log);
  // One writer for the transport's inbox inserts; the processor yields to it (acks first).
  const inboxWriter = new InboxWriter(db, clock);
  const processor = new InboxProcessor({
    db,
    ingest: inboxWriter,
    handlers,
    logger: log,
    clock,
    botOpenId: () => getBotOpenId(client),
    ...(opts.instanceId ? { instanceId: `${opts.instanceId}-inbox` } : {}),
    ...opts.processor,
  });
  const sender = new Sender({
    db,
    client,
    logger: log,
    clock,
    ...(opts.onPermanentFailure ? { onPermanentFailure: opts.onPermanentFailure } : {}),
    ...(opts.instanceId ? { instanceId: `${opts.instanceId}-sender` } : {}),
    ...opts.sender,
  });
  processor.start();
  sender.start();
  const common = {
    db,
    handlers,
    logger: log,
    clock,
    onEventStored: () => processor.wake(),
    inboxWriter,
    onLateCardResponse: async (action: Parameters<typeof enqueueLateCardUpdate>[1], response: Parameters<typeof enqueueLateCardUpdate>[2]) => {
      await enqueueLateCardUpdate(db.prisma, action, response, log, clock);
    },
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
  } else {
    longConnection = startLongConnection({ ...common, config, ...(opts.watchdog ? { watchdog: opts.watchdog } : {}) });
    log.info('飞书长连接启动中');
  }

  return {
    client,
    processor,
    sender,
    ...(server ? { server } : {}),
    ...(longConnection ? { longConnection } : {}),
    async stop() {
      longConnection?.stop();
      if (server) {
        const s = server;
        s.closeIdleConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
      await processor.stop();
      await sender.stop();
    },
  };
}
