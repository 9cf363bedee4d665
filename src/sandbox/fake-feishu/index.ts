// THE fake Feishu platform. One reusable class plays both sides of Feishu for tests and for the
// local sandbox (`npm start` without credentials):
//
//  - OpenAPI (what the bot calls), on http://127.0.0.1:<port>: tenant_access_token, bot info,
//    message create / reply / patch, delayed card update, image upload, chat members, user id
//    lookup — with bearer-token checks, uuid idempotency (1 h), the documented rate limits and
//    their exact error shapes (HTTP 429 + 99991400 + x-ogw-ratelimit-reset for the per-app API
//    limit; 230020 for > 5/s into one group or to one user), 230002 when the bot is not in the
//    group, 230013/230053/230034 for unreachable users, and injectable faults (429 storms, 500s).
//  - Events (what Feishu pushes): message, recall, bot-added and card-click payloads built exactly like
//    Feishu's (schema 2.0 envelope, content as a JSON string with @_user_N placeholders and a
//    mentions array), POSTed to the bot's webhook signed and AES-encrypted, re-delivered on
//    Feishu's schedule (15 s, 5 min, 1 h, 6 h — compressible) when not acknowledged with 200
//    within 3 s; or pushed over the long connection.
//  - Store app (appType 'isv', 商店应用): app_ticket pushes (v1.0 event, signed and encrypted like the
//    others; on app_ticket/resend), app_access_token from the ticket, one tenant_access_token per
//    installed tenant_key; users and chats belong to one tenant, events carry it (header and
//    sender), and every OpenAPI call acts in — and is logged against — the tenant whose token it
//    carried: another tenant's chat, user or message is out of its reach. Default: a self-built
//    app with one tenant.
//
// Every delivered message is stored (recipient, msg_type, parsed content, uuid, update history) so
// tests can count deliveries; an EventEmitter reports messages, updates, requests and deliveries
// (the sandbox web chat page subscribes to it).
//
// Layout (one module per API area, each a set of functions over the shared FakeState):
//   state.ts     configuration, directory (users, chats, tenants), messages, request log
//   router.ts    the routing table (method + path → API name, doc page, handler) and request loop
//   auth.ts      tenant/app tokens, app_ticket, the bearer-token check, the ws endpoint
//   messages.ts  create / reply / patch, content checks and size limits, uuid dedupe, receive event
//   card-schema.ts  card JSON 2.0 validated as Feishu does (every component's properties, ranges, 200 elements)
//   cards.ts     card JSON validation, the card callback (clickCard), delayed card update
//   contact.ts   bot info, batch_get_id
//   chats.ts     chat members, bot added / removed
//   images.ts    image upload
//   files.ts     file upload, file messages, message resource download
//   events.ts    event delivery: encryption and signing, re-delivery schedule, webhook POSTs
//   longconn.ts  the long connection (upgrade, ping/pong, event frames and acks)
//   limits.ts    rate-limit windows, fault injection, request-log queries
//   http.ts      Feishu's error shape, body parsing (JSON, multipart)
//   payloads.ts  event payload builders, encryption and signature helpers
//   ws-frames.ts the WebSocket + pbbp2 frame codec
import { createServer } from 'node:http';
import * as auth from './auth.js';
import * as cards from './cards.js';
import * as chats from './chats.js';
import * as events from './events.js';
import * as files from './files.js';
import * as limits from './limits.js';
import * as longconn from './longconn.js';
import * as messages from './messages.js';
import { handleRequest } from './router.js';
import { FakeState, type FakeFeishuOptions, type FakeMessage, type FakeRequestLog } from './state.js';

export type { CardClickResult } from './cards.js';
export { cardProblem } from './cards.js';
export { validateCardV2, COMPONENTS as CARD_V2_COMPONENTS, MAX_CARD_ELEMENTS, type CardSchemaProblem } from './card-schema.js';
export { FEISHU_REDELIVERY_SCHEDULE_MS, type DeliveryAttempt, type DeliveryResult } from './events.js';
export { parseMultipart } from './http.js';
export { FILE_UPLOAD_MAX_BYTES, type FakeFile } from './files.js';
export { FEISHU_LIMITS, type FakeFeishuLimits, type Fault } from './limits.js';
export type { FakeChat, FakeFeishuOptions, FakeMessage, FakeMessageUpdate, FakeRequestLog, FakeTenant, FakeUser } from './state.js';

