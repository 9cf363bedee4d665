// Shared helpers for the transport tests: a recording BotHandlers stub, a silent logger and a way
// to serve an express app on 127.0.0.1.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { WebhookApp } from '../../src/feishu/webhook.js';
import { pino, type Logger } from 'pino';
import type { BotAddedToChat, BotHandlers, CardAction, CardActionResponse, ChatMessage, MessageRecalled } from '../../src/chat/types.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import { startFeishuRuntime, type FeishuRuntime, type FeishuRuntimeOptions } from '../../src/feishu/runtime.js';
import type { FakeFeishu } from '../../src/sandbox/fake-feishu.js';

export const silentLogger: Logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export interface RecordingHandlers extends BotHandlers {
  messages: ChatMessage[];
  cardActions: CardAction[];
  botAdded: BotAddedToChat[];
  recalled: MessageRecalled[];
  /** What onCardAction answers (default: a toast). */
  cardResponse: (a: CardAction) => CardActionResponse | Promise<CardActionResponse>;
  /** Throw from onMessage this many times first. */
  failMessagesTimes: number;
}

export function recordingHandlers(): RecordingHandlers {
  const h: RecordingHandlers = {
    messages: [],
    cardActions: [],
    botAdded: [],
    recalled: [],
    failMessagesTimes: 0,
    cardResponse: () => ({ toast: { type: 'success', content: '已收到' } }),
    async onMessage(m) {
      if (h.failMessagesTimes > 0) {
        h.failMessagesTimes -= 1;
        throw new Error('模拟处理失败');
      }
      h.messages.push(m);
    },
    async onCardAction(a) {
      h.cardActions.push(a);
      return h.cardResponse(a);
    },
    async onBotAdded(e) {
      h.botAdded.push(e);
    },
    async onMessageRecalled(e) {
      h.recalled.push(e);
    },
  };
  return h;
}

export async function serve(app: WebhookApp): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function waitFor<T>(fn: () => T | Promise<T>, timeoutMs = 10_000, stepMs = 20): Promise<Exclude<T, null | undefined | false | 0 | ''>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as Exclude<T, null | undefined | false | 0 | ''>;
    if (Date.now() > deadline) throw new Error(`waitFor: condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A card JSON 2.0 with one callback button. */
export function sampleCard(title: string, value: Record<string, unknown> = { action: 'ack' }): Record<string, unknown> {
  return {
    schema: '2.0',
    config: { update_multi: true },
    header: { title: { tag: 'plain_text', content: title }, template: 'blue' },
    body: {
      elements: [
        { tag: 'markdown', content: `**${title}**` },
        { tag: 'button', text: { tag: 'plain_text', content: '签收' }, type: 'primary', behaviors: [{ type: 'callback', value }] },
      ],
    },
  };
}

/**
 * The bot's Feishu runtime with the fake's credentials, serving webhooks on a free port, and the
 * fake pointed at it. `env` adds to (or replaces) FEISHU_EVENT_MODE=webhook.
 */
export async function startBotOnFake(
  fake: FakeFeishu,
  opts: { db: Database; handlers: BotHandlers; env?: Record<string, string>; sender?: FeishuRuntimeOptions['sender']; retention?: FeishuRuntimeOptions['retention'] },
): Promise<{ rt: FeishuRuntime; config: Config }> {
  const config = loadConfig({
    FEISHU_APP_ID: fake.appId, FEISHU_APP_SECRET: fake.appSecret, FEISHU_ENCRYPT_KEY: fake.encryptKey!,
    FEISHU_VERIFICATION_TOKEN: fake.verificationToken, FEISHU_DOMAIN: fake.url,
    ...(opts.env ?? { FEISHU_EVENT_MODE: 'webhook' }),
  });
  const rt = await startFeishuRuntime({
    config, db: opts.db, handlers: opts.handlers, logger: silentLogger, listen: { port: 0, host: '127.0.0.1' },
    ...(opts.sender ? { sender: opts.sender } : {}),
    ...(opts.retention ? { retention: opts.retention } : {}),
  });
  if (!rt.server) {
    await rt.stop();
    throw new Error(`startBotOnFake: the runtime is in ${config.feishu.eventMode} mode, not webhook`);
  }
  const { port } = rt.server.address() as AddressInfo;
  fake.eventUrl = `http://127.0.0.1:${port}/feishu/events`;
  fake.cardUrl = `http://127.0.0.1:${port}/feishu/cards`;
  return { rt, config };
}
