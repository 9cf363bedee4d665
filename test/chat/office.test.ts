// Issue 14 end to end, over the signed webhook against the fake Feishu: the card actions as text
// commands (签收, 异议, 异议处理, 销号, 退回, 交办单, 撤回), 延期 by text and by form with the office's
// 同意 / 驳回, answers to problems (回复, 已协调, 转办), 暂缓 / 恢复, 批示, 查看, 待办, 未报送, and the
// daily re-issue of waited-on cards before Feishu's 14-day limit (moved business clock). Each:
// who may and who may not, and twice is once.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { testApp } from '../helpers/app.js';
import { demoDirectory } from '../../src/demo/directory.js';
import { DEMO_WORKBOOK } from '../helpers/workbooks.js';
import { startBotOnFake, waitFor } from '../feishu/helpers.js';
import { FakeFeishu, type FakeMessage } from '../../src/sandbox/fake-feishu.js';
import type { FeishuRuntime } from '../../src/feishu/runtime.js';
import { importLedger } from '../../src/ledger/import/index.js';
import { createBotHandlers, dispatchTasks } from '../../src/chat/handlers.js';
import type { AppContext } from '../../src/app.js';
import { FixedClock } from '../../src/clock.js';
import { shanghaiInstant } from '../../src/core/dates.js';
import { runJob } from '../../src/jobs/run.js';
import { cardText, headerOf } from './bed.js';

