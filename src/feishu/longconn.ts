// Long-connection transport: the SDK's WSClient (no public URL needed) feeding the SAME
// EventDispatcher as the webhook (src/feishu/dispatch.ts), plus a watchdog for the classic
// failure of Feishu bots: a connection that is silently dead (no error, no frames).
//
// Liveness, two layers:
//   1. the SDK's own pong watchdog (`wsConfig.pingTimeout`): after each ping, no inbound frame
//      within pingTimeoutSec → the SDK terminates the socket and reconnects;
//   2. ours, every checkIntervalMs, from getConnectionStatus() and the frames we observe:
//      state 'failed' → rebuild the client; stuck connecting/reconnecting for stuckAfterMs →
//      rebuild; 'connected' but no inbound frame (pong or event) for silentAfterMs → rebuild.
// Inbound frames are observed through the SDK logger's trace lines ('receive pong', 'receive
// message') and through our own handlers; the silence rule only applies once a pong has been
// observed on the current client, so an SDK that logs differently never causes restarts.
import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import { quietSdkLogger, resolveDomain } from './client.js';
import { EventRouter, createEventDispatcher, type EventRouterOptions } from './dispatch.js';

export interface WatchdogOptions {
  /** How often the watchdog looks (default 15 s, or silentAfterMs/4 when that is shorter). */
  checkIntervalMs?: number;
  /** Connected but no inbound frame for this long → rebuild (default 5 min; Feishu pings every 2 min). */
  silentAfterMs?: number;
  /** Connecting/reconnecting/idle for this long → rebuild (default 10 min). */
  stuckAfterMs?: number;
  /**
   * The SDK's pong timeout after each ping, seconds (default 30; 0 disables). The SDK re-arms it on
   * every ping, so it only fires when shorter than the server's ping interval (Feishu: 120 s) —
   * the watchdog's silence rule covers the other case.
   */
  pingTimeoutSec?: number;
}

/** The event path's options (EventRouterOptions) plus what the long connection itself needs. */
export interface LongConnectionOptions extends EventRouterOptions {
  config: Pick<Config, 'feishu'>;
  /** An SDK EventDispatcher to use instead of one built on the router (tests); normally absent. */
  dispatcher?: lark.EventDispatcher;
  watchdog?: WatchdogOptions;
  /** WebSocket handshake timeout (default 15 s). */
  handshakeTimeoutMs?: number;
}

export interface LongConnectionStatus {
  state: 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'stopped';
  restarts: number;
  lastInboundAt?: Date;
  connectedAt?: Date;
}

export interface LongConnection {
  status(): LongConnectionStatus;
  /** Tear down and rebuild the WSClient now. */
  restart(reason: string): void;
  stop(): void;
  /** Resolves when the (current) client reports it is connected. */
  ready(timeoutMs?: number): Promise<void>;
}

