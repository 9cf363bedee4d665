// Where chat handlers fetch what a user sent (a workbook to import, evidence to forward): the
// Feishu client of the runtime serving this database, registered when the runtime starts
// (runtime.ts) and dropped when it stops. Handlers see only `download`, never the client.
import type * as lark from '@larksuiteoapi/node-sdk';
import type { Database } from '../db/client.js';
import { isIsvClient } from './client.js';
import { downloadMessageResource } from './resources.js';

export interface FileSource {
  /** The bytes of a file or image of a received message (ResourceDownloadError when Feishu refuses). */
  download(ref: { tenantKey: string; messageId: string; key: string; type: 'file' | 'image' }, maxBytes?: number): Promise<Buffer>;
}

const clients = new WeakMap<Database, lark.Client>();

export function registerFileSource(db: Database, client: lark.Client): void {
  clients.set(db, client);
}

export function unregisterFileSource(db: Database, client: lark.Client): void {
  if (clients.get(db) === client) clients.delete(db);
}

/** The file source of the runtime serving `db`, or undefined when none runs (CLI, dry runs). */
export function fileSourceFor(db: Database): FileSource | undefined {
  const client = clients.get(db);
  if (!client) return undefined;
  return {
    download: (ref, maxBytes) =>
      downloadMessageResource(client, { messageId: ref.messageId, fileKey: ref.key, type: ref.type, ...(isIsvClient(client) ? { tenantKey: ref.tenantKey } : {}) }, maxBytes),
  };
}