const CHENGGUAN = 'ou_demo_chengguan_liaison'; // 袁媛, 城关街道
const SHIBAO = 'ou_demo_shibao_liaison'; // 程功, 石堡镇
const SHIBAO_HEAD = 'ou_demo_shibao_head'; // 潘强
const SHENPI = 'ou_demo_shenpi_liaison'; // 萧雨, 县行政审批服务局
const NONGYE = 'ou_demo_nongye_liaison'; // 张晓燕, 县农业农村局
const ZIRAN = 'ou_demo_ziran_liaison'; // 邓佳, 县自然资源局
const OFFICE = 'ou_demo_office_zhou'; // 周敏
const LEADER_LI = 'ou_demo_leader_li'; // 李红梅: leads QY-2026-011
const LEADER_WANG = 'ou_demo_leader_wang';
const OFFICE_GROUP = 'oc_demo_office';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeEachDatabase('the office runs the ledger from Feishu', (ctx) => {
  let fake: FakeFeishu;
  let rt: FeishuRuntime;
  let app: AppContext;
  let clock: FixedClock;
  let tenantId: number;

  beforeAll(async () => {
    fake = await FakeFeishu.start({ ...demoDirectory(), redeliveryScheduleMs: [60_000] });
    clock = new FixedClock(new Date('2026-11-23T01:30:00Z'));
    app = await testApp(ctx(), { tenantKey: fake.tenantKey, clock });
    tenantId = app.defaultTenant.id;
    const imported = await importLedger(ctx().prisma, tenantId, [DEMO_WORKBOOK]);
    if (!imported.ok) throw new Error('demo import failed');
    ({ rt } = await startBotOnFake(fake, { db: ctx(), handlers: createBotHandlers(app) }));
  });
  afterAll(async () => {
    await rt?.stop();
    await fake?.close();
  });

  let counter = 0;
  async function say(openId: string, text: string, chatId: string | null = null) {
    const messageId = `om_office_${Date.now()}_${counter++}`;
    const r = await fake.deliverMessageEvent({ senderOpenId: openId, text, messageId, ...(chatId ? { chatId } : {}) });
    expect(r.acked).toBe(true);
    const reply = await waitFor(() => fake.botMessages().find((m) => m.parentId === messageId), 8_000);
    return { delivery: r, messageId, reply, text: cardText(reply) };
  }
  const task = (code: string) => ctx().prisma.task.findFirstOrThrow({ where: { tenantId, codeKey: code } });
  const audits = async (code: string) => ctx().prisma.auditLog.count({ where: { tenantId, entity: 'task', entityId: String((await task(code)).id) } });
  const find = (pred: (m: FakeMessage) => boolean) => waitFor(() => fake.botMessages().find(pred), 8_000);
  const count = (pred: (m: FakeMessage) => boolean) => fake.botMessages().filter(pred).length;

  it('签收 and 异议 by text: only the lead unit, a reason required, twice is once; the office answers and can give the task to another unit', async () => {
    // 签收 QY-2026-009 (城关街道): another unit refused, the lead unit signs, a second time is harmless.
    expect((await say(SHIBAO, '签收 QY-2026-009')).text).toContain('只有牵头单位（城关街道）的人员可以签收');
    expect((await task('QY-2026-009')).status).toBe('待签收');
    expect((await say(CHENGGUAN, '签收 009')).text).toContain('已签收 QY-2026-009');
    expect((await task('QY-2026-009')).status).toBe('推进中');
    const before = await audits('QY-2026-009');
    expect((await say(CHENGGUAN, '签收 QY-2026-009')).text).toContain('已签收过，无需重复签收');
    expect(await audits('QY-2026-009')).toBe(before);

    // 异议 QY-2026-016 (县行政审批服务局): the reason is required, then the office gets the card with the answer form.
    expect((await say(SHENPI, '异议 QY-2026-016')).text).toMatch(/缺少异议理由.*示例：异议 QY-2026-\d{3}/s);
    expect((await say(SHENPI, '异议 QY-2026-016 应由县大数据中心或县自然资源局牵头')).text).toContain('已对 QY-2026-016 提出异议');
    expect((await task('QY-2026-016')).status).toBe('有异议');
    const card = await find((m) => m.chatId === OFFICE_GROUP && headerOf(m) === '交办异议：QY-2026-016');
    expect(cardText(card)).toContain('应由县大数据中心或县自然资源局牵头');
    expect(cardText(card)).toContain('"name":"answer"');
    expect((await say(SHENPI, '异议 QY-2026-016 再说一次')).text).toContain('异议已提交，正在等待改革办处理');

    // Only the office resolves; 改由 县自然资源局: the lead unit changes (audited before → after), both units are told, the new one gets the 交办单.
    expect((await say(SHENPI, '异议处理 QY-2026-016 推进 好的')).text).toContain('只有改革办可以处理异议');
    const resolved = await say(OFFICE, '异议处理 QY-2026-016 改由 县自然资源局 经研究由自然资源局牵头', OFFICE_GROUP);
    expect(resolved.text).toContain('已改由县自然资源局牵头');
    const t16 = await ctx().prisma.task.findFirstOrThrow({ where: { tenantId, codeKey: 'QY-2026-016' }, include: { leadUnit: true } });
    expect([t16.status, t16.leadUnit.name]).toEqual(['待签收', '县自然资源局']);
    const moved = await ctx().prisma.auditLog.findFirst({ where: { tenantId, entity: 'task', entityId: String(t16.id), action: 'update', after: { contains: 'leadUnit' } }, orderBy: { id: 'desc' } });
    expect(JSON.parse(moved!.before!)).toEqual({ leadUnit: '县行政审批服务局' });
    expect(JSON.parse(moved!.after!)).toMatchObject({ leadUnit: '县自然资源局', reason: '经研究由自然资源局牵头' });
    const told = await find((m) => m.receiveId === SHENPI && headerOf(m) === '异议已处理：QY-2026-016');
    expect(cardText(told)).toContain('改革办答复：经研究由自然资源局牵头');
    await find((m) => m.receiveId === ZIRAN && headerOf(m) === '任务交办单' && cardText(m).includes('QY-2026-016'));
    // The former unit can no longer sign; the new one can.
    expect((await say(SHENPI, '签收 QY-2026-016')).text).toContain('只有牵头单位（县自然资源局）');
    expect((await say(ZIRAN, '签收 QY-2026-016')).text).toContain('已签收');
  });

  it('a dispute answered on its card always carries the office\'s answer to the unit', async () => {
    // Re-open a dispute on a fresh 待签收 task: QY-2026-016 was signed; dispute 009? It is signed too — use a new import row via status.
    const t = await task('QY-2026-009');
    await ctx().prisma.task.update({ where: { id: t.id }, data: { status: '待签收' } });
    expect((await say(CHENGGUAN, '异议 QY-2026-009 该事项应由民政部门牵头')).text).toContain('已对 QY-2026-009 提出异议');
    const card = await find((m) => m.chatId === OFFICE_GROUP && headerOf(m) === '交办异议：QY-2026-009');
    const notOffice = await fake.clickCard({ messageId: card!.messageId, operatorOpenId: CHENGGUAN, value: { a: 'resolve', t: t.id, to: '推进中' }, formValue: { answer: '自己处理' } });
    expect(notOffice.toast).toMatchObject({ type: 'error', content: '只有改革办可以处理异议。' });
    const ok = await fake.clickCard({ messageId: card!.messageId, operatorOpenId: OFFICE, value: { a: 'resolve', t: t.id, to: '推进中' }, formValue: { answer: '民政职能已划转街道，请牵头推进', unit: '' } });
    expect(ok.toast).toMatchObject({ type: 'success' });
    expect((await task('QY-2026-009')).status).toBe('推进中');
    const told = await find((m) => m.receiveId === CHENGGUAN && headerOf(m) === '异议已处理：QY-2026-009');
    expect(cardText(told)).toContain('民政职能已划转街道，请牵头推进');
    const again = await fake.clickCard({ messageId: card!.messageId, operatorOpenId: OFFICE, value: { a: 'resolve', t: t.id, to: '推进中' }, formValue: { answer: '再次' } });
    expect(again.toast).toMatchObject({ type: 'error', content: expect.stringContaining('没有待处理的异议') });
    expect(count((m) => m.receiveId === CHENGGUAN && headerOf(m) === '异议已处理：QY-2026-009')).toBe(1);
  });

  it('交办单 re-sends a fresh 任务交办单 (lead unit or office only, only while 待签收)', async () => {
    expect((await say(SHIBAO, '交办单 QY-2026-016')).text).toContain('任务交办单只发给牵头单位（县自然资源局）和改革办');
    expect((await say(OFFICE, '交办单 QY-2026-016', OFFICE_GROUP)).text).toContain('不需要签收，无需重发');
    const t = await task('QY-2026-016');
    await ctx().prisma.task.update({ where: { id: t.id }, data: { status: '待签收' } });
    const before = count((m) => m.receiveId === ZIRAN && headerOf(m) === '任务交办单');
    const r = await say(OFFICE, '交办单 QY-2026-016', OFFICE_GROUP);
    expect(r.text).toContain('已向县自然资源局重新发送 QY-2026-016 的任务交办单');
    await waitFor(() => count((m) => m.receiveId === ZIRAN && headerOf(m) === '任务交办单') === before + 1 || undefined, 8_000);
    await fake.redeliver(r.delivery.eventId);
    await sleep(300);
    expect(count((m) => m.receiveId === ZIRAN && headerOf(m) === '任务交办单')).toBe(before + 1);
    expect((await say(ZIRAN, '签收 QY-2026-016')).text).toContain('已签收');
  });

  it('销号 / 退回 by text (office only, reason for 退回, twice is once) and 撤回 of a completion awaiting review (lead unit only)', async () => {
    // 完成 QY-2026-018 (石堡镇) → 待销号; the co-unit 县司法局 cannot withdraw it; the lead unit can, once.
    await say(SHIBAO, '完成 QY-2026-018 已印发综合执法事项目录');
    expect((await task('QY-2026-018')).status).toBe('待销号');
    expect((await say('ou_demo_sifa_liaison', '撤回 QY-2026-018')).text).toContain('只有牵头单位（石堡镇）的人员可以撤回完成报告');
    const w = await say(SHIBAO, '撤回 QY-2026-018');
    expect(w.text).toContain('已撤回 QY-2026-018 的完成报告，事项恢复为「推进中」');
    const t18 = await task('QY-2026-018');
    expect([t18.status, t18.completedOn]).toEqual(['推进中', null]);
    expect(await ctx().prisma.progressReport.count({ where: { taskId: t18.id, kind: '完成', withdrawnAt: { not: null } } })).toBe(1);
    await find((m) => m.chatId === OFFICE_GROUP && headerOf(m) === '完成报告已撤回：QY-2026-018');
    expect((await say(SHIBAO, '撤回 QY-2026-018')).text).toContain('没有等待审核的完成报告');
    // The office's review card turns grey; its button is refused by the state anyway.
    const review = await find((m) => m.chatId === OFFICE_GROUP && cardText(m).includes('"content":"销号审核') && cardText(m).includes('QY-2026-018'));
    await waitFor(() => headerOf(fake.getMessage(review!.messageId)) === '销号审核 · 已撤回' || undefined, 8_000);
    expect(cardText(fake.getMessage(review!.messageId))).toContain('牵头单位已撤回完成报告');
    expect((await fake.clickCard({ messageId: review!.messageId, operatorOpenId: OFFICE, value: { a: 'approve', t: t18.id } })).toast).toMatchObject({ content: expect.stringContaining('推进中') });
    expect((await task('QY-2026-018')).status).toBe('推进中');

    // Report again; 退回 needs a reason and the office; then 销号.
    await say(SHIBAO, '完成 QY-2026-018 已印发综合执法事项目录（修订）');
    expect((await say(SHIBAO, '销号 QY-2026-018')).text).toContain('只有改革办可以审核销号');
    expect((await say(OFFICE, '退回 QY-2026-018', OFFICE_GROUP)).text).toContain('缺少退回理由');
    expect((await say(OFFICE, '退回 QY-2026-018 缺少印发文件', OFFICE_GROUP)).text).toContain('已退回 QY-2026-018');
    expect((await task('QY-2026-018')).status).toBe('推进中');
    const back = await find((m) => m.receiveId === SHIBAO && headerOf(m) === '销号被退回：QY-2026-018');
    expect(cardText(back)).toContain('缺少印发文件');
    await say(SHIBAO, '完成 QY-2026-018 已补充印发文件');
    expect((await say(OFFICE, '销号 QY-2026-018', OFFICE_GROUP)).text).toContain('已同意 QY-2026-018 销号');
    const closed = await task('QY-2026-018');
    expect([closed.status, closed.closedOn]).toEqual(['已销号', '2026-11-23']);
    const n = await audits('QY-2026-018');
    expect((await say(OFFICE, '销号 QY-2026-018', OFFICE_GROUP)).text).toContain('不能再同意销号');
    expect(await audits('QY-2026-018')).toBe(n);
  });

  it('延期 by text: the office approves on its card (not the unit), the deadline moves, the first one is kept, unit and lead leaders are told; twice is once', async () => {
    // QY-2026-011 (石堡镇, led by 李红梅), deadline 2026-10-15.
    expect((await say(SHIBAO, '延期 QY-2026-011 下月底')).text).toContain('请先写新的完成时限');
    expect((await say(SHIBAO, '延期 QY-2026-011 2026-10-01 来不及')).text).toContain('应晚于今天');
    expect((await say('ou_demo_nongye_liaison', '延期 QY-2026-011 2027-03-31 配合单位申请')).text).toContain('只有牵头单位（石堡镇）可以申请延期');
    const asked = await say(SHIBAO, '延期 QY-2026-011 2027年3月31日 秋粮收储推迟，田管家标准需待收储后验证');
    expect(asked.text).toContain('由 2026-10-15 延至 2027-03-31');
    await fake.redeliver(asked.delivery.eventId);
    expect((await say(SHIBAO, '延期 QY-2026-011 2027-04-30 再延一个月')).text).toContain('正在等待改革办审批');
    const t = await task('QY-2026-011');
    expect(await ctx().prisma.extensionRequest.count({ where: { taskId: t.id } })).toBe(1);
    const card = await find((m) => m.chatId === OFFICE_GROUP && headerOf(m) === '延期审批' && cardText(m).includes('QY-2026-011'));
    expect(cardText(card)).toContain('2027-03-31');
    // Pending requests are listed in the office's 待办.
    expect((await say(OFFICE, '待办', OFFICE_GROUP)).text).toMatch(/延期申请（1）.*QY-2026-011/s);

    const req = await ctx().prisma.extensionRequest.findFirstOrThrow({ where: { taskId: t.id } });
    const forged = await fake.clickCard({ messageId: card!.messageId, operatorOpenId: SHIBAO, value: { a: 'approve_extension', t: t.id, r: req.id } });
    expect(forged.toast).toMatchObject({ type: 'error', content: '只有改革办可以审批延期。' });
    expect((await task('QY-2026-011')).deadline).toBe('2026-10-15');
    const ok = await fake.clickCard({ messageId: card!.messageId, operatorOpenId: OFFICE, value: { a: 'approve_extension', t: t.id, r: req.id } });
    expect(ok.toast).toMatchObject({ type: 'success', content: '已同意，完成时限改为 2027-03-31' });
    const after = await task('QY-2026-011');
    expect([after.deadline, after.originalDeadline]).toEqual(['2027-03-31', '2026-10-15']);
    expect(cardText(fake.getMessage(card!.messageId))).toContain('延期审批 · 已同意');
    const again = await fake.clickCard({ messageId: card!.messageId, operatorOpenId: OFFICE, value: { a: 'approve_extension', t: t.id, r: req.id } });
    expect(again.toast).toMatchObject({ type: 'info' });
    const told = await find((m) => m.receiveId === SHIBAO && headerOf(m) === '延期已同意：QY-2026-011');
    expect(cardText(told)).toContain('由 2026-10-15 调整为');
    await find((m) => m.receiveId === SHIBAO_HEAD && headerOf(m) === '延期已同意：QY-2026-011');
    await find((m) => m.receiveId === LEADER_LI && headerOf(m) === '领衔事项延期：QY-2026-011');
    await sleep(300);
    expect(count((m) => m.receiveId === SHIBAO && headerOf(m) === '延期已同意：QY-2026-011')).toBe(1);
    const audit = await ctx().prisma.auditLog.findFirst({ where: { tenantId, entity: 'task', entityId: String(t.id), after: { contains: '"extension"' } } });
    expect(JSON.parse(audit!.before!)).toEqual({ deadline: '2026-10-15' });
  });

  it('申请延期 on a card opens a form (privately); the office rejects with a reason and the unit hears why', async () => {
    // QY-2026-006 (城关街道): the my-tasks card in the unit's group; 申请延期 → the form in the private chat.
    const t = await task('QY-2026-006');
    const mine = await say(CHENGGUAN, '我的任务', 'oc_demo_chengguan');
    const click = await fake.clickCard({ messageId: mine.reply!.messageId, operatorOpenId: CHENGGUAN, value: { a: 'extension', t: t.id } });
    expect(click.toast).toMatchObject({ content: expect.stringContaining('延期申请表已私信发给您') });
    const form = await find((m) => m.receiveId === CHENGGUAN && headerOf(m) === '延期申请');
    const other = await fake.clickCard({ messageId: mine.reply!.messageId, operatorOpenId: SHIBAO, value: { a: 'extension', t: t.id } });
    expect(other.toast).toMatchObject({ type: 'error', content: expect.stringContaining('城关街道') });
    const bad = await fake.clickCard({ messageId: form!.messageId, operatorOpenId: CHENGGUAN, value: { a: 'submit_extension', t: t.id }, formValue: { date: '明年', reason: '施工延误' } });
    expect(bad.toast).toMatchObject({ type: 'warning', content: expect.stringContaining('新的完成时限') });
    const sent = await fake.clickCard({ messageId: form!.messageId, operatorOpenId: CHENGGUAN, value: { a: 'submit_extension', t: t.id }, formValue: { date: '2027/2/28', reason: '冬季停工，口袋公园绿化需开春后完成' } });
    expect(sent.toast).toMatchObject({ type: 'success', content: '延期申请已提交改革办' });
    const card = await find((m) => m.chatId === OFFICE_GROUP && headerOf(m) === '延期审批' && cardText(m).includes('QY-2026-006'));
    const req = await ctx().prisma.extensionRequest.findFirstOrThrow({ where: { taskId: t.id } });
    expect(req.toDeadline).toBe('2027-02-28');
    const noReason = await fake.clickCard({ messageId: card!.messageId, operatorOpenId: OFFICE, value: { a: 'reject_extension', t: t.id, r: req.id }, formValue: { reason: '' } });
    expect(noReason.toast).toMatchObject({ type: 'warning' });
    const rejected = await fake.clickCard({ messageId: card!.messageId, operatorOpenId: OFFICE, value: { a: 'reject_extension', t: t.id, r: req.id }, formValue: { reason: '请调整施工组织，按期完成' } });
    expect(rejected.toast).toMatchObject({ type: 'success', content: '已驳回' });
    expect((await task('QY-2026-006')).deadline).toBe('2026-12-31');
    const told = await find((m) => m.receiveId === CHENGGUAN && headerOf(m) === '延期未同意：QY-2026-006');
    expect(cardText(told)).toContain('请调整施工组织，按期完成');
  });

  it('a problem reported to the office: 回复 / 已协调 / 转办 on its card (office only, once); the reporter is told the result', async () => {
    const p = await say(SHIBAO, '问题 QY-2026-011 田管家服务标准需农业农村局出具技术意见');
    expect(p.text).toContain('问题已记录');
    const card = await find((m) => m.chatId === OFFICE_GROUP && headerOf(m) === '问题反映：QY-2026-011');
    const report = await ctx().prisma.progressReport.findFirstOrThrow({ where: { tenantId, kind: '问题', text: { contains: '田管家服务标准' } } });
    const t = await task('QY-2026-011');
    const forged = await fake.clickCard({ messageId: card!.messageId, operatorOpenId: SHIBAO, value: { a: 'problem_done', t: t.id, r: report.id }, formValue: { answer: '自己协调好了' } });
    expect(forged.toast).toMatchObject({ type: 'error', content: '只有改革办可以处理问题反映。' });
    const noUnit = await fake.clickCard({ messageId: card!.messageId, operatorOpenId: OFFICE, value: { a: 'problem_transfer', t: t.id, r: report.id }, formValue: { answer: '请农业农村局出具意见', unit: '' } });
    expect(noUnit.toast).toMatchObject({ type: 'warning', content: '转办请填写承办单位' });
    const moved = await fake.clickCard({ messageId: card!.messageId, operatorOpenId: OFFICE, value: { a: 'problem_transfer', t: t.id, r: report.id }, formValue: { answer: '请县农业农村局一周内出具技术意见', unit: '农业农村局' } });
    expect(moved.toast).toMatchObject({ type: 'success', content: expect.stringContaining('已转办 县农业农村局') });
    const told = await find((m) => m.receiveId === SHIBAO && headerOf(m) === '问题已转办：QY-2026-011');
    expect(cardText(told)).toContain('请县农业农村局一周内出具技术意见');
    await find((m) => m.receiveId === NONGYE && headerOf(m) === '转办问题：QY-2026-011');
    const again = await fake.clickCard({ messageId: card!.messageId, operatorOpenId: OFFICE, value: { a: 'problem_reply', t: t.id, r: report.id }, formValue: { answer: '再答复一次' } });
    expect(again.toast).toMatchObject({ type: 'info', content: expect.stringContaining('已处理') });
    expect(await ctx().prisma.problemAnswer.count({ where: { reportId: report.id } })).toBe(1);
  });

  it('暂缓 / 恢复 (office only, a reason to pause): lead unit, co-units and lead leaders are told', async () => {
    expect((await say(SHIBAO, '暂缓 QY-2026-013 等待政策')).text).toContain('只有改革办可以调整台账');
    expect((await say(OFFICE, '暂缓 QY-2026-013', OFFICE_GROUP)).text).toContain('缺少暂缓理由');
    expect((await say(OFFICE, '暂缓 QY-2026-013 上级农村产权交易政策调整', OFFICE_GROUP)).text).toContain('已由「推进中」调整为「暂缓」');
    expect((await task('QY-2026-013')).status).toBe('暂缓');
    // 白马滩镇 leads; 县自然资源局 and 县农业农村局 co-operate; 李红梅 leads it.
    for (const who of ['ou_demo_baima_liaison', ZIRAN, NONGYE, LEADER_LI]) {
      const m = await find((x) => x.receiveId === who && headerOf(x) === '事项暂缓：QY-2026-013');
      expect(cardText(m)).toContain('上级农村产权交易政策调整');
    }
    expect((await say(OFFICE, '暂缓 QY-2026-013 再次', OFFICE_GROUP)).text).toContain('已经暂缓');
    expect((await say(OFFICE, '恢复 QY-2026-013', OFFICE_GROUP)).text).toContain('已由「暂缓」调整为「推进中」');
    expect((await say(OFFICE, '恢复 QY-2026-013', OFFICE_GROUP)).text).toContain('并未暂缓');

    // 撤销 QY-2026-014 (县司法局; 县农业农村局 co-operates): office only, a reason, then it leaves every count.
    const before = (await say(OFFICE, '台账', OFFICE_GROUP)).text;
    expect((await say('ou_demo_sifa_liaison', '撤销 QY-2026-014 不做了')).text).toContain('只有改革办可以调整台账');
    expect((await say(OFFICE, '撤销 QY-2026-014', OFFICE_GROUP)).text).toContain('缺少撤销理由');
    expect((await say(OFFICE, '撤销 QY-2026-014 县委深改委决定不再实施', OFFICE_GROUP)).text).toContain('已由「推进中」调整为「已撤销」');
    expect((await task('QY-2026-014')).status).toBe('已撤销');
    for (const who of ['ou_demo_sifa_liaison', NONGYE]) {
      const m = await find((x) => x.receiveId === who && headerOf(x) === '事项已撤销：QY-2026-014');
      expect(cardText(m)).toContain('县委深改委决定不再实施');
    }
    expect((await say(OFFICE, '撤销 QY-2026-014 再撤一次', OFFICE_GROUP)).text).toContain('改革办已撤销该事项');
    expect((await say('ou_demo_sifa_liaison', '进展 QY-2026-014 继续推进 50%')).text).toContain('已被改革办撤销');
    const total = (t: string) => Number(/共 \*\*(\d+)\*\* 项/.exec(JSON.parse(t).body.elements[0].content)?.[1]);
    expect(total((await say(OFFICE, '台账', OFFICE_GROUP)).text)).toBe(total(before) - 1);
  });

  it('批示: a leader on an item they lead (not another leader, not a unit); recorded once, sent to the unit and the office, shown by 查看', async () => {
    expect((await say(LEADER_WANG, '批示 QY-2026-011 加快进度')).text).toContain('只有该事项的领衔领导可以作出批示');
    expect((await say(SHIBAO, '批示 QY-2026-011 加快进度')).text).toContain('只有该事项的领衔领导');
    const r = await say(LEADER_LI, '批示 QY-2026-011 请抓住秋收窗口，年底前形成标准初稿');
    expect(r.text).toContain('批示已记录，已送石堡镇和改革办');
    await fake.redeliver(r.delivery.eventId);
    await sleep(300);
    const t = await task('QY-2026-011');
    expect(await ctx().prisma.instruction.count({ where: { taskId: t.id } })).toBe(1);
    await find((m) => m.receiveId === SHIBAO && headerOf(m) === '领导批示：QY-2026-011');
    await find((m) => m.chatId === OFFICE_GROUP && headerOf(m) === '领导批示：QY-2026-011');

    // The leader's weekly digest shows it.
    const digest = await runJob(app, 'digest', shanghaiInstant('2026-11-30', '08:30'), { dryRun: true });
    const li = digest.messages.find((m) => m.recipient.receiveId === LEADER_LI);
    expect(JSON.stringify(li?.card)).toContain('李红梅批示');
    expect(JSON.stringify(li?.card)).toContain('请抓住秋收窗口');

    // 查看: fields (with the extension), latest progress, the timeline.
    const view = await say(SHIBAO_HEAD, '查看 011');
    expect(headerOf(view.reply)).toBe('QY-2026-011 · 推进中');
    for (const s of ['原时限 2026-10-15，已延期', '申请延期至 2027-03-31', '延期已同意', '领导批示 · 李红梅', '反映问题 · 程功', '问题已转办']) expect(view.text).toContain(s);
  });

  it('待办, 我的任务 and 未报送 say what waits on whom', async () => {
    const office = await say(OFFICE, '待办', OFFICE_GROUP);
    expect(headerOf(office.reply)).toBe('改革办 · 待办');
    expect(office.text).toMatch(/待审核销号（\d+）.*QY-2026-005/s);
    // 城关街道: nothing to sign now; 县行政审批服务局 has none either; a liaison sees their unit's to-dos.
    const unit = await say(CHENGGUAN, '待办');
    expect(headerOf(unit.reply)).toBe('城关街道 · 待办');
    expect(unit.text).toContain('未报送进展');
    const leader = await say(LEADER_LI, '待办');
    expect(leader.text).toMatch(/领衔事项.*QY-2026-011/s);
    expect((await say(CHENGGUAN, '未报送')).text).toContain('只有改革办可以查看未报送情况');
    const unreported = await say(OFFICE, '未报送', OFFICE_GROUP);
    expect(headerOf(unreported.reply)).toContain('未报送');
    expect(unreported.text).toMatch(/县卫生健康局|县公安局/);
  });

  it('同意延期 / 驳回延期 and 答复 / 已协调 / 转办 by text: office only, on the request or problem waiting on the task', async () => {
    // QY-2026-010 (县行政审批服务局, deadline 2026-12-20).
    expect((await say(SHENPI, '同意延期 QY-2026-010')).text).toContain('只有改革办可以审批延期');
    expect((await say(OFFICE, '同意延期 QY-2026-010', OFFICE_GROUP)).text).toContain('没有等待审批的延期申请');
    await say(SHENPI, '延期 QY-2026-010 2027-03-31 专区改造推迟');
    expect((await say(OFFICE, '驳回延期 QY-2026-010', OFFICE_GROUP)).text).toContain('缺少驳回理由');
    expect((await say(OFFICE, '驳回延期 QY-2026-010 请按期完成', OFFICE_GROUP)).text).toContain('已驳回 QY-2026-010 的延期申请');
    await find((m) => m.receiveId === SHENPI && headerOf(m) === '延期未同意：QY-2026-010');
    await say(SHENPI, '延期 QY-2026-010 2027-01-31 专区改造需跨年');
    expect((await say(OFFICE, '同意延期 010', OFFICE_GROUP)).text).toContain('完成时限由 2026-12-20 改为 2027-01-31');
    const t = await task('QY-2026-010');
    expect([t.deadline, t.originalDeadline]).toEqual(['2027-01-31', '2026-12-20']);
    expect((await say(OFFICE, '同意延期 010', OFFICE_GROUP)).text).toContain('没有等待审批的延期申请');
    // A request left waiting while the task was closed out is not approved: the task needs no new deadline.
    await say(SHENPI, '延期 QY-2026-010 2027-02-28 再延一个月');
    const t10 = await task('QY-2026-010');
    await ctx().prisma.task.update({ where: { id: t10.id }, data: { status: '已销号' } });
    expect((await say(OFFICE, '同意延期 010', OFFICE_GROUP)).text).toContain('已销号');
    expect((await task('QY-2026-010')).deadline).toBe('2027-01-31');
    await ctx().prisma.task.update({ where: { id: t10.id }, data: { status: '推进中' } });
    expect((await say(OFFICE, '驳回延期 010 已按期推进', OFFICE_GROUP)).text).toContain('已驳回');
    // Both lead leaders (王建国, 赵志强) hear of it.
    await find((m) => m.receiveId === LEADER_WANG && headerOf(m) === '领衔事项延期：QY-2026-010');
    await find((m) => m.receiveId === 'ou_demo_leader_zhao' && headerOf(m) === '领衔事项延期：QY-2026-010');

    await say(SHENPI, '问题 QY-2026-010 专区场地需县自然资源局协调');
    expect((await say(SHENPI, '转办 QY-2026-010 县自然资源局 请协调')).text).toContain('只有改革办可以处理问题反映');
    expect((await say(OFFICE, '转办 QY-2026-010 县自然资源局 请一周内协调专区场地', OFFICE_GROUP)).text).toContain('已转县自然资源局办理');
    const told = await find((m) => m.receiveId === SHENPI && headerOf(m) === '问题已转办：QY-2026-010');
    expect(cardText(told)).toContain('请一周内协调专区场地');
    await find((m) => m.receiveId === ZIRAN && headerOf(m) === '转办问题：QY-2026-010');
    expect((await say(OFFICE, '答复 QY-2026-010 已处理', OFFICE_GROUP)).text).toContain('没有等待协调的问题');
  });

  it('台账 <单位> lists the unit\'s tasks, led and co-operated on, marked as such', async () => {
    const r = await say(OFFICE, '台账 石堡镇', OFFICE_GROUP);
    expect(headerOf(r.reply)).toBe('石堡镇改革台账');
    const rows = (JSON.parse(r.text) as { body: { elements: { tag: string; rows?: { code: string; role: string }[] }[] } }).body.elements.filter((e) => e.tag === 'table').flatMap((e) => e.rows ?? []);
    expect(rows).toEqual(expect.arrayContaining([
      expect.objectContaining({ code: 'QY-2026-011', role: '牵头' }),
      expect.objectContaining({ code: 'QY-2026-018', role: '牵头' }),
      expect.objectContaining({ code: 'QY-2026-001', role: '配合' }),
      expect.objectContaining({ code: 'QY-2026-005', role: '配合' }),
    ]));
    expect(rows.some((x) => x.code === 'QY-2026-009')).toBe(false);
  });

  it('调整 <编号> and 新增事项: forms (office only), a reason required, what changed (before → after) told to everyone concerned; twice is once', async () => {
    // QY-2026-013: 白马滩镇 leads, 县自然资源局 and 县农业农村局 co-operate, 李红梅 leads it, 完成时限 2026-12-10.
    expect((await say(SHIBAO, '调整 QY-2026-013')).text).toContain('只有改革办可以调整台账');
    const form = await say(OFFICE, '调整 QY-2026-013', OFFICE_GROUP);
    expect(headerOf(form.reply)).toBe('调整事项：QY-2026-013');
    expect(form.text).toContain('"default_value":"2026-12-10"');
    const t = await task('QY-2026-013');
    const values = { deadline: '2027-01-31', leadUnit: '白马滩镇', coUnits: '县自然资源局', leaders: '李红梅、王建国', owner: '姜涛', milestones: '首批交易规则印发 2026-12-20', reason: '' };
    const forged = await fake.clickCard({ messageId: form.reply!.messageId, operatorOpenId: SHIBAO, value: { a: 'submit_edit', t: t.id }, formValue: { ...values, reason: '我自己改' } });
    expect(forged.toast).toMatchObject({ type: 'error', content: '只有改革办可以调整台账。' });
    expect((await fake.clickCard({ messageId: form.reply!.messageId, operatorOpenId: OFFICE, value: { a: 'submit_edit', t: t.id }, formValue: values })).toast).toMatchObject({ type: 'error', content: expect.stringContaining('理由') });
    expect((await fake.clickCard({ messageId: form.reply!.messageId, operatorOpenId: OFFICE, value: { a: 'submit_edit', t: t.id }, formValue: { ...values, coUnits: '县大数据中心', reason: '会议决定' } })).toast).toMatchObject({ type: 'error', content: expect.stringContaining('县大数据中心') });
    const ok = await fake.clickCard({ messageId: form.reply!.messageId, operatorOpenId: OFFICE, value: { a: 'submit_edit', t: t.id }, formValue: { ...values, reason: '县委深改委会议决定' } });
    expect(ok.toast).toMatchObject({ type: 'success', content: expect.stringContaining('已调整 4 项') });
    const after = await ctx().prisma.task.findUniqueOrThrow({ where: { id: t.id }, include: { coUnits: true, leadLeaders: true, milestones: true } });
    expect([after.deadline, after.originalDeadline, after.status]).toEqual(['2027-01-31', '2026-12-10', '已调整']);
    expect(after.coUnits).toHaveLength(1);
    expect(after.leadLeaders).toHaveLength(2);
    expect(after.milestones.find((m) => m.title === '首批交易规则印发')?.dueDate).toBe('2026-12-20');
    const audit = await ctx().prisma.auditLog.findFirstOrThrow({ where: { tenantId, entity: 'task', entityId: String(t.id), after: { contains: '县委深改委会议决定' } } });
    expect(JSON.parse(audit.before!)).toMatchObject({ 完成时限: '2026-12-10', 配合单位: expect.stringMatching(/^(县自然资源局、县农业农村局|县农业农村局、县自然资源局)$/), 领衔领导: '李红梅', status: '推进中' });
    expect(JSON.parse(audit.after!)).toMatchObject({ 完成时限: '2027-01-31', 配合单位: '县自然资源局', 领衔领导: '李红梅、王建国', status: '已调整', reason: '县委深改委会议决定' });
    // The lead unit, the co-unit that left, the leader who joined: each told before → after.
    for (const who of ['ou_demo_baima_liaison', NONGYE, LEADER_WANG, LEADER_LI]) {
      const m = await find((x) => x.receiveId === who && headerOf(x) === '事项调整：QY-2026-013');
      expect(cardText(m)).toContain('2026-12-10 → **2027-01-31**');
    }
    const again = await fake.clickCard({ messageId: form.reply!.messageId, operatorOpenId: OFFICE, value: { a: 'submit_edit', t: t.id }, formValue: { ...values, reason: '县委深改委会议决定' } });
    expect(again.toast).toMatchObject({ type: 'error', content: expect.stringContaining('没有改动') });

    // 新增事项: office only; the task enters the ledger 待签收 and its 任务交办单 goes to the lead unit.
    expect((await say(SHIBAO, '新增事项')).text).toContain('只有改革办可以新增事项');
    const blank = await say(OFFICE, '新增事项', OFFICE_GROUP);
    expect(headerOf(blank.reply)).toBe('新增事项');
    const fields = { code: 'QY-2026-019', title: '村级集体经济“强村公司”改革', category: '改革试点', deadline: '2027-06-30', leadUnit: '石堡镇', coUnits: '县农业农村局', leaders: '李红梅', owner: '杜鹃', deliverable: '强村公司章程' };
    expect((await fake.clickCard({ messageId: blank.reply!.messageId, operatorOpenId: SHIBAO, value: { a: 'submit_new_task' }, formValue: fields })).toast).toMatchObject({ type: 'error' });
    const made = await fake.clickCard({ messageId: blank.reply!.messageId, operatorOpenId: OFFICE, value: { a: 'submit_new_task' }, formValue: fields });
    expect(made.toast).toMatchObject({ type: 'success', content: expect.stringContaining('已新增 QY-2026-019') });
    const created = await task('QY-2026-019');
    expect([created.status, created.deadline]).toEqual(['待签收', '2027-06-30']);
    await find((m) => m.receiveId === SHIBAO && headerOf(m) === '任务交办单' && cardText(m).includes('QY-2026-019'));
    const twice = await fake.clickCard({ messageId: blank.reply!.messageId, operatorOpenId: OFFICE, value: { a: 'submit_new_task' }, formValue: fields });
    expect(twice.toast).toMatchObject({ type: 'error', content: expect.stringContaining('已有事项') });
    expect(await ctx().prisma.task.count({ where: { tenantId, codeKey: 'QY-2026-019' } })).toBe(1);
  });

  it('the daily reissue job sends waited-on cards afresh before Feishu\'s 14 days run out — once per day, never early', async () => {
    const t = await task('QY-2026-016');
    await ctx().prisma.task.update({ where: { id: t.id }, data: { status: '待签收' } });
    await ctx().prisma.cardIssue.update({ where: { tenantId_kind_subjectId: { tenantId, kind: 'dispatch', subjectId: t.id } }, data: { issuedOn: '2026-11-23' } });
    const dispatches = (at: string) => runJob(app, 'reissue', shanghaiInstant(at, '08:45'), { dryRun: true }).then((r) => r.messages.filter((m) => m.subject === `dispatch.${t.id}`));
    // Monday 11-23 sent: still alive on Thursday 12-03; renewed on Friday 12-04 (the next run, Monday 12-07, would be past day 13).
    expect(await dispatches('2026-12-03')).toHaveLength(0);
    clock.set(shanghaiInstant('2026-12-04', '08:45'));
    const run = await runJob(app, 'reissue', clock.now());
    const mine = run.messages.filter((m) => m.subject === `dispatch.${t.id}`);
    expect(mine.map((m) => m.recipient.receiveId).sort()).toEqual([ZIRAN]);
    expect(run.enqueued).toBeGreaterThan(0);
    await find((m) => m.receiveId === ZIRAN && headerOf(m) === '任务交办单' && cardText(m).includes('QY-2026-016'));
    // The same day again: nothing new. The next working days: nothing until this card nears its end.
    expect((await runJob(app, 'reissue', clock.now())).enqueued).toBe(0);
    expect(await dispatches('2026-12-07')).toHaveLength(0);
    // Renewed 12-04, it works through 12-17: renewed again on 12-16, the run before its last day.
    expect(await dispatches('2026-12-15')).toHaveLength(0);
    expect((await dispatches('2026-12-16')).length).toBe(1);
    // A task loaded 待销号 (QY-2026-005) that never had a 销号审核 card gets one from the job.
    expect(run.messages.some((m) => m.title === '销号审核：QY-2026-005' && m.recipient.receiveId === OFFICE_GROUP)).toBe(true);
    clock.set(new Date('2026-11-23T01:30:00Z'));
  });

  it('a task loaded 待销号 gets a review card like any other, and can be closed out from it', async () => {
    const t = await task('QY-2026-005');
    expect(t.status).toBe('待销号');
    expect(await dispatchTasks(app, tenantId, [t.id])).toBe(1);
    expect(await dispatchTasks(app, tenantId, [t.id])).toBe(0);
    const card = await find((m) => m.chatId === OFFICE_GROUP && headerOf(m) === '销号审核' && cardText(m).includes('QY-2026-005'));
    expect(cardText(card)).toContain('由台账导入');
    const ok = await fake.clickCard({ messageId: card!.messageId, operatorOpenId: OFFICE, value: { a: 'approve', t: t.id } });
    expect(ok.toast).toMatchObject({ type: 'success', content: '已销号' });
  });
});
