// The configured app's contact directory (contact.ts) as the layers above use it: the CLI, the
// chat (an unregistered sender, 群列表's group names) and the jobs (reaching people) all take it
// from here, so that chat handlers need not import a job module for a Feishu client.
import type * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createFeishuClient } from './client.js';
import { contactLookup, type ContactLookup } from './contact.js';

/** What the directory needs of the app: its configuration and logger. */
export interface DirectoryApp {
  config: Config;
  logger: Logger;
}

/** The directory lookup of the configured app, or undefined without credentials (the sandbox CLI). */
export function configuredLookup(app: DirectoryApp, tenantKey?: string, client?: lark.Client): ContactLookup | undefined {
  if (!client && !app.config.feishu.hasCredentials) return undefined;
  return contactLookup(client ?? createFeishuClient(app.config.feishu, app.logger), app.config.feishu.appType === 'isv' ? tenantKey : undefined);
}

/**
 * The directory the bot asks about an unregistered sender (chat/router.ts): one client for the
 * process, made on first use; undefined without credentials (the sandbox binds nobody this way).
 */
export function senderDirectory(app: DirectoryApp): (tenantKey: string) => ContactLookup | undefined {
  let client: lark.Client | undefined;
  return (tenantKey) => {
    if (!app.config.feishu.hasCredentials) return undefined;
    client ??= createFeishuClient(app.config.feishu, app.logger);
    return configuredLookup(app, tenantKey, client);
  };
}
