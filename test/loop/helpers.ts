// The reform loop's chat tests: the real bot (webhook, signed and encrypted) against the fake Feishu,
// on the demo ledger, on SQLite and PostgreSQL.
import { expect } from 'vitest';
import { testApp } from '../helpers/app.js';
import { demoDirectory } from '../../src/demo/directory.js';
import { DEMO_WORKBOOK } from '../helpers/workbooks.js';
import { startBotOnFake, waitFor } from '../feishu/helpers.js';
import { FakeFeishu, type FakeMessage } from '../../src/sandbox/fake-feishu.js';
import type { FeishuRuntime } from '../../src/feishu/runtime.js';
import { importLedger } from '../../src/ledger/import/index.js';
import { createBotHandlers } from '../../src/chat/handlers.js';
import type { AppContext } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';

export const LIAISON = 'ou_demo_chengguan_liaison'; // 袁媛, 城关街道
export const OTHER_LIAISON = 'ou_demo_shibao_liaison'; // 程功, 石堡镇
export const OFFICE = 'ou_demo_office_zhou'; // 周敏, 县委改革办
export const LEADER = 'ou_demo_leader_wang'; // 王建国, 县级领导
export const GROUP = 'oc_demo_chengguan';
export const OFFICE_GROUP = 'oc_demo_office';

export const cardText = (m: FakeMessage | undefined) => JSON.stringify(m?.content ?? null);
export const headerOf = (m: FakeMessage | undefined) => ((m?.content as { header?: { title?: { content?: string } } })?.header?.title?.content) ?? '';

export interface LoopBot {
  fake: FakeFeishu;
  rt: FeishuRuntime;
  app: AppContext;
  tenantId: number;
  /** The reply is the first text or card answering the message (files and images come separately). */
  say(openId: string, text: string, chatId?: string): Promise<{ messageId: string; eventId: string; reply: FakeMessage }>;
  stop(): Promise<void>;
}

let counter = 0;
export async function startLoopBot(db: Database): Promise<LoopBot> {
  const fake = await FakeFeishu.start({ ...demoDirectory(), redeliveryScheduleMs: [60_000] });
  const app = await testApp(db, { tenantKey: fake.tenantKey });
  const tenantId = app.defaultTenant.id;
  const imported = await importLedger(db.prisma, tenantId, [DEMO_WORKBOOK]);
  if (!imported.ok) throw new Error('demo import failed');
  const { rt } = await startBotOnFake(fake, { db, handlers: createBotHandlers(app) });
  return {
    fake, rt, app, tenantId,
    async say(openId, text, chatId) {
      const messageId = `om_loop_${Date.now()}_${counter++}`;
      const r = await fake.deliverMessageEvent({ senderOpenId: openId, text, messageId, ...(chatId ? { chatId } : {}) });
      expect(r.acked).toBe(true);
      return { messageId, eventId: r.eventId, reply: await waitFor(() => fake.botMessages().find((m) => m.parentId === messageId && m.msgType !== 'file' && m.msgType !== 'image'), 8_000) };
    },
    async stop() {
      await rt.stop();
      await fake.close();
    },
  };
}

export { waitFor };
