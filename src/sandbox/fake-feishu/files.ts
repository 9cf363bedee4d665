// Files: the bot uploads a file (im/v1/files) and sends it as msg_type "file"; a user sends a file
// to the bot (im.message.receive_v1 with message_type "file") and the bot downloads it through the
// message resource API.
//
// Sources:
//  - Upload: multipart/form-data with file_type (opus | mp4 | pdf | doc | xls | ppt | stream),
//    file_name (with its extension), duration (optional), file; 「文件大小不得超过 30 MB，且不允许上传
//    空文件」; answers data.file_key. Errors (its 错误码 table): 234001 Invalid request param,
//    234006 The file size exceed the max value, 234010 File's size can't be 0:
//    https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/file/create
//  - Sending it: msg_type "file", content {"file_key"}; 230017 「机器人不是资源的拥有者，只能发送自己上传的
//    文件」, 230055 「文件上传时选择的类型与发送的消息类型不匹配」 (an opus upload is an audio message):
//    https://open.feishu.cn/document/server-docs/im-v1/message/create
//  - A received file message's content is {"file_key","file_name"}:
//    https://open.feishu.cn/document/server-docs/im-v1/message-content-description/message_content
//  - Download: GET /open-apis/im/v1/messages/:message_id/resources/:file_key?type=file|image, the
//    bytes (Content-Type in the header); the bot must be in the message's chat. Errors: 234001
//    Invalid request param, 234003 File not in message, 234004 App not in chat, 234037 Downloaded
//    file size exceeds limit (100 MB), 234043 Unsupported message type (cards, merged forwards):
//    https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message-resource/get
//  - GET /fake/files/:key is the fake's own (the sandbox page's download link); POST /fake/files
//    is the page's upload of a user's file (a real client uploads it inside Feishu).
import { randomBytes } from 'node:crypto';
import { fail, parseMultipart, RawReply } from './http.js';
import type { RouteRequest } from './router.js';
import type { FakeState } from './state.js';

export const FILE_UPLOAD_MAX_BYTES = 30 * 1024 * 1024;
export const RESOURCE_DOWNLOAD_MAX_BYTES = 100 * 1024 * 1024;
export const FILE_TYPES = ['opus', 'mp4', 'pdf', 'doc', 'xls', 'ppt', 'stream'] as const;

export interface FakeFile {
  bytes: Buffer;
  fileName: string;
  fileType: string;
  /** 'bot' for an upload through the API; a user's open_id for a file a user sent. */
  owner: string;
  tenantKey?: string;
}

/** Stores a file a user sends (their client uploads it) and returns its key. */
export function storeUserFile(f: FakeState, owner: string, fileName: string, bytes: Buffer): string {
  const key = `file_v3_${randomBytes(12).toString('hex')}`;
  f.files.set(key, { bytes, fileName, fileType: 'stream', owner });
  return key;
}

/** POST /open-apis/im/v1/files */
export function uploadFile(f: FakeState, req: RouteRequest): Record<string, unknown> {
  const parts = parseMultipart(req.headers['content-type'] ?? '', req.body);
  if (!parts) fail(400, 234001, 'Invalid request param.');
  const field = (name: string) => parts!.find((p) => p.name === name);
  const fileType = field('file_type')?.data.toString('utf8');
  const fileName = field('file_name')?.data.toString('utf8');
  const file = field('file');
  if (!fileType || !(FILE_TYPES as readonly string[]).includes(fileType)) fail(400, 234001, 'Invalid request param.');
  if (!fileName || !file) fail(400, 234001, 'Invalid request param.');
  if (file!.data.length === 0) fail(400, 234010, "File's size can't be 0.");
  if (file!.data.length > FILE_UPLOAD_MAX_BYTES) fail(400, 234006, 'The file size exceed the max value.');
  const key = `file_v3_${randomBytes(12).toString('hex')}`;
  f.files.set(key, { bytes: file!.data, fileName: fileName!, fileType: fileType!, owner: 'bot', ...(req.tenant ? { tenantKey: req.tenant } : {}) });
  return { code: 0, msg: 'success', data: { file_key: key } };
}

/** The content check of msg_type "file" (messages.ts checkContent). */
export function checkFileContent(f: FakeState, obj: Record<string, unknown>, tenant: string | undefined): void {
  const key = obj['file_key'];
  const file = typeof key === 'string' ? f.files.get(key) : undefined;
  if (!file) fail(400, 230001, 'Your request contains an invalid request parameter: file_key.');
  if (file!.owner !== 'bot' || (f.appType === 'isv' && file!.tenantKey !== tenant)) fail(400, 230017, 'Bot is NOT the owner of the resource.');
  if (file!.fileType === 'opus') fail(400, 230055, 'The type of file upload does not match the type of message being sent.');
}

/** GET /open-apis/im/v1/messages/:message_id/resources/:file_key?type=file|image */
export function messageResource(f: FakeState, req: RouteRequest): RawReply {
  const [messageId, fileKey] = req.params as [string, string];
  const type = req.query.get('type');
  if (type !== 'file' && type !== 'image') fail(400, 234001, 'Invalid request param.');
  const msg = f.getMessage(messageId);
  if (!msg || f.foreign(msg.tenantKey ?? f.tenantKey, req.tenant)) fail(400, 234001, 'Invalid request param.');
  if (msg!.chatType === 'group' && !f.chats.get(msg!.chatId)?.botIsMember) fail(400, 234004, 'App not in chat.');
  if (msg!.msgType === 'interactive' || msg!.msgType === 'merge_forward') fail(400, 234043, 'Unsupported message type.');
  const content = (msg!.content ?? {}) as Record<string, unknown>;
  const inMessage = type === 'image' ? content['image_key'] === fileKey : content['file_key'] === fileKey;
  if (!inMessage) fail(400, 234003, 'File not in message.');
  const bytes = type === 'image' ? f.images.get(fileKey)?.bytes : f.files.get(fileKey)?.bytes;
  if (!bytes) fail(400, 234003, 'File not in message.');
  if (bytes!.length > RESOURCE_DOWNLOAD_MAX_BYTES) fail(400, 234037, 'Downloaded file size exceeds limit.');
  const name = f.files.get(fileKey)?.fileName ?? fileKey;
  return new RawReply(200, { 'Content-Type': 'application/octet-stream', 'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}` }, bytes!);
}

/** GET /fake/files/:key — the bytes for the sandbox page (404 if unknown). */
export function fileBytes(f: FakeState, req: RouteRequest): RawReply {
  const file = f.files.get(req.params[0]!);
  if (!file) return new RawReply(404, { 'Content-Type': 'text/plain' }, '');
  return new RawReply(200, { 'Content-Type': 'application/octet-stream', 'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}` }, file.bytes);
}
