// The long connection (长连接) from the platform's side: the WebSocket upgrade, ping/pong control
// frames answered with the client config, and events/callbacks pushed as data frames whose ack
// frame ({code, data: base64(reply)}) is the bot's answer. The wire format is in ws-frames.ts;
// the endpoint the SDK asks for first (/callback/ws/endpoint) is in auth.ts.
//
// Sources:
//  - Cluster mode (one random client of the app gets each event, no broadcast), the 3 s deadline
//    and re-push when the handler fails:
//    https://open.feishu.cn/document/server-docs/event-subscription-guide/event-subscription-configure-/request-url-configuration-case
//  - Callbacks over the long connection (card.action.trigger as an event frame):
//    https://open.feishu.cn/document/event-subscription-guide/callback-subscription/step-1-choose-a-subscription-mode/configure-callback-request-address
//  - Frame layout, ping/pong and the ack shape are not documented; they follow the SDK's WSClient
//    (larksuite/node-sdk ws-client/, see /work/shared/feishu-facts.md §7).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SendOutcome } from './events.js';
import { randomId } from './payloads.js';
import type { FakeState } from './state.js';
import { FakeWsConnection, frameHeader, type WsFrame } from './ws-frames.js';

/** Handles the HTTP upgrade to /ws?app_id=… (403 for any other path or app). */
export function upgrade(f: FakeState, req: IncomingMessage, socket: Duplex): void {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname !== '/ws' || url.searchParams.get('app_id') !== f.appId) {
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    return;
  }
  const conn = FakeWsConnection.accept(
    req,
    socket,
    (c, frame) => onWsFrame(f, c, frame),
    (c) => f.wsConns.delete(c),
  );
  if (conn) {
    f.wsConns.add(conn);
    f.emit('ws-connect', conn.id);
  }
}

function onWsFrame(f: FakeState, conn: FakeWsConnection, frame: WsFrame): void {
  const type = frameHeader(frame, 'type');
  if (frame.method === 0 && type === 'ping') {
    conn.sendFrame({
      SeqID: 0,
      LogID: 0,
      service: frame.service,
      method: 0,
      headers: [{ key: 'type', value: 'pong' }],
      payload: Buffer.from(JSON.stringify(f.wsClientConfig)),
    });
    return;
  }
  if (frame.method === 1) {
    const id = frameHeader(frame, 'message_id');
    if (id) f.wsPending.get(id)?.(frame);
  }
}

/** One attempt to push an event (or callback) over a long connection and wait for its ack. */
export async function sendOverWs(f: FakeState, env: Record<string, unknown>): Promise<SendOutcome> {
  const at = f.clock.now();
  const started = performance.now();
  // Cluster mode: one random client of the app gets the event (no broadcast), whichever bot
  // instance holds it. A silenced connection looks alive to us too (that is the point), so it
  // may be picked and the event then times out; a connection that closes before acking fails
  // the attempt at once. Either way the event is re-pushed on the schedule, to a random
  // connection again.
  const all = [...f.wsConns].filter((c) => !c.closed);
  const conn = all[Math.floor(Math.random() * all.length)];
  if (!conn) return { attempt: { at, error: 'no long connection', ms: 0 } };
  const messageId = randomId('', 8);
  const reply = new Promise<WsFrame | 'closed' | undefined>((resolve) => {
    const onClosed = () => {
      clearTimeout(t);
      f.wsPending.delete(messageId);
      resolve('closed');
    };
    const t = setTimeout(() => {
      conn.closeWaiters.delete(onClosed);
      f.wsPending.delete(messageId);
      resolve(undefined);
    }, f.ackTimeoutMs);
    conn.closeWaiters.add(onClosed);
    f.wsPending.set(messageId, (frame) => {
      clearTimeout(t);
      conn.closeWaiters.delete(onClosed);
      f.wsPending.delete(messageId);
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

// ---------------------------------------------------------------------------------------------
// Test controls and queries

/** Open long connections (the bot's WSClient). */
export function openConnections(f: FakeState): FakeWsConnection[] {
  return [...f.wsConns].filter((c) => !c.closed);
}

/** Existing long connections (or only the one with this id) stop answering (no pong, no events) but stay open. */
export function silenceWs(f: FakeState, id?: string): void {
  for (const c of f.wsConns) if (id === undefined || c.id === id) c.silenced = true;
}

/** Drops every long connection (or only the one with this id) abruptly. */
export function dropWs(f: FakeState, id?: string): void {
  for (const c of [...f.wsConns]) if (id === undefined || c.id === id) c.destroy();
}
