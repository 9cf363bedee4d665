// Issue 6 — chat messages through the REAL handlers, end to end over HTTP (fake Feishu → signed,
// encrypted event → webhook → durable inbox → InboxProcessor → createBotHandlers → outbox →
// Sender → fake Feishu), on SQLite and PostgreSQL. For random and hostile texts from every kind
// of demo user (and a stranger), in a group with @bot and in private chat: every message gets
// exactly one reply (text or card, replying to that message) in Chinese; nothing is written
// except a report (or an urge) that person may make; the inbox never records a handler error.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { sleep, waitFor } from '../feishu/helpers.js';
import { parseChatCommand, parseChatMessage } from '../../src/chat/parse.js';
import { stripMentions } from '../../src/feishu/normalize.js';
import { cleanText } from '../../src/core/text.js';
import { ALL_HANDS_CHAT_ID } from '../../src/demo/ledger.js';
import { SKIP_KNOWN, hostileString, hugeString, isWellFormed, unlessKnown } from './arbitraries.js';
import {
  CHINESE, STRANGER, diff, directory, expectInboxClean, expectOnlyPermittedChanges, headerOf, isEmptyDiff, messageText,
  repliesTo, runs, snapshot, startBot, timeout, waitForReply, type Bot, type PersonInfo, type TaskInfo,
} from './harness.js';
import type { FakeMessage } from '../../src/sandbox/fake-feishu.js';
import { MessageTooLargeError } from '../../src/sandbox/fake-feishu-payloads.js';

const GROUPS = ['oc_demo_office', 'oc_demo_chengguan', 'oc_demo_shibao', 'oc_demo_nongye', ALL_HANDS_CHAT_ID];
const RECEIPTS = ['进展已记录', '问题已记录', '完成情况已提交'];
const VERBS = ['进展', '进度', '汇报', '报送', '问题', '困难', '完成', '办结', '催办'];

