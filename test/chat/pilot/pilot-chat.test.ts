// Issue 16 in the chat, end to end over real HTTP through the fake Feishu (SQLite and PostgreSQL):
// 成果 (unit records → office card → only the office confirms, once; a refusal needs a reason;
// a re-delivered message records once), 试点 (list; office registers and moves stages one step,
// audited; a liaison is refused), 简报 (office only: a card and the Word file through the outbox),
// 典型案例 (linked to tasks and achievements from the form) and 案例汇编 (a card and the Word file).
import JSZip from 'jszip';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../helpers/db.js';
import { waitFor } from '../../feishu/helpers.js';
import type { FakeFeishu } from '../../../src/sandbox/fake-feishu.js';
import type { AppContext } from '../../../src/app.js';
import { listAudit } from '../../../src/db/repos/audit.js';
import { type ChatBed, cardText, headerOf, startChatBed, textOf } from '../bed.js';

const LIAISON = 'ou_demo_chengguan_liaison'; // 袁媛, 城关街道 (leads QY-2026-009)
const OTHER_LIAISON = 'ou_demo_shibao_liaison'; // 程功, 石堡镇
const OFFICE = 'ou_demo_office_zhou'; // 周敏, 县委改革办
const GROUP = 'oc_demo_chengguan';
const OFFICE_GROUP = 'oc_demo_office';


