// THE fake Feishu platform. One reusable class plays both sides of Feishu for tests and for the
// local sandbox (`npm start` without credentials):
//
//  - OpenAPI (what the bot calls), on http://127.0.0.1:<port>: tenant_access_token, bot info,
//    message create / reply / patch, delayed card update, image upload, chat members, user id
//    lookup — with bearer-token checks, uuid idempotency (1 h), the documented rate limits and
//    their exact error shapes (HTTP 429 + 99991400 + x-ogw-ratelimit-reset for the per-app API
//    limit; 230020 for > 5/s into one group or to one user), 230002 when the bot is not in the
//    group, 230013/230053/230034 for unreachable users, and injectable faults (429 storms, 500s).
//  - Events (what Feishu pushes): message, bot-added and card-click payloads built exactly like
//    Feishu's (schema 2.0 envelope, content as a JSON string with @_user_N placeholders and a
//    mentions array), POSTed to the bot's webhook signed and AES-encrypted, re-delivered on
//    Feishu's schedule (15 s, 5 min, 1 h, 6 h — compressible) when not acknowledged with 200
//    within 3 s; or pushed over the long connection (see fake-feishu-ws.ts).
//  - Store app (appType 'isv', 商店应用): app_ticket pushes (v1.0 event, signed and encrypted like the
//    others; on app_ticket/resend), app_access_token from the ticket, one tenant_access_token per
//    installed tenant_key; users and chats belong to one tenant, events carry it (header and
//    sender), and every OpenAPI call acts in — and is logged against — the tenant whose token it
//    carried: another tenant's chat, user or message is out of its reach. Default: a self-built
//    app with one tenant, exactly as before.
//
// Every delivered message is stored (recipient, msg_type, parsed content, uuid, update history) so
// tests can count deliveries; an EventEmitter reports messages, updates, requests and deliveries
// (the sandbox web chat page subscribes to it).
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { systemClock, type Clock } from '../clock.js';
import {
  botAddedEvent,
  cardActionEvent,
  encryptForBot,
  envelope,
  messageEvent,
  postContent,
  FEISHU_MESSAGE_CONTENT_LIMIT_BYTES,
  MessageTooLargeError,
  randomId,
  signatureHeaders,
  textContent,
  type FakeIdentity,
} from './fake-feishu-payloads.js';
import { FakeWsConnection, frameHeader, type WsFrame } from './fake-feishu-ws.js';

// ---------------------------------------------------------------------------------------------
// Types

export interface FakeUser extends FakeIdentity {
  mobile?: string;
  email?: string;
  /** resigned / out_of_scope → 230013 on send; blockedBot → 230053. */
  status?: 'active' | 'resigned' | 'out_of_scope';
  blockedBot?: boolean;
  /** Store app: the tenant the user belongs to (default the fake's tenantKey). */
  tenantKey?: string;
}

export interface FakeChat {
  chatId: string;
  name: string;
  memberOpenIds: string[];
  /** Default true. A message to a group without the bot fails with 230002. */
  botIsMember?: boolean;
  /** Store app: the tenant the group belongs to (default the fake's tenantKey). */
  tenantKey?: string;
}

/** Store app: a tenant that installed the app. */
export interface FakeTenant {
  tenantKey: string;
  /** The bot's open_id as this tenant sees it (bot/v3/info with its token); default the bot's. */
  botOpenId?: string;
}

export interface FakeFeishuLimits {
  /** Per API (create, reply, patch, card update, …): HTTP 429 + 99991400 beyond this. */
  appPerSecond: number;
  appPerMinute: number;
  /** Messages into one group per second (all bots): 230020 beyond this. */
  perChatPerSecond: number;
  /** Messages to one user per second: 230020 beyond this. */
  perUserPerSecond: number;
  /** PATCH of one message per second. */
  perMessageUpdatePerSecond: number;
}

export const FEISHU_LIMITS: FakeFeishuLimits = {
  appPerSecond: 50,
  appPerMinute: 1000,
  perChatPerSecond: 5,
  perUserPerSecond: 5,
  perMessageUpdatePerSecond: 5,
};

/** Feishu's re-delivery intervals after an unacknowledged event: 15 s, 5 min, 1 h, 6 h. */
export const FEISHU_REDELIVERY_SCHEDULE_MS = [15_000, 300_000, 3_600_000, 21_600_000];

export interface FakeFeishuOptions {
  host?: string;
  port?: number;
  appId?: string;
  appSecret?: string;
  /** null/'' = events are sent in plaintext without signature (the "no Encrypt Key" setup). */
  encryptKey?: string | null;
  verificationToken?: string;
  tenantKey?: string;
  /**
   * 'isv': act as the platform of a store app (商店应用) installed by several tenants (see the top
   * of this file). Default 'self_build': one tenant, tenant_access_token/internal.
   */
  appType?: 'self_build' | 'isv';
  /** Store app: the installed tenants (default tenantKey); users and chats name theirs with `tenantKey`. */
  tenants?: FakeTenant[];
  bot?: { openId?: string; name?: string };
  users?: FakeUser[];
  chats?: FakeChat[];
  /** The bot's event URL (webhook) and card callback URL (defaults to eventUrl). */
  eventUrl?: string;
  cardUrl?: string;
  /** How events reach the bot. Default 'webhook'. */
  eventTransport?: 'webhook' | 'ws';
  limits?: Partial<FakeFeishuLimits>;
  redeliveryScheduleMs?: number[];
  /** The bot must answer 200 within this (Feishu: 3 s). */
  ackTimeoutMs?: number;
  tokenExpireSeconds?: number;
  /** Long-connection client config handed out by /callback/ws/endpoint (seconds). */
  wsClientConfig?: { PingInterval?: number; ReconnectCount?: number; ReconnectInterval?: number; ReconnectNonce?: number };
  clock?: Clock;
}

export interface FakeMessageUpdate {
  at: Date;
  via: 'patch' | 'card_update' | 'callback';
  content: unknown;
}

export interface FakeMessage {
  messageId: string;
  chatId: string;
  chatType: 'p2p' | 'group';
  /** For p2p chats: the user on the other side of the bot. */
  peerOpenId?: string;
  sender: { type: 'bot' } | { type: 'user'; openId: string };
  /** As requested by the bot (create): receive_id_type / receive_id. */
  receiveIdType?: string;
  receiveId?: string;
  msgType: string;
  /** Parsed content (the latest version after updates). */
  content: unknown;
  /** The content as first sent (JSON string). */
  rawContent: string;
  uuid?: string;
  parentId?: string;
  rootId?: string;
  createdAt: Date;
  updates: FakeMessageUpdate[];
  /** Store app: the tenant the message belongs to (the bot's: the tenant whose token sent it). */
  tenantKey?: string;
}

export interface FakeRequestLog {
  /** performance.now() at arrival. */
  t: number;
  at: Date;
  method: string;
  path: string;
  api: string;
  status: number;
  code: number;
  /** The `uuid` sent with a message create/reply, if any. */
  uuid?: string;
  /** Store app: the tenant whose tenant_access_token the call carried. */
  tenantKey?: string;
}

export interface DeliveryAttempt {
  at: Date;
  status?: number;
  error?: string;
  ms: number;
}

export interface DeliveryResult {
  eventId: string;
  acked: boolean;
  attempts: DeliveryAttempt[];
  /** The bot's reply body to the acknowledged attempt. */
  response?: unknown;
}

export interface CardClickResult {
  eventId: string;
  cardToken: string;
  /** HTTP status (webhook) or 200 for an acked WS frame; undefined on timeout/network error. */
  status?: number;
  timedOut: boolean;
  /** The client-side error Feishu would show: 200341 timeout, 200671 non-200, 200672 bad body, 200830 schema change. */
  clientError?: number;
  toast?: { type: string; content: string };
  card?: unknown;
  response?: unknown;
}

export interface Fault {
  api?: string | RegExp;
  /** How many requests get it (Infinity with `forMs`: every request for a while). */
  count: number;
  /** Only for this long after injection (real time), e.g. a one-minute storm. */
  forMs?: number;
  status: number;
  code: number;
  msg?: string;
  headers?: Record<string, string>;
}

