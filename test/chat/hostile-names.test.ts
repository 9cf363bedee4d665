// Issue 11, Security: ledger names reach cards and texts only through the one escaping module
// (src/cards/markup.ts). A unit, a person, a task title, a milestone, an owner, a reason and a
// report text are each written to @所有人 or to show a masked link; the bot is driven end to end
// over the fake Feishu (任务交办单, 「已签收 · 名字」, receipts, the problem / urge / review /
// dispute / extension / percent-fall notices, a recall, my tasks, the ledger summary, help, text
// replies, the summary of a several-command message) and every job is planned on the same ledger.
// Every markdown element and every text message must show the names as written — never as markup.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { waitFor } from '../feishu/helpers.js';
import type { FakeFeishu, FakeMessage } from '../../src/sandbox/fake-feishu.js';
import type { FeishuRuntime } from '../../src/feishu/runtime.js';
import { dispatchTasks } from '../../src/chat/handlers.js';
import type { AppContext } from '../../src/app.js';
import { putSetting } from '../../src/db/repos/settings.js';
import { ALL_HANDS_CHAT_ID } from '../../src/demo/ledger.js';
import { planJob } from '../../src/jobs/run.js';
import { JOB_NAMES } from '../../src/jobs/settings.js';
import { shanghaiInstant } from '../../src/core/dates.js';
import { createWorkingCalendar } from '../../src/core/calendar-data.js';
import { type ChatBed, headerOf, startChatBed } from './bed.js';

const AT_ALL = '<at id=all></at>';
const AT_ALL_TEXT = '<at user_id="all"></at>';
const LINK = '[点此重新登录](https://example.invalid)';
const FONT = "<font color='red'>**假通知**</font>";

const LIAISON = 'ou_demo_chengguan_liaison';
const SHENPI = 'ou_demo_shenpi_liaison';
const OFFICE = 'ou_demo_office_zhou';
const GROUP = 'oc_demo_chengguan';
const OFFICE_GROUP = 'oc_demo_office';

/** What a markdown element is allowed to contain: markup we wrote, never markup a name brings. */
const RAW_HOSTILE = [/<at\b/i, /\]\(\s*https?:/i, /\[点此重新登录\]/, /<font color='red'>\*\*假通知/];

/** Every markdown string of a card (elements, columns, forms…, and lark_md texts). */
function markdownOf(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) markdownOf(n, out);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if ((o['tag'] === 'markdown' || o['tag'] === 'lark_md') && typeof o['content'] === 'string') out.push(o['content']);
    for (const v of Object.values(o)) markdownOf(v, out);
  }
  return out;
}

/** Numeric entities undone: what a person reads. */
const decode = (s: string) => s.replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)));

/** Checks one card or text and returns what people read in it (for "the names did arrive"). */
function checkContent(msgType: string, content: unknown, where: string): string {
  if (msgType === 'text') {
    const text = (content as { text: string }).text;
    for (const re of [/<at\b/i, /\]\(\s*https?:/i, /<\/?(?:i|u|s|b)>/]) expect(text, `${where}: a text message carries live markup`).not.toMatch(re);
    return text;
  }
  const mds = markdownOf(content);
  for (const m of mds) for (const re of RAW_HOSTILE) expect(m, `${where}: markdown carries a name as markup`).not.toMatch(re);
  return mds.map(decode).join('\n');
}

function checkMessage(m: FakeMessage): string {
  const shown = [checkContent(m.msgType, m.content, `${m.msgType} ${m.messageId}`)];
  for (const u of m.updates) shown.push(checkContent('interactive', u.content, `update of ${m.messageId}`));
  return shown.join('\n');
}