describeEachDatabase('chat: 成果 / 试点 / 简报', (ctx) => {
  let bed: ChatBed;
  let fake: FakeFeishu;
  let app: AppContext;
  let tenantId: number;

  beforeAll(async () => {
    bed = await startChatBed(ctx(), { ledger: 'demo' });
    ({ fake, app, tenantId } = bed);
  });
  afterAll(() => bed?.close());

  let counter = 0;
  async function say(openId: string, text: string, chatId: string | undefined = GROUP, messageId = `om_pilot_${Date.now()}_${counter++}`) {
    const r = await fake.deliverMessageEvent({ senderOpenId: openId, text, messageId, ...(chatId ? { chatId } : {}) });
    expect(r.acked).toBe(true);
    return { messageId, reply: (await waitFor(() => fake.botMessages().find((m) => m.parentId === messageId), 8_000))! };
  }

  it('成果: recorded once per message, the office confirms once, a liaison cannot; the honour roll input changes', async () => {
    const before = await ctx().prisma.achievement.count({ where: { tenantId } });
    const msgId = `om_pilot_ach_${Date.now()}`;
    const first = await say(LIAISON, '@_user_1 成果 QY-2026-009 批示 社区协商议事经验获市委书记批示肯定', GROUP, msgId);
    expect(textOf(first.reply)).toBe('已记录成果：QY-2026-009 获上级批示肯定——社区协商议事经验获市委书记批示肯定。改革办确认后计入光荣榜（10 分）。');
    // The same message delivered again records nothing more.
    await fake.deliverMessageEvent({ senderOpenId: LIAISON, text: '@_user_1 成果 QY-2026-009 批示 社区协商议事经验获市委书记批示肯定', messageId: msgId, chatId: GROUP });
    await new Promise((r) => setTimeout(r, 300));
    expect(await ctx().prisma.achievement.count({ where: { tenantId } })).toBe(before + 1);
    const row = (await ctx().prisma.achievement.findFirst({ where: { tenantId, sourceRef: `msg:${msgId}` } }))!;
    expect(row.status).toBe('待确认');

    // Not a party to the task: refused. Unknown category: the reason lists them.
    expect(textOf((await say(OTHER_LIAISON, '@_user_1 成果 QY-2026-009 媒体 报道', 'oc_demo_shibao')).reply)).toContain('不能报送成果');
    expect(textOf((await say(LIAISON, '@_user_1 成果 QY-2026-009 点赞 很多人点赞')).reply)).toContain('请在编号后写成果类别（获上级批示肯定、');

    const card = await waitFor(() => fake.botMessages({ chatId: OFFICE_GROUP }).find((m) => headerOf(m) === '成果待确认' && cardText(m).includes('社区协商议事经验')), 8_000);
    const notOffice = await fake.clickCard({ messageId: card!.messageId, operatorOpenId: LIAISON, value: { a: 'achievement_confirm', t: row.id } });
    expect(notOffice.toast).toMatchObject({ type: 'error', content: '只有改革办可以确认成果。' });
    const noReason = await fake.clickCard({ messageId: card!.messageId, operatorOpenId: OFFICE, value: { a: 'achievement_reject', t: row.id }, formValue: { reason: '' } });
    expect(noReason.toast?.type).toBe('warning');
    const ok = await fake.clickCard({ messageId: card!.messageId, operatorOpenId: OFFICE, value: { a: 'achievement_confirm', t: row.id } });
    expect(ok.toast).toMatchObject({ type: 'success', content: '已确认' });
    const again = await fake.clickCard({ messageId: card!.messageId, operatorOpenId: OFFICE, value: { a: 'achievement_confirm', t: row.id } });
    expect(again.toast).toMatchObject({ type: 'info', content: expect.stringContaining('不能重复处理') });
    const after = (await ctx().prisma.achievement.findUnique({ where: { id: row.id } }))!;
    expect(after.status).toBe('已确认');
    expect(after.decidedAt).not.toBeNull();
    const audit = await listAudit(ctx().prisma, tenantId, { entity: 'achievement', entityId: String(row.id) });
    expect(audit.map((a) => a.action)).toEqual(['create', 'update']);
    expect(JSON.parse(audit[1]!.before!).status).toBe('待确认');
    await waitFor(() => fake.botMessages({ openId: LIAISON }).find((m) => headerOf(m) === '成果已确认'), 8_000);
  });

  it('试点: anyone lists by stage; only the office registers and moves stages, one step at a time, audited', async () => {
    const list = await say(LIAISON, '@_user_1 试点');
    expect(headerOf(list.reply)).toBe('试点台账（5 项）');
    for (const s of ['争取中', '已获批', '实施中', '总结评估', '经验形成']) expect(cardText(list.reply)).toContain(`**${s}**（1）`);

    expect(textOf((await say(LIAISON, '@_user_1 试点 QY-2026-009 已获批')).reply)).toBe('只有改革办可以变更试点阶段。');
    expect(textOf((await say(OFFICE, '试点 QY-2026-009 实施中', undefined)).reply)).toContain('下一阶段是「已获批」');
    expect(textOf((await say(OFFICE, '试点 QY-2026-009 已获批', undefined)).reply)).toBe('QY-2026-009 试点阶段已变更为「已获批」，已记入台账。');
    expect(textOf((await say(OFFICE, '试点 QY-2026-009 争取中', undefined)).reply)).toContain('须说明理由');
    const task = (await ctx().prisma.task.findFirst({ where: { tenantId, code: 'QY-2026-009' } }))!;
    const pilot = (await ctx().prisma.pilot.findFirst({ where: { tenantId, taskId: task.id } }))!;
    expect(pilot.stage).toBe('已获批');
    const audit = await listAudit(ctx().prisma, tenantId, { entity: 'pilot', entityId: String(pilot.id) });
    expect(audit.map((a) => [a.action, a.actor, a.after])).toEqual([['update', '周敏', JSON.stringify({ stage: '已获批', reason: null })]]);

    // Registering a new pilot; registering again changes nothing.
    expect(textOf((await say(OFFICE, '试点 QY-2026-013 省级 省农业农村厅', undefined)).reply)).toContain('已登记试点：QY-2026-013');
    expect(textOf((await say(OFFICE, '试点 QY-2026-013 市级', undefined)).reply)).toContain('已是试点（省级，争取中），未重复登记');
    const seenByLiaison = (await say(LIAISON, '@_user_1 试点 QY-2026-013')).reply;
    expect(headerOf(seenByLiaison)).toBe('试点 · QY-2026-013');
    // How to move the stage is the office's; a liaison's card does not show it.
    expect(cardText(seenByLiaison)).not.toContain('下一阶段');
    expect(cardText((await say(OFFICE, '试点 QY-2026-013', undefined)).reply)).toContain('推进到下一阶段：试点 QY-2026-013 已获批');
    // Not yet a pilot: the liaison hears that, the office how to register it.
    expect(textOf((await say(LIAISON, '@_user_1 试点 QY-2026-011')).reply)).not.toContain('登记示例');
    expect(textOf((await say(OFFICE, '试点 QY-2026-011', undefined)).reply)).toContain('登记示例：试点 QY-2026-011 省级 批准单位名称');
  });

  it('简报: a liaison is refused; the office gets the card and the Word file once', async () => {
    expect(textOf((await say(LIAISON, '@_user_1 简报')).reply)).toBe('只有县委改革办可以编发推广动态简报。');
    // Two replies to the message: the card and the file (in either order).
    const { messageId } = await say(OFFICE, '简报', undefined);
    const reply = (await waitFor(() => fake.botMessages().find((m) => m.parentId === messageId && m.msgType !== 'file'), 8_000))!;
    expect(headerOf(reply)).toBe('推广动态简报 · 2026年11月');
    expect(cardText(reply)).toContain('首批推广单位');
    expect(cardText(reply)).toContain('缺少懂经营的农创客');
    const file = await waitFor(() => fake.botMessages().find((m) => m.parentId === messageId && m.msgType === 'file'), 8_000);
    expect(file).toBeDefined();
    expect(fake.botMessages().filter((m) => m.parentId === messageId && m.msgType === 'file')).toHaveLength(1);
    const stored = fake.files.get((file!.content as { file_key: string }).file_key)!;
    expect(stored.fileName).toBe('推广动态简报-2026-11.docx');
    const zip = await JSZip.loadAsync(stored.bytes);
    expect(await zip.file('word/document.xml')!.async('string')).toContain('改革试点经验复制推广动态简报');
    // A month can be named; one not begun is refused.
    const october = await say(OFFICE, '简报 2026-10', undefined);
    const octoberCard = await waitFor(() => fake.botMessages().find((m) => m.parentId === october.messageId && m.msgType !== 'file'), 8_000);
    expect(headerOf(octoberCard)).toBe('推广动态简报 · 2026年10月');
    const octoberFile = await waitFor(() => fake.botMessages().find((m) => m.parentId === october.messageId && m.msgType === 'file'), 8_000);
    expect(fake.files.get((octoberFile!.content as { file_key: string }).file_key)!.fileName).toBe('推广动态简报-2026-10.docx');
    expect(textOf((await say(OFFICE, '简报 2027-01', undefined)).reply)).toBe('2027年1月尚未开始，无法生成。');
  });
  it('典型案例: the office sets the theme; a unit submits by card once; only the office comments and selects, once; the 汇编 has it', async () => {
    expect(textOf((await say(LIAISON, '@_user_1 案例主题 数字化改革')).reply)).toBe('只有县委改革办可以设定案例征集主题。');
    expect(textOf((await say(OFFICE, '案例主题 基层减负与数字赋能', undefined)).reply)).toMatch(/^已将2026年第四季度案例征集主题由「.+」改为「基层减负与数字赋能」.*此前已报送的案例保留/);
    expect((await ctx().prisma.caseTheme.findFirst({ where: { tenantId, quarter: '2026Q4' } }))!.theme).toBe('基层减负与数字赋能');
    expect((await listAudit(ctx().prisma, tenantId, { entity: 'case', entityId: 'theme:2026Q4' })).map((a) => a.action)).toEqual(['update']);
    // The same theme again is no change and says so plainly.
    expect(textOf((await say(OFFICE, '案例主题 基层减负与数字赋能', undefined)).reply)).toMatch(/^已设定2026年第四季度案例征集主题：基层减负与数字赋能/);

    // 案例 <编号>: each code is checked now; the form comes with 关联事项 filled in.
    expect(textOf((await say(LIAISON, '@_user_1 案例 QY-2026-099')).reply)).toContain('关联事项：没有找到编号为「QY-2026-099」的事项');
    expect(textOf((await say(LIAISON, '@_user_1 案例 qy-2026-009、011')).reply)).toBe('案例报送表单已私信发给您，请在与台账机器人的私聊中填写。');
    const form = await waitFor(() => fake.botMessages({ openId: LIAISON }).find((m) => headerOf(m) === '典型案例报送'), 8_000);
    expect(cardText(form)).toContain('主题：基层减负与数字赋能');
    expect(cardText(form)).toContain('"default_value":"QY-2026-009、QY-2026-011"');
    const incomplete = await fake.clickCard({ messageId: form!.messageId, operatorOpenId: LIAISON, value: { a: 'case_submit' }, formValue: { title: '网格议事' } });
    expect(incomplete.toast).toMatchObject({ type: 'warning', content: '请填写主要做法' });
    const values = { title: '“网格议事厅”让小事不出网格', background: '社区矛盾多', actions: '每个网格设议事厅，每周议事', results: '矛盾就地化解率 92%，上交事项下降 40%', contact: '袁媛 139', tasks: 'QY-2026-009、QY-2026-011' };
    const before = await ctx().prisma.typicalCase.count({ where: { tenantId } });
    // A code that is no task: nothing is recorded, the reason names it.
    const badLink = await fake.clickCard({ messageId: form!.messageId, operatorOpenId: LIAISON, value: { a: 'case_submit' }, formValue: { ...values, tasks: 'QY-2026-009 QY-2026-098' } });
    expect(badLink.toast).toMatchObject({ type: 'error', content: expect.stringContaining('没有找到编号为「QY-2026-098」的事项') });
    expect(await ctx().prisma.typicalCase.count({ where: { tenantId } })).toBe(before);
    const submitted = await fake.clickCard({ messageId: form!.messageId, operatorOpenId: LIAISON, value: { a: 'case_submit' }, formValue: values });
    expect(submitted.toast).toMatchObject({ type: 'success' });
    // The private form became the receipt (no form left to send again by mistake).
    expect(headerOf(fake.getMessage(form!.messageId))).toBe('案例已提交');
    expect(await ctx().prisma.typicalCase.count({ where: { tenantId } })).toBe(before + 1);
    const row = (await ctx().prisma.typicalCase.findFirst({ where: { tenantId, title: values.title } }))!;
    expect([row.stage, row.selected, row.quarter]).toEqual(['挖掘提升', false, '2026Q4']);
    // Linked: both tasks, and their achievements the office has not refused (the confirmed 批示 on 009, the pending 报道 on 011).
    const linkedTasks = await ctx().prisma.task.findMany({ where: { tenantId, code: { in: ['QY-2026-009', 'QY-2026-011'] } }, orderBy: { code: 'asc' } });
    expect(row.taskIds).toBe(linkedTasks.map((t) => t.id).join(','));
    const achievements = await ctx().prisma.achievement.findMany({ where: { tenantId, taskId: { in: linkedTasks.map((t) => t.id) }, status: { not: '不予认定' } }, orderBy: { id: 'asc' } });
    expect(achievements.map((a) => a.status).sort()).toEqual(['已确认', '待确认']);
    expect(row.achievementIds).toBe(achievements.map((a) => a.id).join(','));

    const review = await waitFor(() => fake.botMessages({ chatId: OFFICE_GROUP }).find((m) => headerOf(m) === '典型案例 · 待点评' && cardText(m).includes('网格议事厅')), 8_000);
    expect(cardText(review)).toContain('**关联事项**：QY-2026-009 ');
    expect(cardText(review)).toContain('社区协商议事经验获市委书记批示肯定（已确认）');
    expect(cardText(review)).toContain('（待确认）');
    const byLiaison = await fake.clickCard({ messageId: review!.messageId, operatorOpenId: LIAISON, value: { a: 'case_select', t: row.id }, formValue: { highlights: '好', value: '好', rating: 'A' } });
    expect(byLiaison.toast).toMatchObject({ type: 'error', content: '只有县委改革办可以点评和遴选案例。' });
    const badRating = await fake.clickCard({ messageId: review!.messageId, operatorOpenId: OFFICE, value: { a: 'case_select', t: row.id }, formValue: { highlights: '议事下沉', value: '可全面推广', rating: 'S' } });
    expect(badRating.toast).toMatchObject({ type: 'warning', content: '评级请填 A、B 或 C' });
    const ok = await fake.clickCard({ messageId: review!.messageId, operatorOpenId: OFFICE, value: { a: 'case_select', t: row.id }, formValue: { highlights: '议事下沉到网格', value: '可在各街道推广', rating: 'a' } });
    expect(ok.toast).toMatchObject({ type: 'success' });
    const again = await fake.clickCard({ messageId: review!.messageId, operatorOpenId: OFFICE, value: { a: 'case_select', t: row.id }, formValue: { highlights: '再来', value: '再来', rating: 'B' } });
    expect(again.toast).toMatchObject({ type: 'info', content: '该案例已入选汇编，不能重复遴选。' });
    const selected = (await ctx().prisma.typicalCase.findUnique({ where: { id: row.id } }))!;
    expect([selected.selected, selected.stage, selected.rating, selected.highlights]).toEqual([true, '培育推广', 'A', '议事下沉到网格']);
    // The submitter was told 「改革办点评后告知结果」: told privately, once (the second click selected nothing).
    const told = await waitFor(() => fake.botMessages({ openId: LIAISON }).find((m) => headerOf(m) === '案例已入选本季度汇编'), 8_000);
    expect(cardText(told)).toContain('网格议事厅');
    expect(cardText(told)).toContain('议事下沉到网格');
    expect(fake.botMessages({ openId: LIAISON }).filter((m) => headerOf(m) === '案例已入选本季度汇编')).toHaveLength(1);

    // The card, now 已入选, still shows the links.
    const selectedCard = fake.getMessage(review!.messageId);
    expect(headerOf(selectedCard)).toBe('典型案例 · 已入选汇编');
    expect(cardText(selectedCard)).toContain('**关联事项**：QY-2026-009 ');
    expect(cardText(selectedCard)).toContain('2026年第四季度 · 培育推广'); // the quarter's label, not its key

    // 案例汇编 (office only): a card and the Word file, with the case's tasks and confirmed achievements.
    expect(textOf((await say(LIAISON, '@_user_1 案例汇编')).reply)).toBe('只有县委改革办可以编印典型案例汇编。');
    expect(textOf((await say(OFFICE, '案例汇编 2027Q1', undefined)).reply)).toBe('2027年第一季度尚未开始，无法生成。');
    expect(textOf((await say(OFFICE, '案例汇编 2026Q3', undefined)).reply)).toContain('2026年第三季度还没有入选汇编的案例');
    const { messageId } = await say(OFFICE, '案例汇编', undefined);
    const bookCard = (await waitFor(() => fake.botMessages().find((m) => m.parentId === messageId && m.msgType !== 'file'), 8_000))!;
    expect(headerOf(bookCard)).toBe('典型案例汇编 · 2026年第四季度');
    expect(cardText(bookCard)).toContain('“网格议事厅”让小事不出网格');
    expect(cardText(bookCard)).toContain('关联 QY-2026-009、QY-2026-011');
    const file = await waitFor(() => fake.botMessages().find((m) => m.parentId === messageId && m.msgType === 'file'), 8_000);
    const stored = fake.files.get((file!.content as { file_key: string }).file_key)!;
    expect(stored.fileName).toBe('典型案例汇编-2026-Q4.docx');
    const xml = await (await JSZip.loadAsync(stored.bytes)).file('word/document.xml')!.async('string');
    expect(xml).toContain('“网格议事厅”让小事不出网格');
    expect(xml).toContain('主题：基层减负与数字赋能');
    expect(xml).toContain('关联事项与成果');
    expect(xml).toContain('社区协商议事经验获市委书记批示肯定');
    expect(xml).not.toContain('省电视台报道'); // linked but not confirmed: not printed
    expect(xml).toMatch(/QY-2026-009、QY-2026-011/); // the contents table
  });
  it('推广: a promoting unit reports by card (once per click, audited), a unit outside the plan is told, the office sees who reported', async () => {
    const SIFA = 'ou_demo_sifa_liaison'; // 谢婷, 县司法局: not in the plan
    expect(textOf((await say(SIFA, '推广', undefined)).reply)).toBe('县司法局目前不是任何推广方案的推广单位。');
    expect(textOf((await say(LIAISON, '@_user_1 推广')).reply)).toBe('推广进展报送表单（1 份）已私信发给您。');
    const form = await waitFor(() => fake.botMessages({ openId: LIAISON }).find((m) => headerOf(m) === '推广进展报送'), 8_000);
    const plan = (await ctx().prisma.promotionPlan.findFirst({ where: { tenantId } }))!;
    expect((await fake.clickCard({ messageId: form!.messageId, operatorOpenId: LIAISON, value: { a: 'promotion_submit', t: plan.id }, formValue: { progress: '' } })).toast)
      .toMatchObject({ type: 'warning', content: '请填写推广进展' });
    const before = await ctx().prisma.promotionReport.count({ where: { tenantId } });
    const ok = await fake.clickCard({ messageId: form!.messageId, operatorOpenId: LIAISON, value: { a: 'promotion_submit', t: plan.id }, formValue: { progress: '新增 3 个庭院经济点', problems: '', adaptations: '改为以社区为单位组织' } });
    expect(ok.toast).toMatchObject({ type: 'success', content: '推广进展已报送' });
    expect(await ctx().prisma.promotionReport.count({ where: { tenantId } })).toBe(before + 1);
    // A forged click for the plan by a unit outside it records nothing.
    const forged = await fake.clickCard({ messageId: form!.messageId, operatorOpenId: SIFA, value: { a: 'promotion_submit', t: plan.id }, formValue: { progress: '伪造' } });
    expect(forged.toast).toMatchObject({ type: 'error', content: '县司法局不在该推广方案的推广单位中。' });
    expect(await ctx().prisma.promotionReport.count({ where: { tenantId } })).toBe(before + 1);
    expect((await listAudit(ctx().prisma, tenantId, { entity: 'promotion' })).length).toBe(1);
    const office = await say(OFFICE, '推广', undefined);
    expect(headerOf(office.reply)).toBe('复制推广 · 2026年11月');
    expect(cardText(office.reply)).toContain('本月未报送');
    expect(cardText(office.reply)).toContain('本月已报送');
  });
});
