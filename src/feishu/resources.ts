// Downloading what a user sent: a file or image of a received message, through the SDK's message
// resource API (GET /open-apis/im/v1/messages/:message_id/resources/:file_key?type=file|image;
// ≤ 100 MB; the bot must be in the chat; not for cards or merged forwards).
// https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message-resource/get
import type * as lark from '@larksuiteoapi/node-sdk';
import type { Readable } from 'node:stream';
import { tenantOptions } from './client.js';

/** What the doc's 错误码 table says, in the words the office reads. */
const RESOURCE_ERRORS: Record<number, string> = {
  230110: '消息已删除',
  234001: '请求参数无效',
  234003: '该文件不属于这条消息',
  234004: '机器人不在这条消息所在的群中',
  234009: '外部群中不支持下载',
  234037: '文件超过 100 MB，无法下载',
  234038: '保密消息中的文件不能下载',
  234043: '不支持下载这类消息中的文件',
};

export class ResourceDownloadError extends Error {
  constructor(
    readonly code: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'ResourceDownloadError';
  }
}

/** At most this many bytes are read (Feishu's own download limit is 100 MB). */
export const MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024;

/**
 * The bytes of a file (or image) in a received message. Throws ResourceDownloadError with
 * Feishu's code and a Chinese reason when Feishu refuses.
 */
export async function downloadMessageResource(
  client: lark.Client,
  ref: { messageId: string; fileKey: string; type?: 'file' | 'image'; tenantKey?: string },
  maxBytes = MAX_DOWNLOAD_BYTES,
): Promise<Buffer> {
  let res: { getReadableStream: () => Readable };
  try {
    res = await client.im.v1.messageResource.get(
      { path: { message_id: ref.messageId, file_key: ref.fileKey }, params: { type: ref.type ?? 'file' } },
      tenantOptions(client, ref.tenantKey),
    );
  } catch (err) {
    throw await describe(err);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.getReadableStream()) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    total += b.length;
    if (total > maxBytes) throw new ResourceDownloadError(234037, RESOURCE_ERRORS[234037]!);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** An axios error of a stream request: its body (Feishu's {code,msg}) is itself a stream. */
async function describe(err: unknown): Promise<ResourceDownloadError> {
  const e = err as { response?: { status?: number; data?: unknown }; message?: string };
  let body: unknown = e?.response?.data;
  try {
    if (body && typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
      const parts: Buffer[] = [];
      for await (const c of body as AsyncIterable<Buffer | string>) parts.push(Buffer.from(c));
      body = JSON.parse(Buffer.concat(parts).toString('utf8'));
    } else if (Buffer.isBuffer(body) || typeof body === 'string') {
      body = JSON.parse(String(body));
    }
  } catch {
    body = undefined;
  }
  const code = typeof (body as { code?: unknown })?.code === 'number' ? ((body as { code: number }).code) : undefined;
  const reason = (code !== undefined ? RESOURCE_ERRORS[code] : undefined) ?? (e?.response?.status ? `飞书返回 HTTP ${e.response.status}` : (e?.message ?? '网络错误'));
  return new ResourceDownloadError(code, reason);
}