interface CardTokenState {
  token: string;
  messageId: string;
  expiresAt: number;
  usesLeft: number;
  answered: boolean;
}

interface ApiError {
  status: number;
  code: number;
  msg: string;
  headers?: Record<string, string>;
}

class ApiFailure extends Error {
  constructor(readonly e: ApiError) {
    super(e.msg);
  }
}

const fail = (status: number, code: number, msg: string, headers?: Record<string, string>): never => {
  throw new ApiFailure({ status, code, msg, ...(headers ? { headers } : {}) });
};

const HOUR = 3_600_000;

// ---------------------------------------------------------------------------------------------

export class FakeFeishu extends EventEmitter {
  readonly appId: string;
  readonly appSecret: string;
  readonly encryptKey: string | undefined;
  readonly verificationToken: string;
  readonly tenantKey: string;
  readonly appType: 'self_build' | 'isv';
  /** Store app: installed tenants → the bot's open_id there. */
  readonly tenants = new Map<string, { botOpenId: string }>();
  /** Store app: the latest app_ticket pushed (undefined before the first push). */
  appTicket: string | undefined;
  readonly bot: FakeIdentity;
  readonly users = new Map<string, FakeUser>();
  readonly chats = new Map<string, FakeChat>();
  readonly messages: FakeMessage[] = [];
  readonly requests: FakeRequestLog[] = [];
  readonly images = new Map<string, { bytes: Buffer; imageType: string }>();
  eventUrl: string | undefined;
  cardUrl: string | undefined;
  eventTransport: 'webhook' | 'ws';
  limits: FakeFeishuLimits;
  redeliveryScheduleMs: number[];
  ackTimeoutMs: number;
  tokenExpireSeconds: number;
  wsClientConfig: { PingInterval: number; ReconnectCount: number; ReconnectInterval: number; ReconnectNonce: number };
  readonly clock: Clock;

  private readonly host: string;
  private readonly requestedPort: number;
  private server: Server | undefined;
  private readonly tokens = new Map<string, number>();
  /** Store app: tenant_access_token → its tenant; app_access_token → expiry; the ticket before the latest. */
  private readonly tokenTenants = new Map<string, string>();
  private readonly appTokens = new Map<string, number>();
  private previousAppTicket: string | undefined;
  private readonly uuids = new Map<string, { messageId: string; at: number }>();
  private readonly faults: (Fault & { until?: number })[] = [];
  private readonly windows = new Map<string, number[]>();
  private readonly cardTokens = new Map<string, CardTokenState>();
  private readonly pushedEvents = new Map<string, Record<string, unknown>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly wsConns = new Set<FakeWsConnection>();
  private readonly wsPending = new Map<string, (frame: WsFrame) => void>();
  private closed = false;

  constructor(opts: FakeFeishuOptions = {}) {
    super();
    this.host = opts.host ?? '127.0.0.1';
    this.requestedPort = opts.port ?? 0;
    this.appId = opts.appId ?? 'cli_a1b2c3d4e5f60718';
    this.appSecret = opts.appSecret ?? 'fake-app-secret';
    this.encryptKey = opts.encryptKey === null || opts.encryptKey === '' ? undefined : (opts.encryptKey ?? 'fake-encrypt-key');
    this.verificationToken = opts.verificationToken ?? 'fake-verification-token';
    this.tenantKey = opts.tenantKey ?? 'tenant-fake';
    this.bot = { openId: opts.bot?.openId ?? 'ou_bot000000000000000000000000000', name: opts.bot?.name ?? '台账助手' };
    this.appType = opts.appType ?? 'self_build';
    if (this.appType === 'isv') for (const t of opts.tenants ?? [{ tenantKey: this.tenantKey }]) this.installTenant(t.tenantKey, t.botOpenId);
    for (const u of opts.users ?? []) this.addUser(u);
    for (const c of opts.chats ?? []) this.addChat(c);
    this.eventUrl = opts.eventUrl;
    this.cardUrl = opts.cardUrl;
    this.eventTransport = opts.eventTransport ?? 'webhook';
    this.limits = { ...FEISHU_LIMITS, ...opts.limits };
    this.redeliveryScheduleMs = opts.redeliveryScheduleMs ?? FEISHU_REDELIVERY_SCHEDULE_MS;
    this.ackTimeoutMs = opts.ackTimeoutMs ?? 3_000;
    this.tokenExpireSeconds = opts.tokenExpireSeconds ?? 7_200;
    this.wsClientConfig = { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 120, ReconnectNonce: 30, ...opts.wsClientConfig };
    this.clock = opts.clock ?? systemClock;
    this.setMaxListeners(100);
  }

