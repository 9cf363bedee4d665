// Issue 6 — card action values and forms through the REAL handlers, end to end over HTTP (fake
// Feishu → signed, encrypted callback → webhook → dispatcher → createBotHandlers → SQLite and
// PostgreSQL). Card values are never trusted (DESIGN §6): for hundreds of generated hostile
// `value`/`form_value` objects clicked by every kind of demo user (and a stranger), the callback
// always answers 200 within the deadline with a Chinese toast (or a card), never the generic
// "failed" toast of a crashed handler; anything not a success changes nothing; what a success
// changes is something that person may do; a liaison never touches another unit's task; the
// other tenant's ledger never moves.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { CARD_TOASTS } from '../../src/feishu/dispatch.js';
import { TASK_STATUSES } from '../../src/core/types.js';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { SKIP_KNOWN, hostileString, hugeString, isWellFormed } from './arbitraries.js';
import { tempDir } from '../helpers/workbooks.js';
import { importLedger } from '../../src/ledger/import/index.js';
import {
  CHINESE, STRANGER, diff, directory, expectOnlyPermittedChanges, isEmptyDiff, runs, snapshot, startBot, timeout, waitForReply,
  type Bot, type PersonInfo, type TaskInfo,
} from './harness.js';
import type { CardClickResult } from '../../src/sandbox/fake-feishu.js';
import { waitFor } from '../feishu/helpers.js';

const ACTIONS = ['sign', 'dispute', 'approve', 'reject', 'progress_form', 'submit_progress', 'extension', 'resolve'] as const;

/** Strings people (or attackers) put into values and forms. */
const hostile = fc.oneof(
  { weight: 8, arbitrary: hostileString(40) },
  { weight: 2, arbitrary: fc.constantFrom('', ' ', '　', '目录初稿已完成', '应由县大数据中心牵头', '用地指标不足\n\n\n\n下步协调') },
  { weight: 1, arbitrary: hugeString },
);
/** Ids past the 32-bit range (PostgreSQL int4): reported bug, see the report. */
const BIG_IDS = SKIP_KNOWN ? [] : [2147483648, 4294967296, 2 ** 53, '2147483648'];

