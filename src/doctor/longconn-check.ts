// `taizhang doctor`, long connection: actually opens one with the SDK's WSClient (endpoint, then the
// WebSocket handshake) and closes it again, within a timeout. Feishu gives each event to ONE random
// connection of the app (cluster mode) and re-pushes it when the handler fails
// (https://open.feishu.cn/document/server-docs/event-subscription-guide/event-subscription-configure-/request-url-configuration-case),
// so this short-lived connection refuses anything it is given: the SDK acks a throwing handler with
// code 500 and the event goes to the running bot instead of being lost here.
import * as lark from '@larksuiteoapi/node-sdk';
import type { Config } from '../config.js';
import { quietSdkLogger, redactSecrets, resolveDomain } from '../feishu/client.js';
import type { Check } from './report.js';

/** The SDK's WSClient.start refuses app ids not of this form (ws-client/index.ts). */
const SDK_APP_ID = /^cli_[0-9a-fA-F]{16}$/;

const FIX_NETWORK = '确认服务器能访问飞书开放平台（出站 HTTPS 和 WSS），并在开发者后台 → 事件与回调 → 订阅方式选「使用长连接接收事件」';

/** Opens and closes one long connection; ✓ when the handshake succeeded within `timeoutMs`. */
export async function longConnectionCheck(config: Pick<Config, 'feishu'>, timeoutMs = 10_000): Promise<Check> {
  const { appId, appSecret } = config.feishu;
  if (!appId || !appSecret) return { ok: false, label: '事件接收：未配置应用凭证，无法建立长连接', fix: '设置 FEISHU_APP_ID、FEISHU_APP_SECRET' };
  if (!SDK_APP_ID.test(appId)) {
    return { ok: false, label: `事件接收：App ID「${appId}」不是 cli_ 加 16 位十六进制，飞书 SDK 不会建立长连接`, fix: '从开发者后台 → 凭证与基础信息 复制 App ID 到 FEISHU_APP_ID' };
  }
  const started = Date.now();
  let client: lark.WSClient | undefined;
  const outcome = await new Promise<{ ok: true } | { ok: false; why: string }>((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, why: `${Math.round(timeoutMs / 1000)} 秒内未连上` }), timeoutMs);
    const done = (r: { ok: true } | { ok: false; why: string }) => {
      clearTimeout(timer);
      resolve(r);
    };
    client = new lark.WSClient({
      appId,
      appSecret,
      domain: resolveDomain(config.feishu.domain),
      logger: quietSdkLogger(),
      loggerLevel: lark.LoggerLevel.error,
      autoReconnect: false,
      handshakeTimeoutMs: Math.min(timeoutMs, 15_000),
      onReady: () => done({ ok: true }),
      onError: (err) => done({ ok: false, why: err.message }),
    });
    // Any event pushed to this connection is refused (→ code 500, re-pushed to another connection).
    const refuseAll = { invoke: async () => Promise.reject(new Error('taizhang doctor: 自检连接不处理事件')) } as unknown as lark.EventDispatcher;
    void Promise.resolve(client.start({ eventDispatcher: refuseAll })).catch((err: Error) => done({ ok: false, why: err.message }));
  });
  client?.close({ force: true });
  if (outcome.ok) return { ok: true, label: `事件接收：长连接已建立并关闭（${Date.now() - started} 毫秒）` };
  return { ok: false, label: `事件接收：长连接无法建立（${redactSecrets(outcome.why)}）`, fix: FIX_NETWORK };
}
