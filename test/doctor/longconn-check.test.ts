// taizhang doctor's long-connection check really connects: against the sandbox fake (which speaks
// the SDK's WebSocket protocol) the handshake succeeds and the connection is closed again; an
// endpoint that hands out a dead URL, or refuses the app, is ✗ with the reason, within the timeout.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeFeishu } from '../../src/sandbox/fake-feishu.js';
import { longConnectionCheck } from '../../src/doctor/longconn-check.js';
import { waitFor } from '../feishu/helpers.js';

const APP_ID = 'cli_a1b2c3d4e5f60718';
const cfg = (domain: string, appId = APP_ID, appSecret = 'secret') => ({ feishu: { appId, appSecret, domain, hasCredentials: true } }) as unknown as Parameters<typeof longConnectionCheck>[0];

describe('doctor: long connection', () => {
  let fake: FakeFeishu;
  let dead: http.Server;
  let deadUrl: string;
  beforeAll(async () => {
    fake = await FakeFeishu.start({ appId: APP_ID });
    // An endpoint that answers like Feishu's but hands out a WebSocket URL nobody listens on.
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    dead = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ code: 0, msg: 'ok', data: { URL: `ws://127.0.0.1:${closedPort}/ws`, ClientConfig: { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 120, ReconnectNonce: 30 } } }));
    });
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await fake?.close();
    await new Promise<void>((r) => dead.close(() => r()));
  });

  it('✓ on the sandbox: the WebSocket is opened, then closed again', async () => {
    const check = await longConnectionCheck(cfg(fake.url, fake.appId, fake.appSecret));
    expect(check.ok).toBe(true);
    expect(check.label).toMatch(/^事件接收：长连接已建立并关闭（\d+ 毫秒）$/);
    // The SDK asked for the endpoint once; onReady (the ✓) fires only after the WebSocket handshake.
    expect(fake.requestsFor('ws.endpoint', { ok: true })).toHaveLength(1);
    // Closed again: nothing left for Feishu to push events to.
    await waitFor(() => fake.wsConnections === 0, 5_000);
  });

  it('✗ with the reason when the app is refused or the connection cannot be made, within the timeout', async () => {
    const wrong = await longConnectionCheck(cfg(fake.url, fake.appId, 'wrong-secret'), 5_000);
    expect(wrong.ok).toBe(false);
    expect(wrong.label).toMatch(/^事件接收：长连接无法建立（/);
    expect(wrong.label).not.toContain('wrong-secret');
    expect(wrong.fix).toContain('使用长连接接收事件');
    const t0 = Date.now();
    const unreachable = await longConnectionCheck(cfg(deadUrl), 3_000);
    expect(unreachable.ok).toBe(false);
    expect(Date.now() - t0).toBeLessThan(5_000);
    const badId = await longConnectionCheck(cfg(fake.url, 'cli_test'));
    expect(badId).toMatchObject({ ok: false });
    expect(badId.label).toContain('不是 cli_ 加 16 位十六进制');
  });
});
