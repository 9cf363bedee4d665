// Files through the durable outbox. enqueueFile() writes the bytes (OutboxFile) and the message
// that sends them (OutboxMessage, msg_type "file") under one dedupeKey, in one transaction: a
// second enqueue with the same key is a no-op, like any message. The Feishu sender uploads the
// bytes once (im/v1/files; the file_key is kept, so a retry does not upload again) and then sends
// msg_type "file" with that key (src/feishu/sender.ts).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { systemClock, type Clock } from '../clock.js';
import type { Db, DbOrTx } from '../db/client.js';
import { enqueueMessage } from './enqueue.js';
import type { EnqueueResult, ReceiveIdType } from './message.js';

/**
 * Feishu's upload limit: 「文件大小不得超过 30 MB，且不允许上传空文件」
 * (https://open.feishu.cn/document/server-docs/im-v1/file/create).
 */
export const FEISHU_FILE_MAX_BYTES = 30 * 1024 * 1024;

/**
 * Images go up through im/v1/images (image_type "message"), at most 10 MB and not empty
 * (https://open.feishu.cn/document/server-docs/im-v1/image/create), and out as msg_type "image".
 */
export const FEISHU_IMAGE_MAX_BYTES = 10 * 1024 * 1024;
/** OutboxFile.fileType of an image (not an upload file_type: the sender uploads it as an image). */
export const IMAGE_FILE_TYPE = 'image';

/** The upload's file_type values (same page): anything else goes as `stream`. */
export type FeishuFileType = 'opus' | 'mp4' | 'pdf' | 'doc' | 'xls' | 'ppt' | 'stream';

const TYPES_BY_EXTENSION: Record<string, FeishuFileType> = {
  '.opus': 'opus',
  '.mp4': 'mp4',
  '.pdf': 'pdf',
  '.doc': 'doc',
  '.docx': 'doc',
  '.xls': 'xls',
  '.xlsx': 'xls',
  '.ppt': 'ppt',
  '.pptx': 'ppt',
};

/** The upload's file_type for a file name (by its extension; `stream` for the rest, as the page says). */
export function fileTypeFor(fileName: string): FeishuFileType {
  return TYPES_BY_EXTENSION[path.extname(fileName).toLowerCase()] ?? 'stream';
}

/** The content the outbox row holds until the sender has a file_key: which OutboxFile to upload. */
export interface PendingFileContent {
  file_ref: string;
}

export interface EnqueueFileInput {
  tenantId: number;
  /** Unique per intended delivery (as for messages), e.g. `export:<message_id>`. */
  dedupeKey: string;
  /** 'send' (default) a new message to receiveId; 'reply' to the message receiveId. */
  kind?: 'send' | 'reply';
  receiveIdType?: ReceiveIdType;
  receiveId: string;
  /** With its extension (shown to the receiver): 「清源县改革台账.xlsx」. */
  fileName: string;
  /** The bytes, or a path read now (the file may be gone by the time the sender runs). */
  bytes?: Buffer | Uint8Array;
  path?: string;
  /** Default: fileTypeFor(fileName). */
  fileType?: FeishuFileType;
  /** Send the bytes (PNG, JPEG…) as an image message (im/v1/images) rather than a file. */
  image?: boolean;
  notBefore?: Date;
}

/** Thrown for a file Feishu would refuse (empty or over 30 MB): better said now than by a failed row. */
export class FileRefusedError extends Error {}

/**
 * Queues a file message. Exactly once per dedupeKey; inside a caller's transaction it joins it,
 * otherwise it opens its own (the row and its bytes appear together). Throws FileRefusedError for
 * an empty file or one over 30 MB.
 */
export async function enqueueFile(db: DbOrTx, input: EnqueueFileInput, clock: Clock = systemClock): Promise<EnqueueResult> {
  const bytes = input.bytes ? Buffer.from(input.bytes) : input.path ? await readFile(input.path) : undefined;
  if (!bytes) throw new Error('enqueueFile 需要 bytes 或 path');
  if (bytes.length === 0) throw new FileRefusedError(`文件「${input.fileName}」是空的，飞书不接受空文件`);
  if (input.image && bytes.length > FEISHU_IMAGE_MAX_BYTES) throw new FileRefusedError(`图片「${input.fileName}」超过 10 MB，飞书不接受`);
  if (bytes.length > FEISHU_FILE_MAX_BYTES) throw new FileRefusedError(`文件「${input.fileName}」超过 30 MB，飞书不接受`);
  const kind = input.kind ?? 'send';
  const write = async (tx: DbOrTx): Promise<EnqueueResult> => {
    const content: PendingFileContent = { file_ref: input.dedupeKey };
    const res = await enqueueMessage(
      tx,
      {
        tenantId: input.tenantId,
        dedupeKey: input.dedupeKey,
        kind,
        ...(kind === 'send' ? { receiveIdType: input.receiveIdType ?? 'open_id' } : {}),
        receiveId: input.receiveId,
        // The sender swaps file_ref for the uploaded file_key (image_key) before sending.
        message: input.image
          ? { msgType: 'image', content: content as unknown as { image_key: string } }
          : { msgType: 'file', content: content as unknown as { file_key: string } },
        ...(input.notBefore ? { notBefore: input.notBefore } : {}),
      },
      clock,
    );
    if (res.created) {
      await tx.outboxFile.create({
        data: {
          tenantId: input.tenantId,
          dedupeKey: input.dedupeKey,
          fileName: input.fileName,
          fileType: input.image ? IMAGE_FILE_TYPE : input.fileType ?? fileTypeFor(input.fileName),
          size: bytes.length,
          bytes,
          createdAt: clock.now(),
        },
      });
    }
    return res;
  };
  return '$transaction' in db ? (db as Db).$transaction((tx) => write(tx)) : write(db);
}

/** The file_ref of a queued file message's content, if it is one still to upload. */
export function pendingFileRef(content: string): string | undefined {
  try {
    const parsed = JSON.parse(content) as Partial<PendingFileContent> & { file_key?: unknown; image_key?: unknown };
    return typeof parsed.file_ref === 'string' && !parsed.file_key && !parsed.image_key ? parsed.file_ref : undefined;
  } catch {
    return undefined;
  }
}
