// The long-connection side of the fake Feishu platform: a minimal WebSocket server (RFC 6455, by
// hand on node:http's 'upgrade', so no extra package) speaking Feishu's `pbbp2.Frame` protobuf,
// enough for the SDK's WSClient: endpoint discovery, ping/pong control frames, event frames and
// their acknowledgements. `silence()` makes existing connections go quiet without closing — the
// "silently dead long connection" a bot must detect.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

// ---------------------------------------------------------------------------------------------
// pbbp2.Frame (proto2): SeqID=1 uint64, LogID=2 uint64, service=3 int32, method=4 int32,
// headers=5 repeated Header{key=1,value=2}, payload_encoding=6, payload_type=7, payload=8 bytes,
// LogIDNew=9 string. method 0 = control (ping/pong), 1 = data (event/card).

export interface WsFrame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: { key: string; value: string }[];
  payload?: Uint8Array;
}

function varint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt(n < 0 ? BigInt.asUintN(64, BigInt(n)) : BigInt(n));
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

function lengthDelimited(field: number, bytes: Uint8Array): number[] {
  return [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
}

export function encodeFrame(frame: WsFrame): Buffer {
  const parts: number[] = [
    ...varint((1 << 3) | 0),
    ...varint(frame.SeqID),
    ...varint((2 << 3) | 0),
    ...varint(frame.LogID),
    ...varint((3 << 3) | 0),
    ...varint(frame.service),
    ...varint((4 << 3) | 0),
    ...varint(frame.method),
  ];
  for (const h of frame.headers) {
    const header = [...lengthDelimited(1, Buffer.from(h.key)), ...lengthDelimited(2, Buffer.from(h.value))];
    parts.push(...lengthDelimited(5, Uint8Array.from(header)));
  }
  if (frame.payload) parts.push(...lengthDelimited(8, frame.payload));
  return Buffer.from(parts);
}

function readVarint(buf: Uint8Array, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    const byte = buf[pos++];
    if (byte === undefined) throw new Error('truncated varint');
    result |= BigInt(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return [result, pos];
    shift += 7n;
  }
}

function readFields(buf: Uint8Array, visit: (field: number, value: bigint | Uint8Array) => void): void {
  let pos = 0;
  while (pos < buf.length) {
    const [tag, p1] = readVarint(buf, pos);
    pos = p1;
    const field = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const [v, p2] = readVarint(buf, pos);
      pos = p2;
      visit(field, v);
    } else if (wire === 2) {
      const [len, p2] = readVarint(buf, pos);
      const end = p2 + Number(len);
      visit(field, buf.subarray(p2, end));
      pos = end;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

export function decodeFrame(buf: Uint8Array): WsFrame {
  const frame: WsFrame = { SeqID: 0, LogID: 0, service: 0, method: 0, headers: [] };
  readFields(buf, (field, value) => {
    if (field === 1) frame.SeqID = Number(value as bigint);
    else if (field === 2) frame.LogID = Number(value as bigint);
    else if (field === 3) frame.service = Number(BigInt.asIntN(32, value as bigint));
    else if (field === 4) frame.method = Number(BigInt.asIntN(32, value as bigint));
    else if (field === 5) {
      const header = { key: '', value: '' };
      readFields(value as Uint8Array, (f, v) => {
        if (f === 1) header.key = Buffer.from(v as Uint8Array).toString('utf8');
        if (f === 2) header.value = Buffer.from(v as Uint8Array).toString('utf8');
      });
      frame.headers.push(header);
    } else if (field === 8) frame.payload = Uint8Array.from(value as Uint8Array);
  });
  return frame;
}

export function frameHeader(frame: WsFrame, key: string): string | undefined {
  return frame.headers.find((h) => h.key === key)?.value;
}

// ---------------------------------------------------------------------------------------------
// Minimal RFC 6455 server connection.

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export class FakeWsConnection {
  readonly id = randomBytes(4).toString('hex');
  /** A silenced connection answers nothing and sends nothing, but stays open. */
  silenced = false;
  closed = false;
  /** Events pushed over this connection (the platform counts; a silenced one swallows them). */
  eventsSent = 0;
  /** Called once when the connection closes (e.g. to fail an event still waiting for its ack). */
  readonly closeWaiters = new Set<() => void>();
  private buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];

  constructor(
    private readonly socket: Duplex,
    private readonly onFrame: (conn: FakeWsConnection, frame: WsFrame) => void,
    private readonly onClose: (conn: FakeWsConnection) => void,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    // http.Server sockets allow half-open connections: end our side when the client ends its.
    socket.on('end', () => {
      socket.end();
      this.markClosed();
    });
    socket.on('close', () => this.markClosed());
    socket.on('error', () => this.markClosed());
  }

  static accept(
    req: IncomingMessage,
    socket: Duplex,
    onFrame: (conn: FakeWsConnection, frame: WsFrame) => void,
    onClose: (conn: FakeWsConnection) => void,
  ): FakeWsConnection | undefined {
    const key = req.headers['sec-websocket-key'];
    if (typeof key !== 'string') {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return undefined;
    }
    const accept = createHash('sha1').update(key + WS_GUID).digest('base64');
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    return new FakeWsConnection(socket, onFrame, onClose);
  }

  sendFrame(frame: WsFrame): boolean {
    if (this.closed || this.silenced) return false;
    this.write(0x2, encodeFrame(frame));
    return true;
  }

  /** Closes the TCP connection abruptly. */
  destroy(): void {
    this.socket.destroy();
    this.markClosed();
  }

  private write(opcode: number, payload: Buffer): void {
    const len = payload.length;
    let head: Buffer;
    if (len < 126) head = Buffer.from([0x80 | opcode, len]);
    else if (len < 65536) {
      head = Buffer.alloc(4);
      head[0] = 0x80 | opcode;
      head[1] = 126;
      head.writeUInt16BE(len, 2);
    } else {
      head = Buffer.alloc(10);
      head[0] = 0x80 | opcode;
      head[1] = 127;
      head.writeBigUInt64BE(BigInt(len), 2);
    }
    this.socket.write(Buffer.concat([head, payload]));
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length < 2) return;
      const b0 = this.buffer[0]!;
      const b1 = this.buffer[1]!;
      const fin = (b0 & 0x80) !== 0;
      const opcode = b0 & 0x0f;
      const masked = (b1 & 0x80) !== 0;
      let len = b1 & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (this.buffer.length < 4) return;
        len = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (this.buffer.length < 10) return;
        len = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      const maskLen = masked ? 4 : 0;
      if (this.buffer.length < offset + maskLen + len) return;
      const mask = masked ? this.buffer.subarray(offset, offset + 4) : undefined;
      const payload = Buffer.from(this.buffer.subarray(offset + maskLen, offset + maskLen + len));
      if (mask) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
      this.buffer = this.buffer.subarray(offset + maskLen + len);
      this.handle(fin, opcode, payload);
    }
  }

  private handle(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode === 0x8) {
      if (!this.silenced && !this.closed) this.write(0x8, payload.subarray(0, 2));
      this.socket.end();
      this.markClosed();
      return;
    }
    if (opcode === 0x9) {
      if (!this.silenced) this.write(0xa, payload);
      return;
    }
    if (opcode === 0xa) return;
    if (opcode === 0x1 || opcode === 0x2 || opcode === 0x0) {
      this.fragments.push(payload);
      if (!fin) return;
      const message = Buffer.concat(this.fragments);
      this.fragments = [];
      if (this.silenced) return;
      try {
        this.onFrame(this, decodeFrame(message));
      } catch {
        /* malformed frame: ignored like a real server would */
      }
    }
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    for (const w of [...this.closeWaiters]) w();
    this.closeWaiters.clear();
  }
}