export function startLongConnection(opts: LongConnectionOptions): LongConnection {
  const { config, logger } = opts;
  const clock = opts.clock ?? systemClock;
  const { appId, appSecret } = config.feishu;
  if (!appId || !appSecret) throw new Error('长连接模式需要配置 FEISHU_APP_ID 和 FEISHU_APP_SECRET');
  if (!/^cli_[0-9a-fA-F]{16}$/.test(appId)) {
    // WSClient.start() silently returns for such ids; say it loudly instead.
    throw new Error(`FEISHU_APP_ID 格式不正确（应为 cli_ 加 16 位十六进制）：${appId}`);
  }
  const silentAfterMs = opts.watchdog?.silentAfterMs ?? 5 * 60_000;
  const wd = {
    // A silence shorter than the look interval would go unnoticed for a whole interval.
    checkIntervalMs: opts.watchdog?.checkIntervalMs ?? Math.max(100, Math.min(15_000, Math.floor(silentAfterMs / 4))),
    silentAfterMs,
    stuckAfterMs: opts.watchdog?.stuckAfterMs ?? 10 * 60_000,
    pingTimeoutSec: opts.watchdog?.pingTimeoutSec ?? 30,
  };

  let lastInbound = 0;
  let pongSeen = false;
  let connectedAt: number | undefined;
  let notConnectedSince: number | undefined = clock.now().getTime();
  let restarts = 0;
  let stopped = false;
  const readyWaiters = new Set<() => void>();
  const markInbound = () => {
    lastInbound = clock.now().getTime();
  };

  const router = new EventRouter({ ...opts, logger, clock });
  const dispatcher = opts.dispatcher ?? createEventDispatcher(router, logger);

  const sdkLog = quietSdkLogger(logger);
  const wsLogger: lark.Logger = {
    ...sdkLog,
    debug: (...msg: unknown[]) => {
      if (msg.flat(2).some((m) => typeof m === 'string' && m.startsWith('receive message'))) markInbound();
    },
    trace: (...msg: unknown[]) => {
      if (msg.flat(2).some((m) => m === 'receive pong')) {
        pongSeen = true;
        markInbound();
      }
    },
  };

  const onConnected = () => {
    connectedAt = clock.now().getTime();
    notConnectedSince = undefined;
    markInbound();
    for (const resolve of readyWaiters) resolve();
    readyWaiters.clear();
  };

  const create = (): lark.WSClient =>
    new lark.WSClient({
      appId,
      appSecret,
      domain: resolveDomain(config.feishu.domain),
      logger: wsLogger,
      loggerLevel: lark.LoggerLevel.trace,
      autoReconnect: true,
      handshakeTimeoutMs: opts.handshakeTimeoutMs ?? 15_000,
      ...(wd.pingTimeoutSec > 0 ? { wsConfig: { pingTimeout: wd.pingTimeoutSec } } : {}),
      onReady: () => {
        logger.info('飞书长连接已建立');
        onConnected();
      },
      onReconnected: () => {
        logger.info('飞书长连接已重连');
        onConnected();
      },
      onReconnecting: () => {
        logger.warn('飞书长连接断开，SDK 正在重连');
        connectedAt = undefined;
        notConnectedSince ??= clock.now().getTime();
      },
      onError: (err: Error) => logger.error({ err: err.message }, '飞书长连接出错'),
    });

  let client = create();
  void client.start({ eventDispatcher: dispatcher });

  const restart = (reason: string) => {
    if (stopped) return;
    restarts += 1;
    logger.warn({ reason, restarts }, '重建飞书长连接');
    try {
      client.close({ force: true });
    } catch {
      /* best effort */
    }
    pongSeen = false;
    connectedAt = undefined;
    notConnectedSince = clock.now().getTime();
    client = create();
    void client.start({ eventDispatcher: dispatcher });
  };

  const timer = setInterval(() => {
    if (stopped) return;
    const now = clock.now().getTime();
    const { state } = client.getConnectionStatus();
    if (state === 'failed') return restart('SDK 报告连接失败');
    if (state !== 'connected') {
      notConnectedSince ??= now;
      if (now - notConnectedSince > wd.stuckAfterMs) restart(`连接状态 ${state} 持续超过 ${wd.stuckAfterMs} ms`);
      return;
    }
    notConnectedSince = undefined;
    if (pongSeen && now - lastInbound > wd.silentAfterMs) restart(`已连接但 ${wd.silentAfterMs} ms 内没有收到任何数据帧`);
  }, wd.checkIntervalMs);
  timer.unref?.();

  return {
    status() {
      const state = stopped ? 'stopped' : client.getConnectionStatus().state;
      return {
        state,
        restarts,
        ...(lastInbound ? { lastInboundAt: new Date(lastInbound) } : {}),
        ...(connectedAt ? { connectedAt: new Date(connectedAt) } : {}),
      };
    },
    restart,
    stop() {
      stopped = true;
      clearInterval(timer);
      client.close({ force: true });
    },
    ready(timeoutMs = 15_000) {
      if (client.getConnectionStatus().state === 'connected') return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => {
          readyWaiters.delete(done);
          reject(new Error(`飞书长连接在 ${timeoutMs} ms 内未建立`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(t);
          resolve();
        };
        readyWaiters.add(done);
      });
    },
  };
}
