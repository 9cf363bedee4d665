// 建议 → 采纳入库 / 转单位研究 / 合并 / 不予采纳 → 储备库 → 风控 → 立项 → 签收, through the real bot and
// the fake Feishu: who may and who may not, what happens twice, what the suggester hears.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describeEachDatabase } from '../helpers/db.js';
import { exportLedger } from '../../src/ledger/export.js';
import { createWorkingCalendar } from '../../src/core/calendar-data.js';
import { cardText, GROUP, headerOf, LEADER, LIAISON, OFFICE, OFFICE_GROUP, OTHER_LIAISON, startLoopBot, waitFor, type LoopBot } from './helpers.js';

describeEachDatabase('reform loop: suggestions, 储备库, 风控, 立项', (ctx) => {
  let bot: LoopBot;
  beforeAll(async () => {
    bot = await startLoopBot(ctx());
  });
  afterAll(async () => {
    await bot?.stop();
  });
  const db = () => ctx().prisma;
  const suggestion = (number: string) => db().suggestion.findFirstOrThrow({ where: { tenantId: bot.tenantId, number } });
  const privately = (openId: string, title: string) => waitFor(() => bot.fake.botMessages({ openId }).find((m) => headerOf(m).startsWith(title)), 8_000);

  it('建议 by text: numbered, a receipt, once however often delivered; an owner in the office', async () => {
    const first = await bot.say(LIAISON, '@_user_1 建议 推行村级事务积分制管理。把村民参与公益、环境整治等折算成积分，兑换生活用品', GROUP);
    expect(headerOf(first.reply)).toBe('改革建议已收到：JY-2026-001');
    expect(cardText(first.reply)).toContain('推行村级事务积分制管理');
    // Said once: the title is the text's first sentence, not a line of its own above the text.
    expect(cardText(first.reply).split('推行村级事务积分制管理').length - 1).toBe(1);
    await bot.fake.redeliver(first.eventId);
    await new Promise((r) => setTimeout(r, 300));
    expect(await db().suggestion.count({ where: { tenantId: bot.tenantId } })).toBe(1);
    const s = await suggestion('JY-2026-001');
    expect([s.title, s.status]).toEqual(['推行村级事务积分制管理', '待处理']);
    const owner = await db().person.findUniqueOrThrow({ where: { id: s.ownerId! } });
    expect(owner.roles).toContain('ADMIN');
    expect(await db().auditLog.count({ where: { tenantId: bot.tenantId, entity: 'suggestion', entityId: String(s.id), action: 'create' } })).toBe(1);
    // 建议 alone: the form; submitted twice, one suggestion.
    const form = await bot.say(LIAISON, '建议');
    expect(headerOf(form.reply)).toBe('提交改革建议');
    const formValue = { title: '村级小微权力清单上墙', problem: '村务公开不及时', proposal: '制定小微权力清单并公示', leadUnit: '县民政局' };
    const c1 = await bot.fake.clickCard({ messageId: form.reply.messageId, operatorOpenId: LIAISON, value: { a: 'sg_submit' }, formValue });
    expect(c1.toast).toMatchObject({ type: 'success', content: '改革建议已收到：JY-2026-002' });
    const c2 = await bot.fake.clickCard({ messageId: form.reply.messageId, operatorOpenId: LIAISON, value: { a: 'sg_submit' }, formValue });
    expect(c2.toast).toMatchObject({ type: 'info', content: expect.stringContaining('此前已收到') });
    expect(await db().suggestion.count({ where: { tenantId: bot.tenantId } })).toBe(2);
    expect((await bot.fake.clickCard({ messageId: form.reply.messageId, operatorOpenId: LIAISON, value: { a: 'sg_submit' }, formValue: { title: '' } })).toast).toMatchObject({ type: 'warning', content: '请填写题目' });
    const third = await bot.say(OTHER_LIAISON, '建议 推行“一件事一次办”集成服务');
    expect(headerOf(third.reply)).toBe('改革建议已收到：JY-2026-003');
    const fourth = await bot.say(OTHER_LIAISON, '建议 村务积分制');
    expect(headerOf(fourth.reply)).toBe('改革建议已收到：JY-2026-004');
  });

  it('only the office handles suggestions; 采纳入库 once; the suggester is told', async () => {
    expect(cardText((await bot.say(LIAISON, '建议处理')).reply)).toContain('只有县委改革办');
    const list = await bot.say(OFFICE, '建议处理');
    expect(headerOf(list.reply)).toBe('待处理的改革建议');
    expect(cardText(list.reply)).toContain('JY-2026-004');
    expect(cardText((await bot.say(LIAISON, '采纳入库 JY-2026-001')).reply)).toContain('只有县委改革办可以办理改革建议');
    expect((await suggestion('JY-2026-001')).status).toBe('待处理');
    const adopted = await bot.say(OFFICE, '采纳入库 jy-2026-001');
    expect(cardText(adopted.reply)).toContain('已采纳入库（CB-2026-001）');
    const again = await bot.say(OFFICE, '采纳 001');
    expect(cardText(again.reply)).toContain('该建议已采纳入库，不能再采纳入库');
    expect(await db().reserveItem.count({ where: { tenantId: bot.tenantId } })).toBe(1);
    const told = await privately(LIAISON, '您的改革建议已被采纳');
    expect(cardText(told)).toContain('CB-2026-001');
    const audit = await db().auditLog.findMany({ where: { tenantId: bot.tenantId, entity: 'suggestion', action: 'update' } });
    expect(audit.map((a) => JSON.parse(a.after!).action)).toEqual(['采纳入库']);
    expect(JSON.parse(audit[0]!.before!)).toEqual({ status: '待处理' });
  });

  it('转单位研究 by card: the unit answers by card (others may not), the office decides, merge and decline', async () => {
    // The office opens JY-2026-002 from the list and sends it to 石堡镇.
    const list = await bot.say(OFFICE, '建议处理', undefined);
    const s2 = await suggestion('JY-2026-002');
    expect((await bot.fake.clickCard({ messageId: list.reply.messageId, operatorOpenId: LIAISON, value: { a: 'sg_open', id: s2.id } })).toast).toMatchObject({ type: 'error' });
    expect((await bot.fake.clickCard({ messageId: list.reply.messageId, operatorOpenId: OFFICE, value: { a: 'sg_open', id: s2.id } })).toast).toMatchObject({ type: 'info' });
    const handle = await privately(OFFICE, '改革建议 JY-2026-002');
    const shibao = await db().unit.findFirstOrThrow({ where: { tenantId: bot.tenantId, name: '石堡镇' } });
    const past = await bot.fake.clickCard({ messageId: handle.messageId, operatorOpenId: OFFICE, value: { a: 'sg_study', id: s2.id }, formValue: { unit: String(shibao.id), due: '2026-11-01' } });
    expect(past.toast).toMatchObject({ type: 'error', content: expect.stringContaining('已过') });
    const sent = await bot.fake.clickCard({ messageId: handle.messageId, operatorOpenId: OFFICE, value: { a: 'sg_study', id: s2.id }, formValue: { unit: String(shibao.id), due: '2026/12/15' } });
    expect(sent.toast).toMatchObject({ type: 'success' });
    expect(cardText(bot.fake.getMessage(handle.messageId))).toMatch(/已转单位研究 · 周敏 · 11-23 09:30/);
    expect(await suggestion('JY-2026-002')).toMatchObject({ status: '研究中', studyUnitId: shibao.id, studyDue: '2026-12-15' });
    const study = await privately(OTHER_LIAISON, '改革建议研究：JY-2026-002');
    await privately(LIAISON, '您的改革建议已转有关单位研究');
    // Not 城关街道, not the office: only 石堡镇 answers.
    expect((await bot.fake.clickCard({ messageId: study.messageId, operatorOpenId: LIAISON, value: { a: 'sg_answer', id: s2.id }, formValue: { answer: '可行' } })).toast).toMatchObject({ type: 'error', content: expect.stringContaining('石堡镇') });
    const answered = await bot.fake.clickCard({ messageId: study.messageId, operatorOpenId: OTHER_LIAISON, value: { a: 'sg_answer', id: s2.id }, formValue: { answer: '建议先在石堡镇试点' } });
    expect(answered.toast).toMatchObject({ type: 'success' });
    const twice = await bot.fake.clickCard({ messageId: study.messageId, operatorOpenId: OTHER_LIAISON, value: { a: 'sg_answer', id: s2.id }, formValue: { answer: '建议先在石堡镇试点' } });
    expect(twice.toast).toMatchObject({ type: 'info', content: '该建议没有转给单位研究，或已答复。' });
    expect(await suggestion('JY-2026-002')).toMatchObject({ status: '待处理', studyAnswer: '建议先在石堡镇试点' });
    const back = await waitFor(() => bot.fake.botMessages({ chatId: OFFICE_GROUP }).find((m) => headerOf(m) === '改革建议 JY-2026-002'), 8_000);
    expect(cardText(back)).toContain('建议先在石堡镇试点');
    await privately(LIAISON, '有关单位已对您的改革建议提出研究意见');

    // 合并 JY-2026-004 into JY-2026-001 (a text command); 不予采纳 JY-2026-003 needs a reason.
    expect(cardText((await bot.say(OFFICE, '合并 JY-2026-004 JY-2026-004')).reply)).toContain('不能合并到这条建议本身');
    expect(cardText((await bot.say(OFFICE, '合并 JY-2026-004 JY-2026-001')).reply)).toContain('已合并到 JY-2026-001');
    expect(cardText((await bot.say(OFFICE, '不予采纳 JY-2026-003')).reply)).toContain('缺少理由');
    expect(cardText((await bot.say(OFFICE, '不予采纳 JY-2026-003 已在全县推行')).reply)).toContain('已不予采纳');
    expect(cardText((await bot.say(OFFICE, '采纳入库 JY-2026-003')).reply)).toContain('已不予采纳，不能再采纳入库');
    const declined = await privately(OTHER_LIAISON, '您的改革建议经研究暂不采纳');
    expect(cardText(declined)).toContain('已在全县推行');
    await privately(OTHER_LIAISON, '您的改革建议已与相近建议合并办理');
    expect((await suggestion('JY-2026-003')).outcome).toBe('已在全县推行');
  });

  it('风控: office only, all four dimensions; 不通过 blocks 立项; a passed item becomes a task with its 任务交办单 and origin', async () => {
    expect(cardText((await bot.say(LIAISON, '风控 CB-2026-001')).reply)).toContain('只有县委改革办可以组织风控审查');
    expect(cardText((await bot.say(OFFICE, '立项 CB-2026-001')).reply)).toContain('还没有经过风控审查');
    const form = await bot.say(OFFICE, '风控 CB-2026-001', undefined);
    expect(headerOf(form.reply)).toBe('风控审查：CB-2026-001');
    const item = await db().reserveItem.findFirstOrThrow({ where: { tenantId: bot.tenantId, number: 'CB-2026-001' } });
    const value = { a: 'risk_submit', id: item.id };
    const missing = await bot.fake.clickCard({ messageId: form.reply.messageId, operatorOpenId: OFFICE, value, formValue: { feasibility: '通过', legality: '通过', social: '通过' } });
    expect(missing.toast).toMatchObject({ type: 'warning', content: expect.stringContaining('请选择「舆情风险」的结论') });
    expect((await bot.fake.clickCard({ messageId: form.reply.messageId, operatorOpenId: LIAISON, value, formValue: { feasibility: '通过', legality: '通过', social: '通过', opinion: '通过' } })).toast).toMatchObject({ type: 'error' });
    const failed = await bot.fake.clickCard({ messageId: form.reply.messageId, operatorOpenId: OFFICE, value, formValue: { feasibility: '通过', legality: '不通过', legalityNote: '积分兑换涉及集体资产处置，需先完善程序', social: '通过', opinion: '通过' } });
    expect(failed.toast).toMatchObject({ type: 'success', content: '审查结论：不通过' });
    expect((await db().reserveItem.findUniqueOrThrow({ where: { id: item.id } })).status).toBe('审查未通过');
    expect(cardText((await bot.say(OFFICE, '立项 CB-2026-001')).reply)).toContain('风控审查未通过，不能立项');
    // Reviewed again after the procedure is fixed: passed with a condition.
    const form2 = await bot.say(OFFICE, '风控 CB-2026-001', undefined);
    const passed = await bot.fake.clickCard({ messageId: form2.reply.messageId, operatorOpenId: OFFICE, value, formValue: { feasibility: '通过', legality: '通过', social: '有条件通过', socialNote: '先在两个社区试行', opinion: '通过' } });
    expect(passed.toast).toMatchObject({ content: '审查结论：有条件通过' });
    expect(await db().riskReview.count({ where: { tenantId: bot.tenantId, reserveItemId: item.id } })).toBe(2);
    expect(cardText((await bot.say(LEADER, '储备库')).reply)).toContain('有条件通过');
    expect(cardText((await bot.say(LIAISON, '储备库')).reply)).toContain('只向县委改革办和县级领导');

    // 立项 by form: refused for others, a wrong form explained, then one task however often clicked.
    const launch = await bot.say(OFFICE, '立项 CB-2026-001', undefined);
    expect(headerOf(launch.reply)).toBe('立项：CB-2026-001');
    const chengguan = await db().unit.findFirstOrThrow({ where: { tenantId: bot.tenantId, name: '城关街道' } });
    const lv = { a: 'launch_submit', id: item.id };
    expect((await bot.fake.clickCard({ messageId: launch.reply.messageId, operatorOpenId: LIAISON, value: lv, formValue: { leadUnit: String(chengguan.id), deadline: '2027-06-30' } })).toast).toMatchObject({ type: 'error', content: '只有县委改革办可以立项。' });
    const bad = await bot.fake.clickCard({ messageId: launch.reply.messageId, operatorOpenId: OFFICE, value: lv, formValue: { leadUnit: String(chengguan.id), deadline: '明年', leaders: '王建国、张三', milestones: '完成调研' } });
    expect(bad.toast?.content).toMatch(/领衔领导「张三」不是登记的县级领导.*完成时限「明年」应为日期.*节点「完成调研」/);
    const formValue = { title: '推行村级事务积分制管理', category: '小切口改革', leadUnit: String(chengguan.id), coUnits: '石堡镇', leaders: '王建国', deadline: '2027-06-30', milestones: '制定积分办法 2027-01-31\n两个社区试行 2027-03-31' };
    const ok = await bot.fake.clickCard({ messageId: launch.reply.messageId, operatorOpenId: OFFICE, value: lv, formValue });
    expect(ok.toast).toMatchObject({ type: 'success', content: expect.stringMatching(/^已立项 QY-2026-\d{3}，任务交办单已发出$/) });
    const again = await bot.fake.clickCard({ messageId: launch.reply.messageId, operatorOpenId: OFFICE, value: lv, formValue });
    expect(again.toast).toMatchObject({ type: 'error', content: expect.stringContaining('已立项') });
    const code = /已立项 (QY-2026-\d{3})/.exec(ok.toast!.content)![1]!;
    const task = await db().task.findFirstOrThrow({ where: { tenantId: bot.tenantId, code }, include: { milestones: true, leadLeaders: true, coUnits: true } });
    expect([task.status, task.leadUnitId, task.deadline, task.category, task.milestones.length, task.leadLeaders.length, task.coUnits.length]).toEqual(['待签收', chengguan.id, '2027-06-30', '小切口改革', 2, 1, 1]);
    expect(task.implementationPath).toContain('社会风险：先在两个社区试行');
    const origin = await db().taskOrigin.findUniqueOrThrow({ where: { taskId: task.id } });
    expect([origin.kind, origin.reserveItemId]).toEqual(['改革建议', item.id]);
    expect(await db().task.count({ where: { tenantId: bot.tenantId, title: '推行村级事务积分制管理' } })).toBe(1);
    // The 任务交办单 as today, signed by the lead unit.
    const dispatch = await waitFor(() => bot.fake.botMessages({ openId: LIAISON }).find((m) => headerOf(m) === '任务交办单' && cardText(m).includes(code)), 8_000);
    const signed = await bot.fake.clickCard({ messageId: dispatch.messageId, operatorOpenId: LIAISON, value: { a: 'sign', t: task.id } });
    expect(signed.toast).toMatchObject({ type: 'success' });
    expect((await db().task.findUniqueOrThrow({ where: { id: task.id } })).status).toBe('推进中');
    await privately(LIAISON, '您的改革建议已立项');
    expect(cardText((await bot.say(OFFICE, '风控 CB-2026-001')).reply)).toContain('已立项');

    // A ledger task the office flags 需风控 is reviewed into its history.
    const flagged = await db().task.findFirstOrThrow({ where: { tenantId: bot.tenantId, code: 'QY-2026-018' } });
    const tform = await bot.say(OFFICE, '风控 QY-2026-018', undefined);
    expect(headerOf(tform.reply)).toBe('风控审查：QY-2026-018');
    const tr = await bot.fake.clickCard({ messageId: tform.reply.messageId, operatorOpenId: OFFICE, value: { a: 'risk_submit', t: flagged.id }, formValue: { feasibility: '通过', legality: '通过', social: '通过', opinion: '有条件通过', opinionNote: '做好政策解读' } });
    expect(tr.toast).toMatchObject({ type: 'success', content: '审查结论：有条件通过' });
    expect(await db().auditLog.count({ where: { tenantId: bot.tenantId, entity: 'task', entityId: String(flagged.id), after: { contains: 'riskReview' } } })).toBe(1);

    // The export carries each task's origin and 风控审查.
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'loop-export-')), 'ledger.xlsx');
    await exportLedger(db(), bot.tenantId, file, { today: '2026-11-23', calendar: createWorkingCalendar() });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.getWorksheet('台账')!;
    const headers = (ws.getRow(1).values as unknown[]).map(String);
    const rowOf = (c: string) => { let r = 0; ws.eachRow((row, i) => { if (row.getCell(1).value === c) r = i; }); return ws.getRow(r); };
    expect(String(rowOf(code).getCell(headers.indexOf('来源')).value)).toBe('改革建议（CB-2026-001、JY-2026-001）');
    expect(String(rowOf(code).getCell(headers.indexOf('风控审查')).value)).toMatch(/^有条件通过（可行性通过；合法性通过；社会风险有条件通过：先在两个社区试行；舆情风险通过），共审查 2 次$/);
    expect(String(rowOf('QY-2026-018').getCell(headers.indexOf('风控审查')).value)).toContain('舆情风险有条件通过：做好政策解读');
  });

  it('深改委议题 for a meeting and its 议题清单', async () => {
    expect(cardText((await bot.say(LIAISON, '深改委议题 CB-2026-001 第十次会议')).reply)).toContain('只有县委改革办');
    expect(cardText((await bot.say(OFFICE, '深改委议题 CB-2026-001 第十次会议')).reply)).toContain('已列为「第十次会议」深改委议题');
    expect(cardText((await bot.say(OFFICE, '深改委议题 CB-2026-001 第十次会议')).reply)).toContain('此前已列为');
    const list = await bot.say(LEADER, '议题清单 第十次会议');
    expect(headerOf(list.reply)).toBe('深改委议题清单：第十次会议');
    expect(cardText(list.reply)).toContain('CB-2026-001');
    expect(cardText((await bot.say(OFFICE, '议题清单')).reply)).toContain('第十次会议');
    expect(await db().auditLog.count({ where: { tenantId: bot.tenantId, entity: 'reserve', action: 'update' } })).toBeGreaterThanOrEqual(2);
  });

  it('ledger text in the loop\'s cards is data, never markup', async () => {
    const hostile = await bot.say(LIAISON, '建议 <at id=all></at> **加粗** [点我](https://evil.example)');
    const body = cardText(hostile.reply);
    expect(body).not.toContain('<at id=all>');
    expect(body).not.toContain('[点我](https://evil.example)');
    expect(body).toContain('&#60;at id=all&#62;');
    const list = cardText((await bot.say(OFFICE, '建议处理')).reply);
    expect(list).not.toContain('<at id=all>');
  });
});
