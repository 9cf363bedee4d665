// HTTP plumbing shared by the fake's API areas: Feishu's error shape ({code, msg} with an HTTP
// status and optional headers), request bodies (JSON, multipart) and raw (non-JSON) replies.
import type { IncomingMessage } from 'node:http';

/** An OpenAPI error as Feishu answers it: HTTP status + body {code, msg} (+ headers, e.g. rate limits). */
export interface ApiError {
  status: number;
  code: number;
  msg: string;
  headers?: Record<string, string>;
}

export class ApiFailure extends Error {
  constructor(readonly e: ApiError) {
    super(e.msg);
  }
}

/** Ends the current API call with this Feishu error (the router turns it into the response). */
export const fail = (status: number, code: number, msg: string, headers?: Record<string, string>): never => {
  throw new ApiFailure({ status, code, msg, ...(headers ? { headers } : {}) });
};

/** A reply that is not Feishu's JSON envelope (e.g. image bytes); not logged as an API call. */
export class RawReply {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly body: Buffer | string,
  ) {}
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The body as a JSON object ({} when empty or not an object); 99992402 when it is not JSON. */
export function parseJson(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const v: unknown = JSON.parse(body.toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return fail(400, 99992402, 'request body is not valid JSON');
  }
}

export interface MultipartPart {
  name: string;
  filename?: string;
  data: Buffer;
}

/** multipart/form-data parts, or undefined when the content type is not multipart with a boundary. */
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
