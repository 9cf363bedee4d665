// The shared in-memory state of the fake Feishu platform: the app's configuration, the directory
// (users, chats, tenants), stored messages and the request log — plus the internal bookkeeping
// of the API areas (tokens, uuids, rate-limit windows, card tokens, long connections). Every area
// module (auth.ts, messages.ts, cards.ts, …) is a set of functions over this one object; the
// FakeFeishu class (index.ts) extends it, so tests and the sandbox read the same fields.
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../../clock.js';
import type { CardTokenState } from './cards.js';
import type { FakeFile } from './files.js';
import { FEISHU_REDELIVERY_SCHEDULE_MS } from './events.js';
import { FEISHU_LIMITS, type Fault, type FakeFeishuLimits } from './limits.js';
import type { FakeIdentity } from './payloads.js';
import type { FakeWsConnection, WsFrame } from './ws-frames.js';

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
   * 'isv': act as the platform of a store app (商店应用) installed by several tenants (see
   * index.ts). Default 'self_build': one tenant, tenant_access_token/internal.
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
  /** When the message was recalled (撤回): replies to it and updates of it fail with 230011. */
  recalledAt?: Date;
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

// ---------------------------------------------------------------------------------------------

export class FakeState extends EventEmitter {
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
  /** Uploaded files (by the bot, im/v1/files) and files users sent, by file_key (files.ts). */
  readonly files = new Map<string, FakeFile>();
  eventUrl: string | undefined;
  cardUrl: string | undefined;
  eventTransport: 'webhook' | 'ws';
  limits: FakeFeishuLimits;
  redeliveryScheduleMs: number[];
  ackTimeoutMs: number;
  tokenExpireSeconds: number;
  wsClientConfig: { PingInterval: number; ReconnectCount: number; ReconnectInterval: number; ReconnectNonce: number };
  readonly clock: Clock;

  // --- Internal bookkeeping of the area modules (not for tests; use the query methods). ---
  /** @internal */ readonly host: string;
  /** @internal */ readonly requestedPort: number;
  /** @internal */ server: Server | undefined;
  /** @internal tenant_access_token → expiry (ms). */
  readonly tokens = new Map<string, number>();
  /** @internal Store app: tenant_access_token → its tenant. */
  readonly tokenTenants = new Map<string, string>();
  /** @internal Store app: app_access_token → expiry (ms). */
  readonly appTokens = new Map<string, number>();
  /** @internal Store app: the ticket before the latest (still valid for app_access_token). */
  previousAppTicket: string | undefined;
  /** @internal message uuid → the message it created, for the 1-hour dedupe. */
  readonly uuids = new Map<string, { messageId: string; at: number }>();
  /** @internal */ readonly faults: (Fault & { until?: number })[] = [];
  /** @internal Sliding rate-limit windows: key → arrival times (performance.now()). */
  readonly windows = new Map<string, number[]>();
  /** @internal */ readonly cardTokens = new Map<string, CardTokenState>();
  /** @internal event_id → the envelope pushed, for redeliver(). */
  readonly pushedEvents = new Map<string, Record<string, unknown>>();
  /** @internal */ readonly timers = new Set<NodeJS.Timeout>();
  /** @internal */ readonly wsConns = new Set<FakeWsConnection>();
  /** @internal WS message_id → the waiter for its ack frame. */
  readonly wsPending = new Map<string, (frame: WsFrame) => void>();
  /** @internal */ closed = false;

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

  /** Base URL for FEISHU_DOMAIN, e.g. http://127.0.0.1:41234 */
  get url(): string {
    const addr = this.server?.address() as AddressInfo | null | undefined;
    if (!addr) throw new Error('fake Feishu is not listening');
    return `http://${this.host}:${addr.port}`;
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

  /** The p2p chat between the bot and a user (deterministic id; the fake's own convention). */
  p2pChatId(openId: string): string {
    return `oc_p2p_${createHash('sha256').update(`${this.appId}:${openId}`).digest('hex').slice(0, 24)}`;
  }

  /** Store app: a resource of another tenant is out of reach of this tenant's token. */
  foreign(resourceTenant: string, tenant: string | undefined): boolean {
    return this.appType === 'isv' && tenant !== undefined && resourceTenant !== tenant;
  }

  requireUser(openId: string): FakeUser {
    const u = this.users.get(openId);
    if (!u) throw new Error(`fake Feishu: unknown user ${openId}`);
    return u;
  }

  requireChat(chatId: string): FakeChat {
    const c = this.chats.get(chatId);
    if (!c) throw new Error(`fake Feishu: unknown chat ${chatId}`);
    return c;
  }

  // -------------------------------------------------------------------------------------------
  // Messages

  getMessage(messageId: string): FakeMessage | undefined {
    return this.messages.find((m) => m.messageId === messageId);
  }

  /** Records a new version of a message (patch, delayed card update, callback answer) and reports it. */
  applyUpdate(msg: FakeMessage, via: FakeMessageUpdate['via'], content: unknown): void {
    const update = { at: this.clock.now(), via, content };
    msg.updates.push(update);
    msg.content = content;
    this.emit('update', msg, update);
  }

  // -------------------------------------------------------------------------------------------

  /** A real-time wait that close() cancels. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }
}
