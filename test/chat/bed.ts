// The bed most chat tests lie on: the fake Feishu with the demo directory, the app on the test's
// database with the demo ledger, and the real bot on the fake over the signed webhook.
import type { AppContext } from '../../src/app.js';
import { createBotHandlers } from '../../src/chat/handlers.js';
import type { Database } from '../../src/db/client.js';
import { demoDirectory } from '../../src/demo/directory.js';
import { loadDemoLedger } from '../../src/demo/load.js';
import type { FeishuRuntime, FeishuRuntimeOptions } from '../../src/feishu/runtime.js';
import { importLedger } from '../../src/ledger/import/index.js';
import { FakeFeishu, type FakeMessage } from '../../src/sandbox/fake-feishu.js';
import { testApp } from '../helpers/app.js';
import { DEMO_WORKBOOK } from '../helpers/workbooks.js';
import { startBotOnFake } from '../feishu/helpers.js';

export interface ChatBed {
  fake: FakeFeishu;
  rt: FeishuRuntime;
  app: AppContext;
  tenantId: number;
  /** Stops the bot and the fake (afterAll). */
  close(): Promise<void>;
}

/**
 * Starts the bed. `ledger`: 'workbook' imports the demo workbook (the ledger only); 'demo' loads the
 * whole demo as `npm start` does (pilots, achievements, cases, promotion plans too). `sender`: the
 * bot's sender options (e.g. a shorter retry for a test that waits on retries).
 */
export async function startChatBed(
  db: Database,
  opts: { ledger: 'workbook' | 'demo'; sender?: FeishuRuntimeOptions['sender'] },
): Promise<ChatBed> {
  const fake = await FakeFeishu.start({ ...demoDirectory(), redeliveryScheduleMs: [60_000] });
  const app = await testApp(db, { tenantKey: fake.tenantKey });
  const tenantId = app.defaultTenant.id;
  if (opts.ledger === 'demo') await loadDemoLedger(app);
  else if (!(await importLedger(db.prisma, tenantId, [DEMO_WORKBOOK])).ok) throw new Error('demo import failed');
  const { rt } = await startBotOnFake(fake, { db, handlers: createBotHandlers(app), ...(opts.sender ? { sender: opts.sender } : {}) });
  return {
    fake, rt, app, tenantId,
    async close() {
      await rt.stop();
      await fake.close();
    },
  };
}

/** A message's text (text messages), card header title, and whole content as JSON (to search a card). */
export const textOf = (m: FakeMessage | undefined | null) => (m?.content as { text?: string })?.text ?? '';
export const headerOf = (m: FakeMessage | undefined | null) => ((m?.content as { header?: { title?: { content?: string } } })?.header?.title?.content) ?? '';
export const cardText = (m: FakeMessage | undefined | null) => JSON.stringify(m?.content ?? null);

/** The first `count` tasks of the ledger (by id) given to `unitName` as lead, 推进中; their codes. */
export async function tasksLedBy(db: Database, tenantId: number, unitName: string, count: number): Promise<string[]> {
  const unit = await db.prisma.unit.findFirstOrThrow({ where: { tenantId, name: unitName } });
  const tasks = await db.prisma.task.findMany({ where: { tenantId }, orderBy: { id: 'asc' }, take: count });
  await db.prisma.task.updateMany({ where: { id: { in: tasks.map((t) => t.id) } }, data: { leadUnitId: unit.id, status: '推进中' } });
  return tasks.map((t) => t.code);
}

