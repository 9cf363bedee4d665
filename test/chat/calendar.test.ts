// 「日历」 in the chat, end to end over real HTTP through the fake Feishu (SQLite and PostgreSQL):
// everyone may look at a year or a day; only the office loads the State Council's schedule (a day
// or a range, 上班/放假, a name) and removes entries; bad dates and words get a Chinese reason with
// an example; office-typed names cannot @ everyone or inject markdown.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { waitFor } from '../feishu/helpers.js';
import type { FakeFeishu, FakeMessage } from '../../src/sandbox/fake-feishu.js';
import type { AppContext } from '../../src/app.js';
import { type ChatBed, startChatBed, textOf } from './bed.js';
import { listAudit } from '../../src/db/repos/audit.js';
import { listCalendarDays } from '../../src/db/repos/calendar.js';

const LIAISON = 'ou_demo_chengguan_liaison'; // 袁媛, 城关街道
const OFFICE = 'ou_demo_office_zhou'; // 周敏, 县委改革办
const GROUP = 'oc_demo_chengguan';

/** The whole card header (title and template) — not bed.ts's headerOf, which is the title only. */
const headerOf = (m: FakeMessage | undefined) => ((m?.content as { header?: { title?: { content?: string }; template?: string } })?.header) ?? {};
const markdownOf = (m: FakeMessage | undefined) =>
  ((m?.content as { body?: { elements?: { tag: string; content?: string }[] } })?.body?.elements ?? []).filter((e) => e.tag === 'markdown').map((e) => e.content).join('\n');