describeEachDatabase('hostile names in every card and reply', (ctx) => {
  let bed: ChatBed;
  let fake: FakeFeishu;
  let rt: FeishuRuntime;
  let app: AppContext;
  let tenantId: number;
  const seen: string[] = [];

  beforeAll(async () => {
    bed = await startChatBed(ctx(), { ledger: 'workbook' });
    ({ fake, rt, app, tenantId } = bed);
    const db = ctx().prisma;
    // The hostile ledger: names as an attacker (or a careless import) would write them.
    await db.unit.updateMany({ where: { tenantId, name: '城关街道' }, data: { name: `城关街道${AT_ALL}` } });
    await db.unit.updateMany({ where: { tenantId, name: '石堡镇' }, data: { name: `石堡镇${LINK}` } });
    await db.person.updateMany({ where: { tenantId, openId: LIAISON }, data: { name: `${LINK}袁媛` } });
    await db.person.updateMany({ where: { tenantId, openId: OFFICE }, data: { name: `周敏${AT_ALL}` } });
    await db.person.updateMany({ where: { tenantId, openId: 'ou_demo_leader_wang' }, data: { name: `王建国${FONT}` } });
    for (const code of ['QY-2026-006', 'QY-2026-009', 'QY-2026-011', 'QY-2026-010', 'QY-2026-013', 'QY-2026-016']) {
      await db.task.updateMany({ where: { tenantId, codeKey: code }, data: { title: `${AT_ALL}${LINK}${FONT}${code}`, ownerName: `${AT_ALL}董明`, deliverable: LINK } });
    }
    for (const m of await db.milestone.findMany({ where: { task: { tenantId } } })) await db.milestone.update({ where: { id: m.id }, data: { title: `${LINK}节点${m.id}` } });
    await putSetting(db, tenantId, 'recipients', { allHandsChatId: ALL_HANDS_CHAT_ID }, 'test');
  });
  afterAll(() => bed?.close());

  let n = 0;
  async function say(openId: string, text: string, chatId: string | undefined = GROUP) {
    const messageId = `om_hostile_${Date.now()}_${n++}`;
    expect((await fake.deliverMessageEvent({ senderOpenId: openId, text, messageId, ...(chatId ? { chatId } : {}) })).acked).toBe(true);
    return { messageId, reply: await waitFor(() => fake.botMessages().find((m) => m.parentId === messageId), 8_000) };
  }
  const task = (code: string) => ctx().prisma.task.findFirstOrThrow({ where: { tenantId, codeKey: code } });

  it('drives every chat card and reply with hostile names: nothing @s everyone or shows a masked link', async () => {
    // 任务交办单 (title, unit, owner, deliverable, milestones) and 「已签收 · 名字」.
    const t9 = await task('QY-2026-009');
    await dispatchTasks(app, tenantId, [t9.id]);
    const dispatch = await waitFor(() => fake.botMessages({ openId: LIAISON }).find((m) => headerOf(m) === '任务交办单'), 8_000);
    const signed = await fake.clickCard({ messageId: dispatch.messageId, operatorOpenId: LIAISON, value: { a: 'sign', t: t9.id } });
    expect(signed.toast).toMatchObject({ type: 'success' });
    expect(decode(markdownOf(signed.card).join('\n'))).toContain(`已签收 · ${LINK}袁媛 · `);

    // Reports with hostile text: receipt, problem notice, completion → review card, rejection.
    const t6 = await task('QY-2026-006');
    await say(LIAISON, `进展 QY-2026-006 ${AT_ALL_TEXT}${LINK} 80%`);
    await say(LIAISON, `问题 QY-2026-006 ${FONT}${AT_ALL}`);
    await say(LIAISON, `进展 QY-2026-006 进度回退 ${LINK} 30%`);
    await say(LIAISON, `完成 QY-2026-006 ${LINK}已建成`);
    const review = await waitFor(() => fake.botMessages({ chatId: OFFICE_GROUP }).find((m) => headerOf(m) === '销号审核'), 8_000);
    const rejected = await fake.clickCard({ messageId: review.messageId, operatorOpenId: OFFICE, value: { a: 'reject', t: t6.id }, formValue: { reason: `${AT_ALL}缺少${LINK}` } });
    expect(rejected.toast).toMatchObject({ type: 'success' });
    seen.push(checkContent('interactive', (rejected.card as { data?: unknown } | undefined)?.data, 'rejected review'));

    // The office urges (text reply naming the unit and people; notice cards) and answers a dispute.
    const urge = await say(OFFICE, `催办 QY-2026-009 ${AT_ALL_TEXT}请本周内报送${LINK}`, OFFICE_GROUP);
    expect(urge.reply.msgType).toBe('text');
    const t16 = await task('QY-2026-016');
    await dispatchTasks(app, tenantId, [t16.id]);
    const dispatch16 = await waitFor(() => fake.botMessages({ openId: SHENPI }).find((m) => headerOf(m) === '任务交办单'), 8_000);
    await fake.clickCard({ messageId: dispatch16.messageId, operatorOpenId: SHENPI, value: { a: 'dispute', t: t16.id }, formValue: { reason: `${AT_ALL}${LINK}应由他局牵头` } });
    const dispute = await waitFor(() => fake.botMessages({ chatId: OFFICE_GROUP }).find((m) => headerOf(m).startsWith('交办异议')), 8_000);
    seen.push(checkContent('interactive', ((await fake.clickCard({ messageId: dispute.messageId, operatorOpenId: OFFICE, value: { a: 'resolve', t: t16.id, to: '推进中' } })).card as { data?: unknown } | undefined)?.data, 'resolved'));
    await fake.clickCard({ messageId: dispatch.messageId, operatorOpenId: LIAISON, value: { a: 'extension', t: t9.id } });

    // Queries, help, text replies that quote what was typed, a several-command message, a recall.
    await say(LIAISON, '我的任务');
    await say(OFFICE, '台账', OFFICE_GROUP);
    await say(OFFICE, '台账 城关', OFFICE_GROUP);
    await say(LIAISON, '帮助');
    await say(LIAISON, `${AT_ALL_TEXT}${LINK}你好`);
    await say(LIAISON, `进展 ${LINK}`);
    await say(OFFICE, `台账 ${AT_ALL_TEXT}`, OFFICE_GROUP);
    const several = await say(LIAISON, `进展 QY-2026-009 ${LINK}第一条 40%\n进展 QY-2026-099 ${AT_ALL_TEXT}`);
    expect(headerOf(several.reply)).toMatch(/这条消息共 2 条/);
    const recalled = await say(LIAISON, `问题 QY-2026-009 ${AT_ALL}${LINK}撤回前`);
    await waitFor(() => fake.botMessages({ chatId: OFFICE_GROUP }).find((m) => headerOf(m) === '问题反映：QY-2026-009'), 8_000);
    await fake.recallMessage(recalled.messageId);
    await waitFor(() => fake.botMessages({ openId: LIAISON }).find((m) => m.msgType === 'text' && JSON.stringify(m.content).includes('撤回')), 8_000);
    await waitFor(() => fake.botMessages({ chatId: OFFICE_GROUP }).find((m) => m.updates.some((u) => JSON.stringify(u.content).includes('已撤回'))), 8_000);
    await rt.sender.waitUntilIdle(10_000);

    for (const m of fake.botMessages()) seen.push(checkMessage(m));
    const all = seen.join('\n');
    // The names did reach the cards — shown as written.
    for (const name of [AT_ALL, LINK, FONT, `${LINK}袁媛`, `城关街道${AT_ALL}`, `周敏${AT_ALL}`, `${LINK}节点`]) expect(all).toContain(name);
    expect(all).not.toMatch(/taizhang|npx |npm /);
    // …and the text messages show them with look-alike characters, never as tags or links.
    expect(all).toContain('＜at user_id="all"＞＜/at＞');
    expect(all).toContain('［点此重新登录］(https://example.invalid)');
    expect(fake.botMessages().filter((m) => m.msgType === 'text').length).toBeGreaterThanOrEqual(4);
  });

  it('plans every job on the hostile ledger: no card carries a name as markup', async () => {
    const db = ctx().prisma;
    const calendar = createWorkingCalendar();
    const moments: [string, string][] = [['2026-11-23', '09:00'], ['2026-11-27', '09:30'], ['2026-11-25', '10:00'], ['2026-11-30', '08:30'], ['2026-12-01', '10:00'], ['2026-10-08', '10:30'], ['2026-07-01', '11:00'], ['2027-01-04', '11:00'], ['2026-12-01', '09:00']];
    let cards = 0;
    const shown: string[] = [];
    for (const job of JOB_NAMES) {
      for (const [date, time] of moments) {
        const plan = await planJob(db, tenantId, job, shanghaiInstant(date, time), calendar);
        for (const m of plan.messages) {
          shown.push(checkContent('interactive', m.card, `${job} ${date}`));
          cards++;
        }
      }
    }
    expect(cards).toBeGreaterThan(20);
    const all = shown.join('\n');
    for (const name of [AT_ALL, LINK, FONT, `${LINK}节点`]) expect(all).toContain(name);
    // A card for officials never tells them to run a command line.
    expect(all).not.toMatch(/taizhang|npx |npm /);
  });
});