  static async start(opts: FakeFeishuOptions = {}): Promise<FakeFeishu> {
    const fake = new FakeFeishu(opts);
    await fake.listen();
    return fake;
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => void this.route(req, res));
    server.on('upgrade', (req, socket) => this.upgrade(req, socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.requestedPort, this.host, () => resolve());
    });
    this.server = server;
  }

  /** Base URL for FEISHU_DOMAIN, e.g. http://127.0.0.1:41234 */
  get url(): string {
    const addr = this.server?.address() as AddressInfo | null;
    if (!addr) throw new Error('fake Feishu is not listening');
    return `http://${this.host}:${addr.port}`;
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
  // Directory

  addUser(u: FakeUser): FakeUser {
    const user = { status: 'active' as const, ...u };
    this.users.set(u.openId, user);
    if (this.appType === 'isv' && u.tenantKey && !this.tenants.has(u.tenantKey)) this.installTenant(u.tenantKey);
    return user;
  }

  addChat(c: FakeChat): FakeChat {
    const chat = { botIsMember: true, ...c, memberOpenIds: [...c.memberOpenIds] };
    this.chats.set(c.chatId, chat);
    if (this.appType === 'isv' && c.tenantKey && !this.tenants.has(c.tenantKey)) this.installTenant(c.tenantKey);
    return chat;
  }

  /** Store app: a tenant installs the app (its tokens can then be issued). */
  installTenant(tenantKey: string, botOpenId?: string): void {
    this.tenants.set(tenantKey, { botOpenId: botOpenId ?? this.bot.openId });
  }

  /** The tenant a user belongs to. */
  tenantOfUser(openId: string): string {
    return this.users.get(openId)?.tenantKey ?? this.tenantKey;
  }

  /** The tenant a chat belongs to (a p2p chat: its user's). */
  tenantOfChat(chatId: string): string {
    const chat = this.chats.get(chatId);
    if (chat) return chat.tenantKey ?? this.tenantKey;
    const user = [...this.users.values()].find((u) => this.p2pChatId(u.openId) === chatId);
    return user?.tenantKey ?? this.tenantKey;
  }

  /** The p2p chat between the bot and a user (deterministic id). */
  p2pChatId(openId: string): string {
    return `oc_p2p_${createHash('sha256').update(`${this.appId}:${openId}`).digest('hex').slice(0, 24)}`;
  }

  removeBotFromChat(chatId: string): void {
    const chat = this.requireChat(chatId);
    chat.botIsMember = false;
  }

  // -------------------------------------------------------------------------------------------
  // Test controls and queries

  /** The next `count` matching requests (after the token check) get this error. */
  injectFault(fault: Fault): void {
    this.faults.push({ ...fault, ...(fault.forMs !== undefined ? { until: performance.now() + fault.forMs } : {}) });
  }

  /** Every matching request gets HTTP 500 for `ms` (a Feishu outage); default every admitted API. */
  serverErrorsFor(ms: number, api?: string | RegExp): void {
    this.injectFault({ ...(api ? { api } : {}), count: Infinity, forMs: ms, status: 500, code: 1, msg: 'internal error' });
  }

  /** A 429 storm lasting `ms`: every message send/reply gets HTTP 429 + 99991400 + x-ogw-ratelimit-reset. */
  rateLimitStormFor(ms: number, resetSeconds = 1, api: string | RegExp = /^im\.message\.(create|reply)$/): void {
    this.injectFault({
      api,
      count: Infinity,
      forMs: ms,
      status: 429,
      code: 99991400,
      msg: 'request trigger frequency limit',
      headers: { 'x-ogw-ratelimit-limit': String(this.limits.appPerSecond), 'x-ogw-ratelimit-reset': String(resetSeconds) },
    });
  }

  /** A "429 storm": the next `count` message sends/replies get HTTP 429 + 99991400 with a reset header. */
  rateLimitStorm(count: number, resetSeconds = 1, api: string | RegExp = /^im\.message\.(create|reply)$/): void {
    this.injectFault({
      api,
      count,
      status: 429,
      code: 99991400,
      msg: 'request trigger frequency limit',
      headers: { 'x-ogw-ratelimit-limit': String(this.limits.appPerSecond), 'x-ogw-ratelimit-reset': String(resetSeconds) },
    });
  }

  /** The next `count` matching requests get HTTP 500. */
  serverErrors(count: number, api?: string | RegExp): void {
    this.injectFault({ ...(api ? { api } : {}), count, status: 500, code: 1, msg: 'internal error' });
  }

  /** Ends every injected fault now (an outage is over); counters and the request log stay. */
  endFaults(): void {
    this.faults.length = 0;
  }

  /** Forgets injected faults, rate-limit counters and the request log (between test cases). */
  resetTraffic(): void {
    this.faults.length = 0;
    this.windows.clear();
    this.requests.length = 0;
  }

  /** Invalidates every issued tenant_access_token (next calls get 99991663); store app: or only one tenant's. */
  revokeTokens(tenantKey?: string): void {
    if (tenantKey === undefined) {
      this.tokens.clear();
      this.tokenTenants.clear();
      return;
    }
    for (const [token, tenant] of this.tokenTenants) {
      if (tenant !== tenantKey) continue;
      this.tokens.delete(token);
      this.tokenTenants.delete(token);
    }
  }

  /** Messages the bot sent (optionally only those landing in one chat or sent to one receive_id). */
  botMessages(filter: { chatId?: string; receiveId?: string; openId?: string; tenantKey?: string } = {}): FakeMessage[] {
    return this.messages.filter(
      (m) =>
        m.sender.type === 'bot' &&
        (filter.chatId === undefined || m.chatId === filter.chatId) &&
        (filter.receiveId === undefined || m.receiveId === filter.receiveId) &&
        (filter.openId === undefined || m.peerOpenId === filter.openId) &&
        (filter.tenantKey === undefined || m.tenantKey === filter.tenantKey),
    );
  }

  getMessage(messageId: string): FakeMessage | undefined {
    return this.messages.find((m) => m.messageId === messageId);
  }

  /** Accepted requests for an API (e.g. 'im.message.create'), optionally only successful ones. */
  requestsFor(api: string, opts: { ok?: boolean } = {}): FakeRequestLog[] {
    return this.requests.filter((r) => r.api === api && (opts.ok === undefined || (r.code === 0) === opts.ok));
  }

  /** The most requests of `api` that arrived within any window of `windowMs` (sliding). */
  maxInWindow(api: string | ((r: FakeRequestLog) => boolean), windowMs = 1_000): number {
    const ts = this.requests.filter((r) => (typeof api === 'string' ? r.api === api : api(r))).map((r) => r.t);
    let max = 0;
    let start = 0;
    for (let end = 0; end < ts.length; end++) {
      while (ts[end]! - ts[start]! >= windowMs) start++;
      max = Math.max(max, end - start + 1);
    }
    return max;
  }

  // -------------------------------------------------------------------------------------------
  // Event side: what Feishu pushes to the bot

  /** A user sends a message (group: mentioning the bot by default; p2p when chatId is omitted). */
  async deliverMessageEvent(opts: {
    senderOpenId: string;
    chatId?: string;
    text?: string;
    mentionBot?: boolean;
    /** Other users to @, by open_id. */
    mentionOpenIds?: string[];
    messageType?: 'text' | 'post';
    postTitle?: string;
    eventId?: string;
    messageId?: string;
    parentId?: string;
    /** false: only record the user's message in the chat, do not push the event. */
    push?: boolean;
  }): Promise<DeliveryResult & { messageId: string }> {
    const sender = this.requireUser(opts.senderOpenId);
    const chat = opts.chatId ? this.requireChat(opts.chatId) : undefined;
    const chatType = chat ? 'group' : 'p2p';
    const chatId = chat?.chatId ?? this.p2pChatId(sender.openId);
    // Store app: the event goes to the installation of the chat's tenant, the sender carries theirs.
    const isv = this.appType === 'isv';
    const tenantKey = isv ? (chat ? (chat.tenantKey ?? this.tenantKey) : this.tenantOfUser(sender.openId)) : this.tenantKey;
    const mentioned: FakeIdentity[] = [];
    if (opts.mentionBot ?? chatType === 'group') mentioned.push(isv ? { ...this.bot, openId: this.tenants.get(tenantKey)?.botOpenId ?? this.bot.openId } : this.bot);
    for (const id of opts.mentionOpenIds ?? []) mentioned.push(this.requireUser(id));
    const mentions = mentioned.map((who, n) => ({ key: `@_user_${n + 1}`, who }));
    const keys = mentions.map((m) => m.key);
    const text = opts.text ?? '';
    const messageType = opts.messageType ?? 'text';
    const content =
      messageType === 'text'
        ? textContent(text, keys)
        : postContent(opts.postTitle ?? '', text.split('\n'), keys, mentioned.map((m) => m.name));
    const contentBytes = Buffer.byteLength(content);
    if (contentBytes > FEISHU_MESSAGE_CONTENT_LIMIT_BYTES) throw new MessageTooLargeError(contentBytes);
    const now = this.clock.now();
    const messageId = opts.messageId ?? randomId('om_', 16);
    const parent = opts.parentId ? this.getMessage(opts.parentId) : undefined;
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
    if (!this.getMessage(messageId)) {
      this.messages.push(stored);
      this.emit('message', stored);
    }
    const env = envelope(
      this.header(opts.eventId ?? randomId('', 16), 'im.message.receive_v1', now, tenantKey),
      messageEvent({
        messageId,
        chatId,
        chatType,
        sender,
        tenantKey: isv ? this.tenantOfUser(sender.openId) : this.tenantKey,
        createTimeMs: now.getTime(),
        messageType,
        content,
        mentions,
        parentId: opts.parentId,
        rootId: stored.rootId,
      }),
    );
    if (opts.push === false) return { eventId: this.headerEventId(env), acked: false, attempts: [], messageId };
    const result = await this.pushEvent(env);
    return { ...result, messageId };
  }

  /** The bot is added to a group (the chat is created if unknown). */
  async addBotToChat(chatId: string, operatorOpenId: string, chatName?: string): Promise<DeliveryResult> {
    const operator = this.requireUser(operatorOpenId);
    let chat = this.chats.get(chatId);
    const isv = this.appType === 'isv';
    if (!chat) {
      chat = this.addChat({ chatId, name: chatName ?? chatId, memberOpenIds: [operatorOpenId], ...(isv ? { tenantKey: this.tenantOfUser(operatorOpenId) } : {}) });
    }
    chat.botIsMember = true;
    const tenantKey = isv ? this.tenantOfChat(chatId) : this.tenantKey;
    const env = envelope(
      this.header(randomId('', 16), 'im.chat.member.bot.added_v1', this.clock.now(), tenantKey),
      botAddedEvent({ chatId, chatName: chat.name, operator, tenantKey }),
    );
    return this.pushEvent(env);
  }

  private headerEventId(env: Record<string, unknown>): string {
    return (env['header'] as { event_id: string }).event_id;
  }

  /** Pushes the exact same event again (same event_id), as Feishu sometimes does. */
  async redeliver(eventId: string, opts: { retry?: boolean } = {}): Promise<DeliveryResult> {
    const env = this.pushedEvents.get(eventId);
    if (!env) throw new Error(`unknown event ${eventId}`);
    return this.pushEvent(env, opts);
  }

  /** Pushes an arbitrary (already built) envelope. */
  async pushEvent(env: Record<string, unknown>, opts: { retry?: boolean } = {}): Promise<DeliveryResult> {
    const eventId = (env['header'] as { event_id: string }).event_id;
    this.pushedEvents.set(eventId, env);
    const result: DeliveryResult = { eventId, acked: false, attempts: [] };
    const schedule = opts.retry === false ? [] : this.redeliveryScheduleMs;
    for (let attempt = 0; attempt <= schedule.length; attempt++) {
      if (attempt > 0) await this.sleep(schedule[attempt - 1]!);
      if (this.closed) break;
      const outcome =
        this.eventTransport === 'ws' ? await this.sendOverWs(env) : await this.postToBot(this.eventUrl, env);
      result.attempts.push(outcome.attempt);
      this.emit('delivery', { eventId, ...outcome.attempt });
      if (outcome.attempt.status === 200) {
        result.acked = true;
        result.response = outcome.body;
        break;
      }
    }
    return result;
  }

  /** A user clicks a button (or submits a form) on a card the bot sent. */
  async clickCard(opts: {
    messageId: string;
    operatorOpenId: string;
    value?: unknown;
    formValue?: Record<string, unknown>;
    tag?: string;
    name?: string;
    extra?: Record<string, unknown>;
    eventId?: string;
  }): Promise<CardClickResult> {
    const msg = this.getMessage(opts.messageId);
    if (!msg || msg.sender.type !== 'bot' || msg.msgType !== 'interactive') throw new Error(`${opts.messageId} 不是机器人发送的卡片`);
    const operator = this.requireUser(opts.operatorOpenId);
    const now = this.clock.now();
    const cardToken = `c-${randomBytes(20).toString('hex')}`;
    const tokenState: CardTokenState = { token: cardToken, messageId: msg.messageId, expiresAt: now.getTime() + 30 * 60_000, usesLeft: 2, answered: false };
    this.cardTokens.set(cardToken, tokenState);
    const isv = this.appType === 'isv';
    const header = this.header(opts.eventId ?? randomId('', 16), 'card.action.trigger', now, isv ? (msg.tenantKey ?? this.tenantKey) : this.tenantKey);
    header.createTime = String(now.getTime() * 1000); // the callback page shows µs
    const env = envelope(
      header,
      cardActionEvent({
        operator,
        tenantKey: isv ? this.tenantOfUser(operator.openId) : this.tenantKey,
        cardToken,
        messageId: msg.messageId,
        chatId: msg.chatId,
        value: opts.value,
        formValue: opts.formValue,
        tag: opts.tag,
        name: opts.name,
        extra: opts.extra,
      }),
    );
    this.pushedEvents.set(header.eventId, env);
    const outcome =
      this.eventTransport === 'ws' ? await this.sendOverWs(env) : await this.postToBot(this.cardUrl ?? this.eventUrl, env);
    tokenState.answered = true;
    const result: CardClickResult = { eventId: header.eventId, cardToken, timedOut: outcome.attempt.error === 'timeout' };
    if (outcome.attempt.status !== undefined) result.status = outcome.attempt.status;
    if (result.timedOut) {
      result.clientError = 200341;
      return result;
    }
    if (outcome.attempt.status !== 200) {
      result.clientError = 200671;
      return result;
    }
    const body = outcome.body;
    result.response = body;
    if (body === undefined || typeof body !== 'object' || body === null) {
      result.clientError = 200672;
      return result;
    }
    const b = body as { toast?: { type: string; content: string }; card?: { type?: string; data?: unknown } };
    if (b.toast) result.toast = b.toast;
    if (b.card) {
      if (b.card.type !== 'raw' && b.card.type !== 'template') {
        result.clientError = 200672;
        return result;
      }
      const newCard = b.card.type === 'raw' ? b.card.data : b.card;
      const problem = b.card.type === 'raw' ? cardProblem(newCard) ?? schemaChangeProblem(msg.content, newCard) : undefined;
      if (problem) {
        result.clientError = problem.code === 200830 ? 200830 : 200673;
        return result;
      }
      result.card = newCard;
      this.applyUpdate(msg, 'callback', newCard);
    }
    return result;
  }

  /** Sends the url_verification challenge the console sends when the URL is saved. */
  async sendChallenge(url = this.eventUrl, opts: { token?: string } = {}): Promise<{ status?: number; body?: unknown; challenge: string }> {
    const challenge = randomBytes(12).toString('hex');
    const plain = { challenge, token: opts.token ?? this.verificationToken, type: 'url_verification' };
    const outcome = await this.postToBot(url, plain, { sign: false });
    return { ...(outcome.attempt.status !== undefined ? { status: outcome.attempt.status } : {}), body: outcome.body, challenge };
  }

  // -------------------------------------------------------------------------------------------
  // Pushing to the bot

  private header(eventId: string, eventType: string, now: Date, tenantKey = this.tenantKey) {
    return { eventId, eventType, token: this.verificationToken, appId: this.appId, tenantKey, createTime: String(now.getTime()) };
  }

  /**
   * Store app: Feishu pushes a new app_ticket (hourly, and after app_ticket/resend) to the event
   * URL — a v1.0 event, encrypted and signed like the others, re-pushed on the schedule until
   * acknowledged. The previous ticket stays valid for app_access_token.
   */
  async pushAppTicket(opts: { retry?: boolean } = {}): Promise<DeliveryResult> {
    if (this.appType !== 'isv') throw new Error('fake Feishu: app_ticket is pushed to store apps only');
    this.previousAppTicket = this.appTicket;
    this.appTicket = `fake-ticket-${randomBytes(12).toString('hex')}`;
    const uuid = randomId('', 16);
    const payload = {
      ts: (this.clock.now().getTime() / 1000).toFixed(7),
      uuid,
      token: this.verificationToken,
      type: 'event_callback',
      event: { app_id: this.appId, app_ticket: this.appTicket, type: 'app_ticket' },
    };
    const result: DeliveryResult = { eventId: uuid, acked: false, attempts: [] };
    const schedule = opts.retry === false ? [] : this.redeliveryScheduleMs;
    for (let attempt = 0; attempt <= schedule.length; attempt++) {
      if (attempt > 0) await this.sleep(schedule[attempt - 1]!);
      if (this.closed) break;
      const outcome = await this.postToBot(this.eventUrl, payload);
      result.attempts.push(outcome.attempt);
      this.emit('delivery', { eventId: uuid, ...outcome.attempt });
      if (outcome.attempt.status === 200) {
        result.acked = true;
        result.response = outcome.body;
        break;
      }
    }
    this.emit('app-ticket', result);
    return result;
  }

  /** One POST to the bot, encrypted and signed when an encrypt key is set. */
  async postToBot(
    url: string | undefined,
    payload: Record<string, unknown>,
    opts: { sign?: boolean } = {},
  ): Promise<{ attempt: DeliveryAttempt; body?: unknown }> {
    const at = this.clock.now();
    const started = performance.now();
    if (!url) return { attempt: { at, error: 'no url configured', ms: 0 } };
    const raw = this.encryptKey ? JSON.stringify({ encrypt: encryptForBot(this.encryptKey, JSON.stringify(payload)) }) : JSON.stringify(payload);
    const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8', 'User-Agent': 'Go-http-client/1.1 (fake-feishu)' };
    if (this.encryptKey && opts.sign !== false) {
      Object.assign(headers, signatureHeaders(this.encryptKey, raw, Math.floor(this.clock.now().getTime() / 1000)));
    }
    try {
      const res = await fetch(url, { method: 'POST', headers, body: raw, signal: AbortSignal.timeout(this.ackTimeoutMs) });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* keep text */
      }
      return { attempt: { at, status: res.status, ms: Math.round(performance.now() - started) }, body };
    } catch (err) {
      const timeout = (err as { name?: string }).name === 'TimeoutError' || (err as { name?: string }).name === 'AbortError';
      return { attempt: { at, error: timeout ? 'timeout' : String((err as Error).message), ms: Math.round(performance.now() - started) } };
    }
  }

  // -------------------------------------------------------------------------------------------
  // Long connection

  /** Open long connections (the bot's WSClient). */
  get wsConnections(): number {
    return [...this.wsConns].filter((c) => !c.closed).length;
  }

  /** Ids of the open long connections (several bot instances may each hold one). */
  get wsConnectionIds(): string[] {
    return [...this.wsConns].filter((c) => !c.closed).map((c) => c.id);
  }

  /** Events and callbacks pushed so far over each open long connection, by connection id. */
  wsEventsByConnection(): Record<string, number> {
    return Object.fromEntries([...this.wsConns].filter((c) => !c.closed).map((c) => [c.id, c.eventsSent]));
  }

  /** Existing long connections (or only the one with this id) stop answering (no pong, no events) but stay open. */
  silenceWs(id?: string): void {
    for (const c of this.wsConns) if (id === undefined || c.id === id) c.silenced = true;
  }

  /** Drops every long connection (or only the one with this id) abruptly. */
  dropWs(id?: string): void {
    for (const c of [...this.wsConns]) if (id === undefined || c.id === id) c.destroy();
  }

  private upgrade(req: IncomingMessage, socket: Duplex): void {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/ws' || url.searchParams.get('app_id') !== this.appId) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const conn = FakeWsConnection.accept(
      req,
      socket,
      (c, frame) => this.onWsFrame(c, frame),
      (c) => this.wsConns.delete(c),
    );
    if (conn) {
      this.wsConns.add(conn);
      this.emit('ws-connect', conn.id);
    }
  }

  private onWsFrame(conn: FakeWsConnection, frame: WsFrame): void {
    const type = frameHeader(frame, 'type');
    if (frame.method === 0 && type === 'ping') {
      conn.sendFrame({
        SeqID: 0,
        LogID: 0,
        service: frame.service,
        method: 0,
        headers: [{ key: 'type', value: 'pong' }],
        payload: Buffer.from(JSON.stringify(this.wsClientConfig)),
      });
      return;
    }
    if (frame.method === 1) {
      const id = frameHeader(frame, 'message_id');
      if (id) this.wsPending.get(id)?.(frame);
    }
  }

  private async sendOverWs(env: Record<string, unknown>): Promise<{ attempt: DeliveryAttempt; body?: unknown }> {
    const at = this.clock.now();
    const started = performance.now();
    // Cluster mode: one random client of the app gets the event (no broadcast), whichever bot
    // instance holds it. A silenced connection looks alive to us too (that is the point), so it
    // may be picked and the event then times out; a connection that closes before acking fails
    // the attempt at once. Either way the event is re-pushed on the schedule, to a random
    // connection again.
    const all = [...this.wsConns].filter((c) => !c.closed);
    const conn = all[Math.floor(Math.random() * all.length)];
    if (!conn) return { attempt: { at, error: 'no long connection', ms: 0 } };
    const messageId = randomId('', 8);
    const reply = new Promise<WsFrame | 'closed' | undefined>((resolve) => {
      const onClosed = () => {
        clearTimeout(t);
        this.wsPending.delete(messageId);
        resolve('closed');
      };
      const t = setTimeout(() => {
        conn.closeWaiters.delete(onClosed);
        this.wsPending.delete(messageId);
        resolve(undefined);
      }, this.ackTimeoutMs);
      conn.closeWaiters.add(onClosed);
      this.wsPending.set(messageId, (frame) => {
        clearTimeout(t);
        conn.closeWaiters.delete(onClosed);
        this.wsPending.delete(messageId);
        resolve(frame);
      });
    });
    conn.eventsSent += 1;
    conn.sendFrame({
      SeqID: 0,
      LogID: 0,
      service: 1,
      method: 1,
      headers: [
        { key: 'type', value: 'event' },
        { key: 'message_id', value: messageId },
        { key: 'sum', value: '1' },
        { key: 'seq', value: '0' },
        { key: 'trace_id', value: randomId('', 8) },
      ],
      payload: Buffer.from(JSON.stringify(env)),
    });
    const frame = await reply;
    const ms = Math.round(performance.now() - started);
    if (frame === 'closed') return { attempt: { at, error: 'connection closed', ms } };
    if (!frame) return { attempt: { at, error: 'timeout', ms } };
    try {
      const resp = JSON.parse(Buffer.from(frame.payload ?? []).toString('utf8')) as { code?: number; data?: string };
      const body = resp.data ? (JSON.parse(Buffer.from(resp.data, 'base64').toString('utf8')) as unknown) : {};
      return { attempt: { at, status: resp.code ?? 500, ms }, body };
    } catch {
      return { attempt: { at, status: 500, ms } };
    }
  }

  // -------------------------------------------------------------------------------------------
  // OpenAPI

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t = performance.now();
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    let api = 'unknown';
    let status = 200;
    let payload: Record<string, unknown> = {};
    let headers: Record<string, string> = {};
    let uuid: string | undefined;
    let tenant: string | undefined;
    const isv = this.appType === 'isv';
    try {
      const body = await readBody(req);
      if (method === 'POST' && path.startsWith('/open-apis/im/v1/messages')) {
        const u = (safeJson(body) as { uuid?: unknown } | undefined)?.uuid;
        if (typeof u === 'string' && u) uuid = u;
      }
      const m = (re: RegExp) => re.exec(path);
      let match: RegExpExecArray | null;
      if (method === 'POST' && path === '/open-apis/auth/v3/tenant_access_token/internal') {
        api = 'auth.tenant_access_token';
        payload = isv
          ? { code: 10003, msg: 'fake Feishu: a store app gets tenant_access_token from /open-apis/auth/v3/tenant_access_token' }
          : this.issueToken(parseJson(body));
      } else if (isv && method === 'POST' && path === '/open-apis/auth/v3/app_ticket/resend') {
        api = 'auth.app_ticket.resend';
        payload = this.resendAppTicket(parseJson(body));
      } else if (isv && method === 'POST' && path === '/open-apis/auth/v3/app_access_token') {
        api = 'auth.app_access_token';
        payload = this.issueAppAccessToken(parseJson(body));
      } else if (isv && method === 'POST' && path === '/open-apis/auth/v3/tenant_access_token') {
        api = 'auth.tenant_access_token.isv';
        payload = this.issueIsvTenantToken(parseJson(body));
      } else if (method === 'POST' && path === '/callback/ws/endpoint') {
        api = 'ws.endpoint';
        payload = this.wsEndpoint(parseJson(body));
      } else if (method === 'GET' && (match = m(/^\/fake\/images\/([\w-]+)$/))) {
        api = 'fake.image';
        const img = this.images.get(match[1]!);
        res.writeHead(img ? 200 : 404, { 'Content-Type': 'application/octet-stream' });
        res.end(img?.bytes ?? '');
        return;
      } else {
        tenant = this.authenticate(req);
        if (method === 'GET' && path === '/open-apis/bot/v3/info') {
          api = 'bot.info';
          this.admit(api);
          const openId = isv ? (this.tenants.get(tenant)?.botOpenId ?? this.bot.openId) : this.bot.openId;
          payload = { code: 0, msg: 'ok', bot: { activate_status: 2, app_name: this.bot.name, avatar_url: '', ip_white_list: [], open_id: openId } };
        } else if (method === 'POST' && path === '/open-apis/im/v1/messages') {
          api = 'im.message.create';
          this.admit(api);
          payload = this.createMessage(url.searchParams.get('receive_id_type'), parseJson(body), tenant);
        } else if (method === 'POST' && (match = m(/^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/))) {
          api = 'im.message.reply';
          this.admit(api);
          payload = this.replyMessage(decodeURIComponent(match[1]!), parseJson(body), tenant);
        } else if (method === 'PATCH' && (match = m(/^\/open-apis\/im\/v1\/messages\/([^/]+)$/))) {
          api = 'im.message.patch';
          this.admit(api);
          payload = this.patchMessage(decodeURIComponent(match[1]!), parseJson(body), tenant);
        } else if (method === 'POST' && path === '/open-apis/interactive/v1/card/update') {
          api = 'card.update';
          this.admit(api);
          payload = this.cardUpdate(parseJson(body), tenant);
        } else if (method === 'POST' && path === '/open-apis/im/v1/images') {
          api = 'im.image.create';
          this.admit(api);
          payload = this.uploadImage(req.headers['content-type'] ?? '', body);
        } else if (method === 'GET' && (match = m(/^\/open-apis\/im\/v1\/chats\/([^/]+)\/members$/))) {
          api = 'im.chat_members.get';
          this.admit(api);
          payload = this.chatMembers(decodeURIComponent(match[1]!), url.searchParams, tenant);
        } else if (method === 'POST' && path === '/open-apis/contact/v3/users/batch_get_id') {
          api = 'contact.user.batch_get_id';
          this.admit(api);
          payload = this.batchGetId(url.searchParams.get('user_id_type') ?? 'open_id', parseJson(body), tenant);
        } else {
          fail(404, 404, `fake Feishu: ${method} ${path} is not implemented`);
        }
      }
    } catch (err) {
      const e: ApiError = err instanceof ApiFailure ? err.e : { status: 500, code: 1, msg: `fake Feishu error: ${(err as Error).message}` };
      status = e.status;
      payload = { code: e.code, msg: e.msg };
      headers = e.headers ?? {};
    }
    const code = typeof payload['code'] === 'number' ? payload['code'] : 0;
    const entry: FakeRequestLog = { t, at: this.clock.now(), method, path, api, status, code, ...(uuid ? { uuid } : {}), ...(isv && tenant ? { tenantKey: tenant } : {}) };
    this.requests.push(entry);
    if (this.requests.length > 50_000) this.requests.splice(0, 10_000);
    this.emit('request', entry);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(payload));
  }

  private issueToken(body: Record<string, unknown>): Record<string, unknown> {
    if (body['app_id'] !== this.appId || body['app_secret'] !== this.appSecret) {
      return { code: 10014, msg: 'app secret invalid' };
    }
    const { token, expire } = this.currentOrNewToken(this.tokens, 't-', this.clock.now().getTime());
    return { code: 0, msg: 'ok', tenant_access_token: token, expire };
  }

  /** Feishu's rule: the same token while ≥ 30 min remain; below that a new one (the old stays valid). */
  private currentOrNewToken(store: Map<string, number>, prefix: string, now: number, fits: (token: string) => boolean = () => true): { token: string; expire: number } {
    for (const [token, exp] of store) {
      if (fits(token) && exp - now >= 30 * 60_000) return { token, expire: Math.floor((exp - now) / 1000) };
    }
    const token = `${prefix}${randomBytes(16).toString('hex')}`;
    store.set(token, now + this.tokenExpireSeconds * 1000);
    return { token, expire: this.tokenExpireSeconds };
  }

  /** Store app: app_ticket/resend answers at once and pushes a new ticket to the event URL shortly after. */
  private resendAppTicket(body: Record<string, unknown>): Record<string, unknown> {
    if (body['app_id'] !== this.appId || body['app_secret'] !== this.appSecret) return { code: 10014, msg: 'app secret invalid' };
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.pushAppTicket();
    }, 10);
    this.timers.add(t);
    return { code: 0, msg: 'ok' };
  }

  /** Store app: app_access_token for app_id + app_secret + a current app_ticket (codes other than 0 are not from the docs). */
  private issueAppAccessToken(body: Record<string, unknown>): Record<string, unknown> {
    if (body['app_id'] !== this.appId || body['app_secret'] !== this.appSecret) return { code: 10014, msg: 'app secret invalid' };
    const ticket = body['app_ticket'];
    if (typeof ticket !== 'string' || !ticket || (ticket !== this.appTicket && ticket !== this.previousAppTicket)) {
      return { code: 10012, msg: 'fake Feishu: app_ticket invalid' };
    }
    const { token, expire } = this.currentOrNewToken(this.appTokens, 'a-', this.clock.now().getTime());
    return { code: 0, msg: 'ok', app_access_token: token, expire };
  }

  /** Store app: one tenant_access_token per installed tenant, bought with an app_access_token. */
  private issueIsvTenantToken(body: Record<string, unknown>): Record<string, unknown> {
    const now = this.clock.now().getTime();
    const appToken = body['app_access_token'];
    const appExp = typeof appToken === 'string' ? this.appTokens.get(appToken) : undefined;
    if (appExp === undefined || appExp <= now) return { code: 10014, msg: 'fake Feishu: app_access_token invalid' };
    const tenantKey = body['tenant_key'];
    if (typeof tenantKey !== 'string' || !this.tenants.has(tenantKey)) return { code: 10013, msg: 'fake Feishu: the tenant has not installed the app' };
    const { token, expire } = this.currentOrNewToken(this.tokens, 't-', now, (t) => this.tokenTenants.get(t) === tenantKey);
    this.tokenTenants.set(token, tenantKey);
    return { code: 0, msg: 'ok', tenant_access_token: token, expire };
  }

  private wsEndpoint(body: Record<string, unknown>): Record<string, unknown> {
    if (body['AppID'] !== this.appId || body['AppSecret'] !== this.appSecret) return { code: 403, msg: 'forbidden', data: {} };
    const deviceId = randomBytes(6).toString('hex');
    const url = `${this.url.replace(/^http/, 'ws')}/ws?app_id=${this.appId}&device_id=${deviceId}&service_id=1`;
    return { code: 0, msg: 'ok', data: { URL: url, ClientConfig: this.wsClientConfig } };
  }

  /** Checks the bearer token; returns the tenant the call acts in (store app: the token's). */
  private authenticate(req: IncomingMessage): string {
    const auth = req.headers['authorization'];
    if (typeof auth !== 'string' || !auth.startsWith('Bearer ')) {
      fail(400, 99991661, 'Missing access token for authorization. Please make a request with token attached.');
    }
    const token = (auth as string).slice('Bearer '.length).trim();
    const exp = this.tokens.get(token);
    if (exp === undefined || exp <= this.clock.now().getTime()) {
      fail(400, 99991663, 'Invalid access token for authorization. Please make a request with token attached.');
    }
    return this.tokenTenants.get(token) ?? this.tenantKey;
  }

  /** Store app: a resource of another tenant is out of reach of this tenant's token. */
  private foreign(resourceTenant: string, tenant: string | undefined): boolean {
    return this.appType === 'isv' && tenant !== undefined && resourceTenant !== tenant;
  }

  /** Per-app, per-API limits and injected faults. */
  private admit(api: string): void {
    const t = performance.now();
    for (let i = this.faults.length - 1; i >= 0; i--) if (this.faults[i]!.until !== undefined && this.faults[i]!.until! <= t) this.faults.splice(i, 1);
    const idx = this.faults.findIndex((f) => f.count > 0 && matches(f.api, api));
    if (idx >= 0) {
      const f = this.faults[idx]!;
      f.count -= 1;
      if (f.count <= 0) this.faults.splice(idx, 1);
      fail(f.status, f.code, f.msg ?? 'injected fault', f.headers);
    }
    const now = performance.now();
    for (const [suffix, limit, windowMs] of [
      ['s', this.limits.appPerSecond, 1_000],
      ['m', this.limits.appPerMinute, 60_000],
    ] as const) {
      const reset = this.windowReset(`app:${api}:${suffix}`, limit, windowMs, now);
      if (reset !== undefined) {
        fail(429, 99991400, 'request trigger frequency limit', {
          'x-ogw-ratelimit-limit': String(limit),
          'x-ogw-ratelimit-reset': String(Math.max(1, Math.ceil(reset / 1000))),
        });
      }
    }
    this.hit(`app:${api}:s`, now);
    this.hit(`app:${api}:m`, now);
  }

  /** undefined if a request fits the window now; else ms until it would. */
  private windowReset(key: string, limit: number, windowMs: number, now: number): number | undefined {
    const log = this.windows.get(key) ?? [];
    while (log.length && log[0]! <= now - windowMs) log.shift();
    this.windows.set(key, log);
    if (log.length < limit) return undefined;
    return log[log.length - limit]! + windowMs - now;
  }

  private hit(key: string, now: number): void {
    const log = this.windows.get(key) ?? [];
    log.push(now);
    this.windows.set(key, log);
  }

  /** 5/s into one group or to one user (230020). */
  private recipientLimit(chatId: string, chatType: 'p2p' | 'group', peer?: string): void {
    const now = performance.now();
    const key = chatType === 'group' ? `chat:${chatId}` : `user:${peer ?? chatId}`;
    const limit = chatType === 'group' ? this.limits.perChatPerSecond : this.limits.perUserPerSecond;
    if (this.windowReset(key, limit, 1_000, now) !== undefined) fail(400, 230020, 'This operation triggers the frequency limit.');
    this.hit(key, now);
  }

  private checkContent(msgType: string, content: unknown): unknown {
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
        if (typeof obj['image_key'] !== 'string' || !this.images.has(obj['image_key'] as string)) {
          fail(400, 230001, 'invalid image_key');
        }
        break;
      case 'interactive': {
        const problem = cardProblem(parsed);
        if (problem) fail(400, problem.code, problem.msg);
        break;
      }
      case 'file':
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

  private resolveRecipient(type: string, id: string, tenant?: string): { chatId: string; chatType: 'p2p' | 'group'; peer?: string } {
    if (type === 'chat_id') {
      const chat = this.chats.get(id);
      if (!chat) fail(400, 230034, 'The receive_id is invalid: chat not found.');
      if (!chat!.botIsMember || this.foreign(chat!.tenantKey ?? this.tenantKey, tenant)) fail(400, 230002, 'The bot can not be outside the group.');
      return { chatId: id, chatType: 'group' };
    }
    const user = [...this.users.values()].find((u) =>
      type === 'open_id' ? u.openId === id : type === 'user_id' ? u.userId === id : type === 'union_id' ? u.unionId === id : type === 'email' ? u.email === id : false,
    );
    if (!user) fail(400, 230034, 'The receive_id is invalid.');
    if (user!.status === 'resigned' || user!.status === 'out_of_scope' || this.foreign(user!.tenantKey ?? this.tenantKey, tenant)) {
      fail(400, 230013, "Bot has NO availability to this user.");
    }
    if (user!.blockedBot) fail(400, 230053, 'The user has stopped the bot from sending messages.');
    return { chatId: this.p2pChatId(user!.openId), chatType: 'p2p', peer: user!.openId };
  }

  private messageData(m: FakeMessage): Record<string, unknown> {
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
      sender: { id: this.appId, id_type: 'app_id', sender_type: 'app', tenant_key: m.tenantKey ?? this.tenantKey },
      body: { content: m.rawContent },
    };
  }

  private dedupeUuid(uuid: unknown): Record<string, unknown> | undefined {
    if (typeof uuid !== 'string' || !uuid) return undefined;
    if (uuid.length > 50) fail(400, 99992402, 'field validation failed: uuid is longer than 50 characters');
    const seen = this.uuids.get(uuid);
    if (!seen || this.clock.now().getTime() - seen.at > HOUR) return undefined;
    const m = this.getMessage(seen.messageId);
    this.emit('uuid-dedupe', { uuid, messageId: seen.messageId });
    return m ? { code: 0, msg: 'success', data: this.messageData(m) } : undefined;
  }

  private storeBotMessage(m: Omit<FakeMessage, 'sender' | 'createdAt' | 'updates' | 'messageId'>): FakeMessage {
    const msg: FakeMessage = { ...m, messageId: randomId('om_', 16), sender: { type: 'bot' }, createdAt: this.clock.now(), updates: [] };
    this.messages.push(msg);
    if (m.uuid) this.uuids.set(m.uuid, { messageId: msg.messageId, at: msg.createdAt.getTime() });
    this.emit('message', msg);
    return msg;
  }

  private createMessage(receiveIdType: string | null, body: Record<string, unknown>, tenant?: string): Record<string, unknown> {
    if (!receiveIdType || !['open_id', 'user_id', 'union_id', 'email', 'chat_id'].includes(receiveIdType)) {
      fail(400, 99992402, 'field validation failed: receive_id_type');
    }
    const receiveId = body['receive_id'];
    const msgType = body['msg_type'];
    if (typeof receiveId !== 'string' || !receiveId || typeof msgType !== 'string') {
      fail(400, 99992402, 'field validation failed: receive_id and msg_type are required');
    }
    const content = this.checkContent(msgType as string, body['content']);
    const dup = this.dedupeUuid(body['uuid']);
    if (dup) return dup;
    const target = this.resolveRecipient(receiveIdType!, receiveId as string, tenant);
    this.recipientLimit(target.chatId, target.chatType, target.peer);
    const msg = this.storeBotMessage({
      ...(this.appType === 'isv' && tenant ? { tenantKey: tenant } : {}),
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
    return { code: 0, msg: 'success', data: this.messageData(msg) };
  }

  private replyMessage(parentId: string, body: Record<string, unknown>, tenant?: string): Record<string, unknown> {
    const msgType = body['msg_type'];
    if (typeof msgType !== 'string') fail(400, 99992402, 'field validation failed: msg_type is required');
    const parent = this.getMessage(parentId);
    if (!parent || this.foreign(parent.tenantKey ?? this.tenantKey, tenant)) fail(400, 230001, 'Your request contains an invalid request parameter: message not found.');
    const content = this.checkContent(msgType as string, body['content']);
    const dup = this.dedupeUuid(body['uuid']);
    if (dup) return dup;
    if (parent!.chatType === 'group') {
      const chat = this.chats.get(parent!.chatId);
      if (!chat?.botIsMember) fail(400, 230002, 'The bot can not be outside the group.');
    } else if (parent!.peerOpenId) {
      this.resolveRecipient('open_id', parent!.peerOpenId, tenant);
    }
    this.recipientLimit(parent!.chatId, parent!.chatType, parent!.peerOpenId);
    const msg = this.storeBotMessage({
      ...(this.appType === 'isv' && tenant ? { tenantKey: tenant } : {}),
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
    return { code: 0, msg: 'success', data: this.messageData(msg) };
  }

  private patchMessage(messageId: string, body: Record<string, unknown>, tenant?: string): Record<string, unknown> {
    const msg = this.getMessage(messageId);
    if (!msg || this.foreign(msg.tenantKey ?? this.tenantKey, tenant)) fail(400, 230001, 'Your request contains an invalid request parameter: message not found.');
    if (msg!.sender.type !== 'bot') fail(400, 230027, 'Lack of necessary permissions.');
    if (msg!.msgType !== 'interactive') fail(400, 230001, 'Only card messages can be updated.');
    if (this.clock.now().getTime() - msg!.createdAt.getTime() > 14 * 24 * HOUR) {
      fail(400, 230031, 'Message can only be modified within 14 days after sending.');
    }
    const next = this.checkContent('interactive', body['content']);
    if (!isShared(msg!.content) || !isShared(next)) {
      fail(400, 230001, 'The card must declare config.update_multi=true before and after the update.');
    }
    const schema = schemaChangeProblem(msg!.content, next);
    if (schema) fail(400, 230099, schema.msg);
    const now = performance.now();
    if (this.windowReset(`patch:${messageId}`, this.limits.perMessageUpdatePerSecond, 1_000, now) !== undefined) {
      fail(400, 230020, 'This operation triggers the frequency limit.');
    }
    this.hit(`patch:${messageId}`, now);
    this.applyUpdate(msg!, 'patch', next);
    return { code: 0, msg: 'success', data: {} };
  }

  private cardUpdate(body: Record<string, unknown>, tenant?: string): Record<string, unknown> {
    const token = body['token'];
    const state = typeof token === 'string' ? this.cardTokens.get(token) : undefined;
    if (!state || this.foreign(this.getMessage(state.messageId)?.tenantKey ?? this.tenantKey, tenant)) fail(400, 230001, 'invalid card token');
    if (state!.expiresAt <= this.clock.now().getTime()) fail(400, 230001, 'card token expired (valid for 30 minutes)');
    if (state!.usesLeft <= 0) fail(400, 230001, 'card token used up (2 updates per token)');
    if (!state!.answered) fail(400, 230001, 'delayed update before the callback was answered');
    const card = body['card'];
    const problem = cardProblem(card);
    if (problem) fail(400, problem.code, problem.msg);
    const msg = this.getMessage(state!.messageId)!;
    const schema = schemaChangeProblem(msg.content, card);
    if (schema) fail(400, 230099, schema.msg);
    state!.usesLeft -= 1;
    this.applyUpdate(msg, 'card_update', card);
    return { code: 0, msg: 'success', data: {} };
  }

  private applyUpdate(msg: FakeMessage, via: FakeMessageUpdate['via'], content: unknown): void {
    const update = { at: this.clock.now(), via, content };
    msg.updates.push(update);
    msg.content = content;
    this.emit('update', msg, update);
  }

  private uploadImage(contentType: string, body: Buffer): Record<string, unknown> {
    const parts = parseMultipart(contentType, body);
    if (!parts) fail(400, 234001, 'Invalid request param: multipart/form-data expected.');
    const imageType = parts!.find((p) => p.name === 'image_type')?.data.toString('utf8');
    const image = parts!.find((p) => p.name === 'image');
    if (!imageType || !['message', 'avatar'].includes(imageType)) fail(400, 234001, 'Invalid request param: image_type.');
    if (!image || image.data.length === 0) fail(400, 234001, 'Invalid request param: image is empty.');
    if (image!.data.length > 10 * 1024 * 1024) fail(400, 234006, 'The image size exceeds the limit (10 MB).');
    const key = `img_v3_${randomBytes(12).toString('hex')}`;
    this.images.set(key, { bytes: image!.data, imageType: imageType! });
    return { code: 0, msg: 'success', data: { image_key: key } };
  }

  private chatMembers(chatId: string, q: URLSearchParams, tenant?: string): Record<string, unknown> {
    const chat = this.chats.get(chatId);
    if (!chat || this.foreign(chat.tenantKey ?? this.tenantKey, tenant)) fail(400, 232001, 'Your request contains an invalid request parameter: chat not found.');
    if (!chat!.botIsMember) fail(400, 232011, 'Operator can NOT be out of the chat.');
    const idType = q.get('member_id_type') ?? 'open_id';
    const pageSize = Math.min(100, Math.max(1, Number(q.get('page_size') ?? 20) || 20));
    const start = Number(q.get('page_token') ?? 0) || 0;
    const members = chat!.memberOpenIds.map((id) => this.users.get(id)).filter((u): u is FakeUser => Boolean(u));
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
          tenant_key: u.tenantKey ?? this.tenantKey,
        })),
        page_token: next < members.length ? String(next) : '',
        has_more: next < members.length,
        member_total: members.length,
      },
    };
  }

  private batchGetId(idType: string, body: Record<string, unknown>, tenant?: string): Record<string, unknown> {
    const emails = Array.isArray(body['emails']) ? (body['emails'] as unknown[]).map(String) : [];
    const mobiles = Array.isArray(body['mobiles']) ? (body['mobiles'] as unknown[]).map(String) : [];
    if (emails.length > 50 || mobiles.length > 50) fail(400, 99992402, 'field validation failed: at most 50 emails and 50 mobiles');
    const includeResigned = body['include_resigned'] === true;
    const idOf = (u: FakeUser) => (idType === 'user_id' ? u.userId : idType === 'union_id' ? u.unionId : u.openId);
    const status = (u: FakeUser) => ({ is_frozen: false, is_resigned: u.status === 'resigned', is_activated: u.status !== 'resigned', is_exited: false, is_unjoin: false });
    const visible = (u: FakeUser | undefined) => u && (includeResigned || u.status !== 'resigned');
    // Store app: a tenant's token finds that tenant's people only.
    const users = [...this.users.values()].filter((u) => !this.foreign(u.tenantKey ?? this.tenantKey, tenant));
    const normMobile = (m: string) => m.replace(/^\+86/, '').replace(/\D/g, '');
    const list = [
      ...emails.map((email) => {
        const u = users.find((x) => x.email?.toLowerCase() === email.toLowerCase());
        return visible(u) ? { user_id: idOf(u!), email, status: status(u!) } : { email };
      }),
      ...mobiles.map((mobile) => {
        const u = users.find((x) => x.mobile && normMobile(x.mobile) === normMobile(mobile));
        return visible(u) ? { user_id: idOf(u!), mobile, status: status(u!) } : { mobile };
      }),
    ];
    return { code: 0, msg: 'success', data: { user_list: list } };
  }

  // -------------------------------------------------------------------------------------------

  private requireUser(openId: string): FakeUser {
    const u = this.users.get(openId);
    if (!u) throw new Error(`fake Feishu: unknown user ${openId}`);
    return u;
  }

  private requireChat(chatId: string): FakeChat {
    const c = this.chats.get(chatId);
    if (!c) throw new Error(`fake Feishu: unknown chat ${chatId}`);
    return c;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

function matches(pattern: string | RegExp | undefined, api: string): boolean {
  if (pattern === undefined) return true;
  return typeof pattern === 'string' ? pattern === api : pattern.test(api);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function parseJson(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const v: unknown = JSON.parse(body.toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return fail(400, 99992402, 'request body is not valid JSON');
  }
}

/** Why a card JSON would be rejected (230099), or undefined. */
export function cardProblem(card: unknown): { code: number; msg: string } | undefined {
  if (!card || typeof card !== 'object' || Array.isArray(card)) return { code: 230099, msg: 'Failed to create card content: card must be a JSON object.' };
  const c = card as Record<string, unknown>;
  if (c['type'] === 'template') {
    const data = c['data'] as Record<string, unknown> | undefined;
    return typeof data?.['template_id'] === 'string' ? undefined : { code: 230099, msg: 'Failed to create card content: template_id missing.' };
  }
  if (c['schema'] === '2.0') {
    const body = c['body'] as Record<string, unknown> | undefined;
    if (!body || !Array.isArray(body['elements'])) return { code: 230099, msg: 'Failed to create card content: body.elements missing (card JSON 2.0).' };
    if ((body['elements'] as unknown[]).length > 200) return { code: 230099, msg: 'Failed to create card content: more than 200 elements.' };
    const config = c['config'] as Record<string, unknown> | undefined;
    if (config && config['update_multi'] === false) return { code: 230099, msg: 'Failed to create card content: update_multi must be true in card JSON 2.0.' };
    return undefined;
  }
  if (Array.isArray(c['elements']) || (c['i18n_elements'] && typeof c['i18n_elements'] === 'object')) return undefined;
  return { code: 230099, msg: 'Failed to create card content: elements missing.' };
}

/** A 2.0 card cannot be replaced by a 1.0 card (200830). */
function schemaChangeProblem(before: unknown, after: unknown): { code: number; msg: string } | undefined {
  const v = (c: unknown) => ((c as Record<string, unknown> | null)?.['schema'] === '2.0' ? 2 : 1);
  if (after && typeof after === 'object' && (after as Record<string, unknown>)['type'] === 'template') return undefined;
  return v(before) === 2 && v(after) !== 2 ? { code: 200830, msg: 'A card JSON 2.0 cannot be updated to card JSON 1.0.' } : undefined;
}

/** Shared card: config.update_multi true (JSON 2.0 cards always are). */
function isShared(card: unknown): boolean {
  const c = card as Record<string, unknown> | null;
  if (!c) return false;
  if (c['schema'] === '2.0') return (c['config'] as Record<string, unknown> | undefined)?.['update_multi'] !== false;
  return (c['config'] as Record<string, unknown> | undefined)?.['update_multi'] === true;
}

interface MultipartPart {
  name: string;
  filename?: string;
  data: Buffer;
}

export function parseMultipart(contentType: string, body: Buffer): MultipartPart[] | undefined {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!/^multipart\/form-data/i.test(contentType) || !m) return undefined;
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(boundary);
  while (pos >= 0) {
    const start = pos + boundary.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(boundary, start);
    if (next < 0) break;
    const part = body.subarray(start + 2, next - 2); // skip CRLF after boundary and before next
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const head = part.subarray(0, headerEnd).toString('utf8');
      const name = /name="([^"]*)"/i.exec(head)?.[1];
      const filename = /filename="([^"]*)"/i.exec(head)?.[1];
      if (name !== undefined) parts.push({ name, ...(filename !== undefined ? { filename } : {}), data: Buffer.from(part.subarray(headerEnd + 4)) });
    }
    pos = next;
  }
  return parts;
}