export class FakeFeishu extends FakeState {
  static async start(opts: FakeFeishuOptions = {}): Promise<FakeFeishu> {
    const fake = new FakeFeishu(opts);
    await fake.listen();
    return fake;
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => void handleRequest(this, req, res));
    server.on('upgrade', (req, socket) => longconn.upgrade(this, req, socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.requestedPort, this.host, () => resolve());
    });
    this.server = server;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of this.wsConns) c.destroy();
    this.wsConns.clear();
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  // -------------------------------------------------------------------------------------------
  // Directory (the rest is in FakeState)

  /** The bot leaves a group silently (no event); later sends there get 230002. */
  removeBotFromChat(chatId: string): void {
    chats.removeBotFromChat(this, chatId);
  }

  // -------------------------------------------------------------------------------------------
  // Test controls and queries

  /** The next `count` matching requests (after the token check) get this error. */
  injectFault(fault: limits.Fault): void {
    limits.injectFault(this, fault);
  }

  /** Every matching request gets HTTP 500 for `ms` (a Feishu outage); default every admitted API. */
  serverErrorsFor(ms: number, api?: string | RegExp): void {
    limits.serverErrorsFor(this, ms, api);
  }

  /** A 429 storm lasting `ms`: every message send/reply gets HTTP 429 + 99991400 + x-ogw-ratelimit-reset. */
  rateLimitStormFor(ms: number, resetSeconds?: number, api?: string | RegExp): void {
    limits.rateLimitStormFor(this, ms, resetSeconds, api);
  }

  /** A "429 storm": the next `count` message sends/replies get HTTP 429 + 99991400 with a reset header. */
  rateLimitStorm(count: number, resetSeconds?: number, api?: string | RegExp): void {
    limits.rateLimitStorm(this, count, resetSeconds, api);
  }

  /** The next `count` matching requests get HTTP 500. */
  serverErrors(count: number, api?: string | RegExp): void {
    limits.serverErrors(this, count, api);
  }

  /** The next `count` matching requests (any API, the token call too) are read and never answered. */
  stallResponses(count: number, api?: string | RegExp): void {
    limits.stallResponses(this, count, api);
  }

  /** Ends every injected fault now (an outage is over); counters and the request log stay. */
  endFaults(): void {
    limits.endFaults(this);
  }

  /** Forgets injected faults, rate-limit counters and the request log (between test cases). */
  resetTraffic(): void {
    limits.resetTraffic(this);
  }

  /** Invalidates every issued tenant_access_token (next calls get 99991663); store app: or only one tenant's. */
  revokeTokens(tenantKey?: string): void {
    auth.revokeTokens(this, tenantKey);
  }

  /** Messages the bot sent (optionally only those landing in one chat or sent to one receive_id). */
  botMessages(filter: { chatId?: string; receiveId?: string; openId?: string; tenantKey?: string } = {}): FakeMessage[] {
    return messages.botMessages(this, filter);
  }

  /** Accepted requests for an API (e.g. 'im.message.create'), optionally only successful ones. */
  requestsFor(api: string, opts: { ok?: boolean } = {}): FakeRequestLog[] {
    return limits.requestsFor(this, api, opts);
  }

  /** The most requests of `api` that arrived within any window of `windowMs` (sliding). */
  maxInWindow(api: string | ((r: FakeRequestLog) => boolean), windowMs = 1_000): number {
    return limits.maxInWindow(this, api, windowMs);
  }

  // -------------------------------------------------------------------------------------------
  // Event side: what Feishu pushes to the bot

  /** A user sends a message (group: mentioning the bot by default; p2p when chatId is omitted). */
  deliverMessageEvent(opts: messages.UserMessageOptions): Promise<events.DeliveryResult & { messageId: string }> {
    return messages.deliverMessageEvent(this, opts);
  }

  /**
   * A user sends a file to the bot (p2p when chatId is omitted): it is stored as their upload and
   * im.message.receive_v1 with message_type "file" is pushed (files.ts, messages.ts).
   */
  sendUserFile(opts: { senderOpenId: string; chatId?: string; fileName: string; bytes: Buffer; parentId?: string; messageId?: string; push?: boolean }): Promise<events.DeliveryResult & { messageId: string; fileKey: string }> {
    const fileKey = files.storeUserFile(this, opts.senderOpenId, opts.fileName, opts.bytes);
    return messages
      .deliverMessageEvent(this, {
        senderOpenId: opts.senderOpenId,
        ...(opts.chatId ? { chatId: opts.chatId } : {}),
        messageType: 'file',
        file: { fileKey, fileName: opts.fileName },
        ...(opts.parentId ? { parentId: opts.parentId } : {}),
        ...(opts.messageId ? { messageId: opts.messageId } : {}),
        ...(opts.push === false ? { push: false } : {}),
      })
      .then((r) => ({ ...r, fileKey }));
  }

  /** A message is recalled (by its sender unless said otherwise): im.message.recalled_v1 is pushed (messages.ts). */
  recallMessage(messageId: string, opts: { recallType?: messages.RecallType; eventId?: string } = {}): Promise<events.DeliveryResult> {
    return messages.recallMessage(this, messageId, opts);
  }

  /** The bot is added to a group (the chat is created if unknown). */
  addBotToChat(chatId: string, operatorOpenId: string, chatName?: string): Promise<events.DeliveryResult> {
    return chats.addBotToChat(this, chatId, operatorOpenId, chatName);
  }

  /** Pushes the exact same event again (same event_id), as Feishu sometimes does. */
  redeliver(eventId: string, opts: { retry?: boolean } = {}): Promise<events.DeliveryResult> {
    return events.redeliver(this, eventId, opts);
  }

  /** Pushes an arbitrary (already built) envelope. */
  pushEvent(env: Record<string, unknown>, opts: { retry?: boolean } = {}): Promise<events.DeliveryResult> {
    return events.pushEvent(this, env, opts);
  }

  /** A user clicks a button (or submits a form) on a card the bot sent. */
  clickCard(opts: cards.CardClickOptions): Promise<cards.CardClickResult> {
    return cards.clickCard(this, opts);
  }

  /** Sends the url_verification challenge the console sends when the URL is saved. */
  sendChallenge(url = this.eventUrl, opts: { token?: string } = {}): Promise<{ status?: number; body?: unknown; challenge: string }> {
    return events.sendChallenge(this, url, opts);
  }

  /** Store app: pushes a new app_ticket to the event URL (see auth.ts). */
  pushAppTicket(opts: { retry?: boolean } = {}): Promise<events.DeliveryResult> {
    return auth.pushAppTicket(this, opts);
  }

  /** One POST to the bot, encrypted and signed when an encrypt key is set. */
  postToBot(url: string | undefined, payload: Record<string, unknown>, opts: { sign?: boolean } = {}): Promise<events.SendOutcome> {
    return events.postToBot(this, url, payload, opts);
  }

  // -------------------------------------------------------------------------------------------
  // Long connection

  /** Open long connections (the bot's WSClient). */
  get wsConnections(): number {
    return longconn.openConnections(this).length;
  }

  /** Ids of the open long connections (several bot instances may each hold one). */
  get wsConnectionIds(): string[] {
    return longconn.openConnections(this).map((c) => c.id);
  }

  /** Events and callbacks pushed so far over each open long connection, by connection id. */
  wsEventsByConnection(): Record<string, number> {
    return Object.fromEntries(longconn.openConnections(this).map((c) => [c.id, c.eventsSent]));
  }

  /** Existing long connections (or only the one with this id) stop answering (no pong, no events) but stay open. */
  silenceWs(id?: string): void {
    longconn.silenceWs(this, id);
  }

  /** Drops every long connection (or only the one with this id) abruptly. */
  dropWs(id?: string): void {
    longconn.dropWs(this, id);
  }
}