describeEachDatabase('fuzz: card actions', (ctx) => {
  let bot: Bot;
  let people: PersonInfo[];
  let byOpenId: Map<string, PersonInfo>;
  let taskById: Map<number, TaskInfo>;
  let ownTasks: TaskInfo[];
  let foreignTasks: TaskInfo[];
  let cardMessageId: string;
  const numRuns = (sqlite: number, pg: number) => runs(ctx().provider === 'sqlite' ? sqlite : pg);

  beforeAll(async () => {
    bot = await startBot(ctx());
    const own = await directory(bot.db, bot.tenantId);
    const other = await directory(bot.db, bot.otherTenantId);
    people = own.people;
    byOpenId = own.byOpenId;
    ownTasks = own.tasks;
    foreignTasks = other.tasks;
    taskById = new Map([...own.taskById, ...other.taskById]);
    // Any card the bot sent will do: the fake checks the clicked message is a bot card.
    const asked = await bot.fake.deliverMessageEvent({ senderOpenId: 'ou_demo_office_zhou', text: '帮助' });
    cardMessageId = (await waitForReply(bot.fake, asked.messageId)).messageId;
  });
  afterAll(async () => {
    await bot?.stop();
  });

  const operatorArb = () => fc.constantFrom(...people.map((p) => p.openId), STRANGER);

  /** Task ids: the tenant's own, another tenant's, and every way an id can be wrong. */
  const idArb = () => {
    const own = fc.constantFrom(...ownTasks.map((t) => t.id));
    return fc.oneof(
      { weight: 6, arbitrary: own },
      { weight: 2, arbitrary: fc.constantFrom(...foreignTasks.map((t) => t.id)) },
      { weight: 2, arbitrary: own.chain((id) => fc.constantFrom<unknown>(String(id), ` ${id} `, `${id}abc`, `${id}.0`, `0${id}`, [id], { id }, `${id}; DROP TABLE "Task"`)) },
      { weight: 2, arbitrary: fc.constantFrom<unknown>(0, -1, -0, 1.5, -2147483648, 2147483647, ...BIG_IDS, 1e300, '1e300', '99999999999999999999', 'Infinity', 'NaN', true, false, null, '', [], {}) },
      { weight: 1, arbitrary: SKIP_KNOWN ? fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) : fc.integer() },
      { weight: 1, arbitrary: hostile },
    );
  };

  const statusArb = fc.oneof(fc.constantFrom<unknown>(...TASK_STATUSES), hostile, fc.anything({ maxDepth: 1 }));
  const actionArb = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom<unknown>(...ACTIONS) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>('SIGN', ' sign', 'sign\u0000', 'drop_table', 'approve ', '__proto__', 'constructor', 1, null, ['sign'], { a: 'sign' }) },
    { weight: 1, arbitrary: hostile },
  );
  const pollution = fc.constantFrom<unknown>(
    JSON.parse('{"__proto__":{"a":"approve","polluted":"yes"}}'),
    JSON.parse('{"a":"sign","__proto__":{"t":1},"constructor":{"prototype":{"polluted":"yes"}}}'),
    JSON.parse('{"constructor":{"prototype":{"a":"approve","polluted":"yes"}}}'),
    JSON.parse('{"a":"approve","t":{"__proto__":{"valueOf":1}}}'),
  );
  const valueArb = () => fc.oneof(
    { weight: 8, arbitrary: fc.record({ a: actionArb, t: idArb(), to: statusArb, extra: fc.dictionary(hostile, fc.anything({ maxDepth: 1 }), { maxKeys: 2 }) }, { requiredKeys: ['a'] })
      .map(({ extra, ...v }) => ({ ...extra, ...v })) },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) },
    { weight: 1, arbitrary: pollution },
  );
  const textArb = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom<unknown>('目录初稿已完成', '已召开推进会，形成初稿', '应由县大数据中心牵头', '用地指标不足') },
    { weight: 4, arbitrary: hostile },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
  );
  const percentArb = fc.constantFrom<unknown>(undefined, '', '0', '50', '100', 50, 0, 100, -1, '-1', 101, '101', '50.5', 50.5, 'abc', '１００', ' 80 ', null, true, [50], '1e2', 1e309);
  const formArb = () => fc.option(
    fc.oneof(
      { weight: 6, arbitrary: fc.record({ task: idArb(), text: textArb, percent: percentArb, problems: textArb, next: textArb, reason: textArb }, { requiredKeys: [] }) },
      { weight: 1, arbitrary: fc.dictionary(hostile, fc.anything({ maxDepth: 2 }), { maxKeys: 4 }) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(JSON.parse('{"__proto__":{"task":1,"text":"注入","reason":"注入理由"}}'), [1, 2], 'text', 42, null) },
    ),
    { nil: undefined, freq: 3 },
  );

  async function click(operatorOpenId: string, value: unknown, formValue: unknown): Promise<CardClickResult> {
    return bot.fake.clickCard({ messageId: cardMessageId, operatorOpenId, value, ...(formValue !== undefined ? { formValue: formValue as Record<string, unknown> } : {}) });
  }

  /** The response contract of every click, whatever was in it. */
  async function expectAnswered(res: CardClickResult) {
    expect(res.timedOut, 'the callback timed out').toBe(false);
    expect(res.status).toBe(200);
    expect(res.clientError, `Feishu would show client error ${res.clientError}`).toBeUndefined();
    expect(res.toast ?? res.card, 'neither a toast nor a card').toBeTruthy();
    const row = await bot.db.inboxEvent.findUnique({ where: { eventId: res.eventId }, select: { status: true, error: true } });
    if (res.toast) {
      expect(['info', 'success', 'error', 'warning']).toContain(res.toast.type);
      // Reported bug: an invalid percent ("abc", "60%", "１００", "50.5") or a non-string 存在问题/下步打算
      // got zod's English "Invalid input…".
      if (!(SKIP_KNOWN && res.toast.content.startsWith('Invalid input'))) expect(res.toast.content, 'a toast not in Chinese').toMatch(CHINESE);
      expect(res.toast.content.length).toBeLessThanOrEqual(200);
      expect(res.toast.content, `the handler crashed: ${row?.error?.trim().slice(0, 400)}`).not.toBe(CARD_TOASTS.failed);
      expect(res.toast.content, 'the handler missed the deadline').not.toBe(CARD_TOASTS.slow);
    }
    if (row?.status === 'failed') {
      // Only a payload that is not a card callback at all may be recorded as failed — never a handler error.
      expect(row.error).toMatch(/^卡片回调格式不正确/);
      expect(res.toast?.content).toBe(CARD_TOASTS.invalid);
    } else {
      expect(row).toEqual({ status: 'done', error: null });
    }
  }

  it('answers every hostile click in time, in Chinese, and changes only what that person may change', async () => {
    await fc.assert(
      fc.asyncProperty(operatorArb(), valueArb(), formArb(), async (operatorOpenId, value, formValue) => {
        const before = await snapshot(bot.db);
        const res = await click(operatorOpenId, value, formValue);
        await expectAnswered(res);
        const d = diff(before, await snapshot(bot.db));
        if (!res.toast || res.toast.type !== 'success') expect(isEmptyDiff(d), `a refused click (${res.toast?.content ?? 'card only'}) wrote to the ledger`).toBe(true);
        expect(d.changedTasks.length).toBeLessThanOrEqual(1);
        expect(d.newReports.length).toBeLessThanOrEqual(1);
        expectOnlyPermittedChanges(d, byOpenId.get(operatorOpenId), bot.tenantId, taskById);
      }),
      { numRuns: numRuns(200, 80) },
    );
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  }, timeout(60_000));

  it("a liaison can never sign for, dispute, report on or close another unit's task", async () => {
    const liaisons = people.filter((p) => p.roles.includes('LIAISON') && !p.roles.includes('ADMIN'));
    const pairs = liaisons.flatMap((l) => [...ownTasks, ...foreignTasks]
      .filter((t) => t.tenantId !== bot.tenantId || (t.leadUnitId !== l.unitId && !t.coUnitIds.includes(l.unitId!)))
      .map((t) => ({ liaison: l, task: t })));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...pairs), fc.constantFrom(...ACTIONS), fc.constantFrom<unknown>(...TASK_STATUSES, undefined),
        fc.constantFrom<(id: number) => unknown>((id) => id, (id) => String(id), (id) => ` ${id}`),
        async ({ liaison, task }, a, to, asId) => {
          const before = await snapshot(bot.db);
          const res = await click(liaison.openId, { a, t: asId(task.id), ...(to !== undefined ? { to } : {}) }, {
            task: String(task.id), text: '冒名报送的进展', percent: '90', problems: '冒名反映的问题', next: '', reason: '冒名提出的异议理由',
          });
          await expectAnswered(res);
          const d = diff(before, await snapshot(bot.db));
          expect(isEmptyDiff(d), `${liaison.name} changed ${task.code} (tenant ${task.tenantId}) with ${a}: ${res.toast?.content}`).toBe(true);
          if (a !== 'progress_form') expect(res.toast?.type).not.toBe('success');
        },
      ),
      { numRuns: numRuns(150, 60) },
    );
  }, timeout(60_000));

  it('a well-formed progress form from the right person is recorded once per click, exactly as typed', async () => {
    const liaisons = people.filter((p) => p.roles.includes('LIAISON') && !p.roles.includes('ADMIN'));
    const pairs = liaisons.flatMap((l) => ownTasks.filter((t) => t.leadUnitId === l.unitId).map((t) => ({ liaison: l, task: t })));
    const sentence = fc.string({ unit: fc.constantFrom(...Array.from('推进方案起草征求意见已完成初稿召开会议协调用地指标😀👍🏽，。、ABC123 ')), minLength: 1, maxLength: 200 })
      .filter((s) => s.trim().length > 0);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...pairs), sentence, fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }), async ({ liaison, task }, text, percent) => {
        const status = (await bot.db.task.findUniqueOrThrow({ where: { id: task.id } })).status;
        const before = await snapshot(bot.db);
        const res = await click(liaison.openId, { a: 'submit_progress' }, { task: String(task.id), text, percent: percent === null ? '' : String(percent), problems: '', next: '' });
        await expectAnswered(res);
        const d = diff(before, await snapshot(bot.db));
        if (status === '已销号') {
          expect(res.toast?.type).toBe('error');
          expect(isEmptyDiff(d)).toBe(true);
          return;
        }
        // Recorded (a sharp fall from the last percent too: the toast adds a note). The clicked card
        // is someone else's, so the receipt goes to the clicker privately.
        expect(res.toast?.type).toBe('success');
        expect(res.toast?.content).toMatch(/^进展已记录/);
        expect(d.newReports).toEqual([expect.objectContaining({ taskId: task.id, reporterId: liaison.id, kind: '进展', text: text.trim(), percent, source: 'card' })]);
        expectOnlyPermittedChanges(d, liaison, bot.tenantId, taskById);
      }),
      { numRuns: numRuns(40, 15) },
    );
  }, timeout(60_000));

  // Minimal counterexamples found by the properties above, kept as plain examples.
  it.skipIf(SKIP_KNOWN)('an id beyond the 32-bit range is refused in Chinese, not a crashed handler (PostgreSQL: int4 overflow)', async () => {
    for (const t of [2147483648, 4294967296, 2 ** 53 - 1, '2147483648', 1e300, '99999999999999999999']) {
      for (const value of [{ a: 'sign', t }, { a: 'extension', t }, { a: 'approve', t }]) {
        const before = await snapshot(bot.db);
        const res = await click('ou_demo_chengguan_liaison', value, undefined);
        await expectAnswered(res);
        expect(res.toast?.type).toBe('error');
        expect(isEmptyDiff(diff(before, await snapshot(bot.db)))).toBe(true);
      }
      const before = await snapshot(bot.db);
      const res = await click('ou_demo_chengguan_liaison', { a: 'submit_progress' }, { task: t, text: '进展' });
      await expectAnswered(res);
      expect(res.toast?.type).toMatch(/error|warning/);
      expect(isEmptyDiff(diff(before, await snapshot(bot.db)))).toBe(true);
    }
  });

  it.skipIf(SKIP_KNOWN)('a lone surrogate (half an emoji) in a form is stored or refused, never a crash', async () => {
    const task = ownTasks.find((t) => t.code === 'QY-2026-018')!; // 石堡镇
    for (const form of [{ text: '\ude00推' }, { text: '进展', problems: '问题\ud83d' }, { text: '进展', next: '\ud83d' }]) {
      const before = await snapshot(bot.db);
      const res = await click('ou_demo_shibao_liaison', { a: 'submit_progress' }, { task: String(task.id), ...form });
      await expectAnswered(res);
      if (res.toast?.type !== 'success') expect(isEmptyDiff(diff(before, await snapshot(bot.db)))).toBe(true);
    }
    const disputed = await click('ou_demo_shenpi_liaison', { a: 'dispute', t: ownTasks.find((t) => t.code === 'QY-2026-016')!.id }, { reason: '理由\udc00理由' });
    await expectAnswered(disputed);
  });

  it.skipIf(SKIP_KNOWN)('an invalid field in the progress form is explained in Chinese (zod said "Invalid input")', async () => {
    const task = ownTasks.find((t) => t.code === 'QY-2026-018')!; // 石堡镇
    const forms: Record<string, unknown>[] = [
      ...['abc', '50.5', '60%', '１００', '6０', '1e2', '0x10'].map((percent) => ({ percent })),
      { next: [] }, { problems: 5 }, { problems: { a: 1 } }, { next: null }, { text: ['进展'] },
    ];
    for (const form of forms) {
      const before = await snapshot(bot.db);
      const res = await click('ou_demo_shibao_liaison', { a: 'submit_progress' }, { task: String(task.id), text: '进展', ...form });
      await expectAnswered(res);
      expect(res.toast?.content, JSON.stringify(form)).toMatch(CHINESE);
      if (res.toast?.type !== 'success') expect(isEmptyDiff(diff(before, await snapshot(bot.db)))).toBe(true);
    }
  });

  it.skipIf(SKIP_KNOWN)('a NUL or other control character in a form is stored or refused, never a crash', async () => {
    const task = ownTasks.find((t) => t.code === 'QY-2026-018')!; // 石堡镇
    for (const text of ['进展\u0000已完成', '\u0000', '理由\u0000\u0001\u001f足够长']) {
      const before = await snapshot(bot.db);
      const res = await click('ou_demo_shibao_liaison', { a: 'submit_progress' }, { task: String(task.id), text, problems: text, next: text });
      await expectAnswered(res);
      const d = diff(before, await snapshot(bot.db));
      if (res.toast?.type !== 'success') expect(isEmptyDiff(d)).toBe(true);
    }
  });

  it.skipIf(SKIP_KNOWN)('the progress form never cuts an emoji in a task title in half (option text is sliced at 60 UTF-16 units)', async () => {
    // Runs last: it adds a task to the bot's tenant.
    const dir = tempDir('taizhang-emoji-');
    writeFileSync(path.join(dir, '台账.csv'), `编号,改革事项,牵头单位\nEM-1,${'x'.repeat(54)}😀试点,城关街道\n`);
    expect(await importLedger(bot.db, bot.tenantId, [dir])).toMatchObject({ ok: true });
    const res = await click('ou_demo_chengguan_liaison', { a: 'progress_form' }, undefined);
    await expectAnswered(res);
    // Not the clicker's own card: the form comes in their private chat.
    const form = await waitFor(() => bot.fake.botMessages({ openId: 'ou_demo_chengguan_liaison' }).find((m) => JSON.stringify(m.content).includes('EM-1 ')), 8_000);
    const options = JSON.stringify(form.content).match(/"content":"EM-1 [^"]*"/g) ?? [];
    expect(options).toHaveLength(1);
    expect(isWellFormed(JSON.parse(`{${options[0]}}`).content as string), options[0]).toBe(true);
  });
});