describeEachDatabase('chat: 日历', (ctx) => {
  let bed: ChatBed;
  let fake: FakeFeishu;
  let app: AppContext;
  let tenantId: number;

  beforeAll(async () => {
    bed = await startChatBed(ctx(), { ledger: 'workbook' });
    ({ fake, app, tenantId } = bed);
  });
  afterAll(() => bed?.close());

  let counter = 0;
  /** A message from a person (in the unit group with @, or privately) and the bot's reply to it. */
  async function say(openId: string, text: string, chatId: string | undefined = GROUP) {
    const messageId = `om_cal_${Date.now()}_${counter++}`;
    const r = await fake.deliverMessageEvent({ senderOpenId: openId, text, messageId, ...(chatId ? { chatId } : {}) });
    expect(r.acked).toBe(true);
    return (await waitFor(() => fake.botMessages().find((m) => m.parentId === messageId), 8_000))!;
  }
  const entries = async () => (await listCalendarDays(ctx().prisma, tenantId)).map((r) => [r.date, r.kind, r.name]);

  it('anyone sees a year not in the library: the computed holidays with their source, in an orange card', async () => {
    const reply = await say(LIAISON, '@_user_1 日历 2027');
    expect(headerOf(reply)).toMatchObject({ title: { content: '2027 年工作日历' }, template: 'orange' });
    const md = markdownOf(reply);
    expect(md).toContain('2027 年放假安排：尚未载入——法定节假日已按放假办法推算，调休安排未知');
    expect(md).toContain('2027-01-01 周五 放假 元旦〔法定推算〕');
    expect(md).toContain('2027-02-10 周三 放假 春节补假〔法定推算·补假估计〕');
    expect(md).not.toContain('taizhang');
    // A known year, full-width digits and a colon: blue, from the library.
    const known = await say(LIAISON, '@_user_1 日历：２０２６');
    expect(headerOf(known)).toMatchObject({ title: { content: '2026 年工作日历' }, template: 'blue' });
    expect(markdownOf(known)).toContain('2026-10-10 周六 上班 国庆节调休上班〔库数据〕');
    // One day.
    expect(textOf(await say(LIAISON, '@_user_1 日历 2027年2月8日'))).toMatch(/^2027-02-08（周一）：休息日（春节）〔法定推算〕\n注意：2027 年的放假安排尚未载入/);
  });

  it('only the office may change it; a liaison is told so and nothing is stored', async () => {
    const reply = await say(LIAISON, '@_user_1 日历 2027-02-20 上班 春节调休');
    expect(textOf(reply)).toBe('只有县委改革办可以修改工作日历。您可以发送「日历 2027」或「日历 2027-02-20」查看。');
    expect(await entries()).toEqual([]);
  });

  it('the office loads a range and a make-up Saturday, privately, and removes a day; each change audited', async () => {
    const range = await say(OFFICE, '日历 2027-02-05 至 2027-02-13 放假 春节', undefined);
    expect(textOf(range)).toContain('已设置 2027-02-11（周四）：休息日（春节）〔改革办设置〕；原为工作日（工作日）');
    expect(textOf(range)).toContain('共改动 9 天，已记入审计日志');
    const makeUp = await say(OFFICE, '日历 2027-02-20 上班 春节调休', undefined);
    expect(textOf(makeUp)).toBe('已设置 2027-02-20（周六）：工作日（春节调休上班）〔改革办设置〕；原为休息日（周末）\n共改动 1 天，已记入审计日志；提醒和督办颜色即按新日历计算。');
    expect(await entries()).toContainEqual(['2027-02-20', 'workday', '春节调休']);
    expect((await entries()).filter(([, kind]) => kind === 'holiday')).toHaveLength(9);
    // The year now reads as loaded by the office, everywhere the calendar is used.
    const year = await say(LIAISON, '@_user_1 日历 2027');
    expect(headerOf(year)).toMatchObject({ template: 'blue' });
    expect(markdownOf(year)).toContain('2027-02-20 周六 上班 春节调休上班〔改革办设置〕');
    expect((await app.calendars.calendarFor(tenantId)).isWorkingDay('2027-02-20')).toBe(true);

    const removed = await say(OFFICE, '日历 2027-02-13 删除', undefined);
    expect(textOf(removed)).toBe('已删除设置 2027-02-13（周六）：休息日（周末）；原为休息日（春节）\n共改动 1 天，已记入审计日志；提醒和督办颜色即按新日历计算。');
    expect(textOf(await say(OFFICE, '日历 2027-02-13 删除', undefined))).toBe('2027-02-13：没有改革办的设置，未改动');
    const office = await ctx().prisma.person.findFirstOrThrow({ where: { tenantId, openId: OFFICE } });
    const audit = await listAudit(ctx().prisma, tenantId, { entity: 'calendar' });
    expect(audit.every((a) => a.actor === `person:${office.id}`)).toBe(true);
    expect(audit.map((a) => a.action)).toEqual([...Array(9).fill('create'), 'create', 'delete']);
  });

  it('bad dates and words: a Chinese reason with an example, nothing stored', async () => {
    const before = await entries();
    expect(textOf(await say(OFFICE, '日历 2027-02-30 放假', undefined))).toMatch(/^「2027-02-30」不是有效日期（2027 年 2 月没有 30 日）。日期写作 2027-02-06\n可以这样说：\n日历 2027　查看全年放假安排/);
    expect(textOf(await say(OFFICE, '日历 2027-03-01 请假', undefined))).toBe('「请假」应为「上班」或「放假」（也可写 workday / holiday），如：日历 2027-02-11 放假 春节');
    expect(textOf(await say(OFFICE, '日历 下周一 放假', undefined))).toMatch(/^「下周一」不是日期。日期写作 2027-02-06/);
    expect(textOf(await say(OFFICE, '日历 2027-03-01~2027-05-01 放假', undefined))).toMatch(/一次最多设置 31 天/);
    expect(textOf(await say(OFFICE, '日历 2027-03-01~03-03', undefined))).toBe('请说明这几天是「上班」还是「放假」，如：日历 2027-02-11 放假 春节');
    expect(textOf(await say(OFFICE, '日历 1999', undefined))).toBe('只能查看 2000–2099 年的日历。示例：日历 2027');
    expect(await entries()).toEqual(before);
  });

  it('a name typed by the office cannot @ everyone or become markdown, in the reply or in the year card', async () => {
    const reply = await say(OFFICE, '日历 2027-03-01 放假 <at id=all></at>', undefined);
    expect(textOf(reply)).not.toContain('<at');
    expect(textOf(reply)).toContain('＜at id=all＞＜/at＞');
    await say(OFFICE, '日历 2027-03-02 放假 **[点此](https://example.invalid)**', undefined);
    const year = markdownOf(await say(LIAISON, '@_user_1 日历 2027'));
    expect(year).not.toContain('<at id=all>');
    expect(year).not.toContain('[点此](https://example.invalid)');
    expect(year).not.toMatch(/\*\*\[/);
  });
});