describeEachDatabase('fuzz: chat messages', (ctx) => {
  let bot: Bot;
  let people: PersonInfo[];
  let byOpenId: Map<string, PersonInfo>;
  let taskById: Map<number, TaskInfo>;
  let ownTasks: TaskInfo[];
  const delivered: string[] = [];
  const numRuns = (sqlite: number, pg: number) => runs(ctx().provider === 'sqlite' ? sqlite : pg);

  beforeAll(async () => {
    bot = await startBot(ctx());
    const own = await directory(bot.db, bot.tenantId);
    const other = await directory(bot.db, bot.otherTenantId);
    people = own.people;
    byOpenId = own.byOpenId;
    ownTasks = own.tasks;
    taskById = new Map([...own.taskById, ...other.taskById]);
  });
  afterAll(async () => {
    await bot?.stop();
  });

  /** A code as people type it: full, lower case, full width, without prefix, in brackets, or wrong. */
  const codeArb = () => fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...ownTasks.map((t) => t.code)).chain((code) => fc.constantFrom(
      code, code.toLowerCase(), code.slice(-3), code.replace('QY-2026-', 'QY-'), `【${code}】`,
      code.replace(/[A-Z0-9-]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)), code.replace(/-/g, '—'),
    )) },
    { weight: 2, arbitrary: fc.constantFrom('QY-2026-999', '999', '0', 'QY', '2026', 'LY-012', 'qy-2026-01', '1') },
    { weight: 2, arbitrary: hostileString(12) },
  );
  const bodyArb = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('已召开推进会，形成初稿', '完成方案起草，下步征求意见 60%', '用地指标不足', '已印发实施方案', '请本周内报送', '进度 ６０％', '150%', '') },
    { weight: 5, arbitrary: hostileString(60) },
    { weight: 1, arbitrary: hugeString },
  );
  const textArb = () => fc.oneof(
    { weight: 5, arbitrary: fc.tuple(fc.constantFrom(...VERBS), fc.constantFrom(' ', '：', ':', '', '  ', '\u3000', '\n'), codeArb(), fc.constantFrom(' ', '，', '：', '、', '\t'), bodyArb)
      .map(([verb, s1, code, s2, body]) => `${verb}${s1}${code}${s2}${body}`) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom('我的任务', '任务', '台账', '台账 ', '台账：', '帮助', 'help', '菜单'), fc.oneof(fc.constant(''), fc.constantFrom('石堡', '石堡镇', '%', '_', '县', '不存在的单位'), hostileString(20)))
      .map(([cmd, rest]) => `${cmd}${rest}`) },
    { weight: 3, arbitrary: hostileString(80) },
    { weight: 1, arbitrary: hugeString },
  ).filter(unlessKnown);
  const senderArb = () => fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...people.map((p) => p.openId)) }, { weight: 1, arbitrary: fc.constant(STRANGER) });
  const placeArb = fc.oneof(fc.constant(undefined), fc.constantFrom(...GROUPS));

  /** The event Feishu pushes for this message, or undefined when Feishu would not send it (content over 150 KB). */
  async function deliver(opts: Parameters<Bot['fake']['deliverMessageEvent']>[0]) {
    try {
      return await bot.fake.deliverMessageEvent(opts);
    } catch (err) {
      if (err instanceof MessageTooLargeError) return undefined;
      throw err;
    }
  }

  /** Sends one message and waits until the bot answered it and the inbox row is finished (or a handler failed). */
  async function send(sender: string, text: string, chatId: string | undefined, messageType: 'text' | 'post' = 'text') {
    const r = await deliver({ senderOpenId: sender, text, messageType, ...(chatId ? { chatId } : {}) });
    if (!r) return undefined;
    expect(r.acked, `the event was not acknowledged: ${JSON.stringify(r.attempts)}`).toBe(true);
    delivered.push(r.messageId);
    const row = async () => bot.db.inboxEvent.findUnique({ where: { messageId: r.messageId }, select: { status: true, error: true } });
    await waitFor(async () => {
      const found = await row();
      return (found?.error) || (found?.status === 'done' && repliesTo(bot.fake, r.messageId).length > 0);
    }, 10_000, 10);
    const finished = await row();
    expect(finished, `the handler failed on ${JSON.stringify(text.slice(0, 80))}: ${finished?.error?.trim().slice(0, 400)}`).toEqual({ status: 'done', error: null });
    return { messageId: r.messageId, reply: await waitForReply(bot.fake, r.messageId) };
  }

  /** What the handler saw: the text without the @bot placeholder, cleaned (lone \r → \n), as src/feishu/normalize.ts does. */
  const seen = (text: string, chatId: string | undefined) => cleanText(stripMentions(chatId ? `@_user_1 ${text}` : text));

  function expectReplyContract(reply: FakeMessage, sender: string, input: string) {
    expect(['text', 'interactive']).toContain(reply.msgType);
    const shown = messageText(reply);
    expect(shown).toMatch(CHINESE);
    // No stack trace or internals — unless the person typed them and the reply quotes them.
    for (const leak of [/\n[ \t]+at .+:\d+:\d+/, /prisma/i, /TypeError/, /undefined/, /\[object Object\]/, /\bNaN\b/, /invocation/]) {
      if (!leak.test(input)) expect(shown, `the reply leaks internals: ${shown.slice(0, 300)}`).not.toMatch(leak);
    }
    if (!byOpenId.has(sender)) expect(shown).toContain('还没有登记');
  }

  it('answers every hostile message exactly once, in Chinese, and writes only what that person may write', async () => {
    await fc.assert(
      fc.asyncProperty(senderArb(), textArb(), placeArb, fc.constantFrom<'text' | 'post'>('text', 'text', 'text', 'post'), async (sender, text, chatId, messageType) => {
        const before = await snapshot(bot.db);
        const sent = await send(sender, text, chatId, messageType);
        const d = diff(before, await snapshot(bot.db));
        if (!sent) {
          // Over Feishu's own message limit: the bot never hears of it, so nothing may change.
          expect(isEmptyDiff(d)).toBe(true);
          return;
        }
        const { messageId, reply } = sent;
        expectReplyContract(reply, sender, text);
        expect(repliesTo(bot.fake, messageId)).toHaveLength(1);
        const operator = byOpenId.get(sender);
        expectOnlyPermittedChanges(d, operator, bot.tenantId, taskById);
        // Several commands in one message (one per line, or per code after one verb): one summary reply,
        // and every report written is one of those commands (parseChatMessage; any code may be known here).
        const several = messageType === 'text' ? parseChatMessage(seen(text, chatId)).map((c) => c.command) : [];
        if (several.length > 1 && !(reply.msgType === 'interactive' && RECEIPTS.includes(headerOf(reply)))) {
          expect(d.newReports.length).toBeLessThanOrEqual(several.length);
          for (const r of d.newReports) {
            expect(several.some((c) => 'codeText' in c && 'text' in c && c.text === r.text && (!('percent' in c) || c.percent === r.percent))).toBe(true);
          }
          return;
        }
        const receipt = reply.msgType === 'interactive' && RECEIPTS.includes(headerOf(reply));
        if (receipt) {
          expect(d.newReports).toHaveLength(1);
          if (messageType === 'text') {
            const command = parseChatCommand(seen(text, chatId));
            expect(command.kind).toMatch(/^(progress|problem|complete)$/);
            if (command.kind === 'progress' || command.kind === 'problem' || command.kind === 'complete') {
              expect(d.newReports[0]).toMatchObject({ text: command.text, percent: command.percent, kind: { progress: '进展', problem: '问题', complete: '完成' }[command.kind], source: 'chat' });
            }
          }
        } else {
          expect(d.newReports).toEqual([]);
          expect(d.changedTasks).toEqual([]);
          // An urge is the one write that answers with text: it is audited, nothing else changes.
          if (d.newAudit.length > 0) {
            expect(operator?.roles).toContain('ADMIN');
            expect(messageText(reply)).toMatch(/^已向/);
          }
        }
      }),
      { numRuns: numRuns(150, 50) },
    );
  }, timeout(60_000));

  it('ignores group messages that do not @ the bot: no reply, nothing written', async () => {
    await fc.assert(
      fc.asyncProperty(senderArb(), textArb(), fc.constantFrom(...GROUPS), async (sender, text, chatId) => {
        const before = await snapshot(bot.db);
        const r = await deliver({ senderOpenId: sender, text, chatId, mentionBot: false });
        if (!r) return;
        expect(r.acked).toBe(true);
        await waitFor(async () => (await bot.db.inboxEvent.findUnique({ where: { messageId: r.messageId } }))?.status !== 'pending', 10_000, 10);
        await sleep(30);
        expect(repliesTo(bot.fake, r.messageId)).toEqual([]);
        expect(isEmptyDiff(diff(before, await snapshot(bot.db)))).toBe(true);
      }),
      { numRuns: numRuns(25, 10) },
    );
  }, timeout(60_000));

  it.skipIf(SKIP_KNOWN)('never @-mentions anyone by echoing what was typed (text replies quote the input)', async () => {
    const inject = fc.constantFrom('<at user_id="all">所有人</at>', '<at user_id="ou_demo_office_zhou">周敏</at>', '<at id=all></at>');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('ou_demo_chengguan_liaison', 'ou_demo_office_zhou'), inject,
        fc.constantFrom((x: string) => x, (x: string) => `你好${x}`, (x: string) => `台账 ${x}`, (x: string) => `进展 QY-2026-006 ${x}`, (x: string) => `催办 QY-2026-006 ${x}`),
        async (sender, tag, wrap) => {
          const { reply } = (await send(sender, wrap(tag), 'oc_demo_chengguan'))!;
          expect(messageText(reply), `the bot's reply contains a live @ tag: ${messageText(reply)}`).not.toMatch(/<at\b/i);
        },
      ),
      { numRuns: numRuns(15, 5) },
    );
  }, timeout(60_000));

  it.skipIf(SKIP_KNOWN)('a half emoji (lone surrogate) in a message gets a reply, not a crashed handler', async () => {
    // The quoted input is cut at 30/100 UTF-16 units and the report text goes to the database.
    for (const text of ['你'.repeat(29) + '😀后面', 'x'.repeat(99) + '😀abc', '进展 QY-2026-006 推进\ud83d', '问题 QY-2026-006 \ude00']) {
      const { reply } = (await send('ou_demo_chengguan_liaison', text, undefined))!;
      expect(isWellFormed(messageText(reply)), `reply is not well-formed UTF-16: ${JSON.stringify(messageText(reply))}`).toBe(true);
    }
  });

  it.skipIf(SKIP_KNOWN)('台账 with a LIKE wildcard finds no unit instead of every unit', async () => {
    for (const unit of ['%', '_', '__', '%镇']) {
      const { reply } = (await send('ou_demo_office_zhou', `台账 ${unit}`, undefined))!;
      expect(messageText(reply)).toContain(`没有找到名称含「${unit}」的单位`);
    }
  });

  it('every delivered message has exactly one reply once the outbox is idle, and the inbox is clean', async () => {
    await bot.rt.sender.waitUntilIdle(20_000);
    await sleep(100);
    const counts = delivered.map((id) => repliesTo(bot.fake, id).length);
    expect(counts.filter((n) => n !== 1)).toEqual([]);
    const outbox = await bot.db.outboxMessage.findMany({ where: { status: 'failed' }, select: { kind: true, receiveId: true, error: true } });
    expect(outbox).toEqual([]);
    await expectInboxClean(bot.db);
  });
});
