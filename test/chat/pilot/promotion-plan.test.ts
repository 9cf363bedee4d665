// 推广方案 in the chat (issue 16), end to end through the fake Feishu on each database: only the
// office creates a plan, only from a pilot at 总结评估/经验形成, with known units; it is created once
// (a re-delivered message and the same plan again change nothing), audited, and each promoting
// unit's liaison and commissioner are told privately, once.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../helpers/db.js';
import { waitFor } from '../../feishu/helpers.js';
import type { FakeFeishu } from '../../../src/sandbox/fake-feishu.js';
import type { AppContext } from '../../../src/app.js';
import { listAudit } from '../../../src/db/repos/audit.js';
import { type ChatBed, headerOf, startChatBed, textOf } from '../bed.js';

const LIAISON = 'ou_demo_chengguan_liaison';
const OFFICE = 'ou_demo_office_zhou';
const GROUP = 'oc_demo_chengguan';
const PLAN = '推广方案 QY-2026-001 “1+1+N”托管服务模式 底线要求：不改变土地承包关系、不增加农民负担 首批推广单位：白马滩镇、三岔乡 2026-12-01 重点推广单位：城关街道 2027年1月4日 标题：农业社会化托管服务经验复制推广';


describeEachDatabase('chat: 推广方案', (ctx) => {
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
  async function say(openId: string, text: string, chatId: string | undefined = GROUP, messageId = `om_plan_${Date.now()}_${counter++}`) {
    const r = await fake.deliverMessageEvent({ senderOpenId: openId, text, messageId, ...(chatId ? { chatId } : {}) });
    expect(r.acked).toBe(true);
    return { messageId, reply: (await waitFor(() => fake.botMessages().find((m) => m.parentId === messageId), 8_000))! };
  }
  const plans = () => ctx().prisma.promotionPlan.findMany({ where: { tenantId }, include: { units: true } });

  it('who may: a liaison is refused; a pilot still 争取中, a task that is no pilot and unknown units are refused; nothing is created', async () => {
    const before = (await plans()).length;
    expect(textOf((await say(LIAISON, `@_user_1 ${PLAN}`)).reply)).toBe('只有县委改革办可以制定推广方案。');
    expect(textOf((await say(OFFICE, '推广方案 QY-2026-009 社区协商议事 底线要求：依法依规 首批推广单位：石堡镇', undefined)).reply)).toContain('试点处于「争取中」阶段');
    expect(textOf((await say(OFFICE, '推广方案 QY-2026-004 远程会诊 底线要求：守住医疗安全 首批推广单位：石堡镇', undefined)).reply)).toContain('还不是试点');
    expect(textOf((await say(OFFICE, '推广方案 QY-2026-001 托管 底线要求：不增加负担 首批推广单位：不存在镇', undefined)).reply)).toContain('没有找到这些单位：不存在镇');
    expect(textOf((await say(OFFICE, '推广方案 QY-2026-001 托管服务 首批推广单位：石堡镇', undefined)).reply)).toContain('缺少底线要求');
    expect(textOf((await say(OFFICE, '推广方案 QY-2026-004', undefined)).reply)).toContain('还不是试点');
    expect((await plans()).length).toBe(before);
  });

  it('the office creates the plan once, audited, and the promoting units are told once', async () => {
    const before = (await plans()).length;
    const msgId = `om_plan_create_${Date.now()}`;
    const first = await say(OFFICE, PLAN, undefined, msgId);
    expect(textOf(first.reply)).toContain('已制定推广方案「农业社会化托管服务经验复制推广」：首批推广单位：白马滩镇、三岔乡；重点推广单位：城关街道');
    // Re-delivered, and sent again as a new message: still one plan.
    await fake.deliverMessageEvent({ senderOpenId: OFFICE, text: PLAN, messageId: msgId });
    expect(textOf((await say(OFFICE, PLAN, undefined)).reply)).toContain('已经制定（首批推广单位：白马滩镇、三岔乡；重点推广单位：城关街道），未重复创建');
    const all = await plans();
    expect(all.length).toBe(before + 1);
    const plan = all.find((p) => p.title === '农业社会化托管服务经验复制推广')!;
    expect(plan.corePractice).toBe('“1+1+N”托管服务模式');
    expect(plan.bottomLines).toBe('不改变土地承包关系、不增加农民负担');
    expect(plan.units.map((u) => [u.batch, u.startOn]).sort()).toEqual([['重点推广单位', '2027-01-04'], ['首批推广单位', '2026-12-01'], ['首批推广单位', '2026-12-01']]);
    const audit = await listAudit(ctx().prisma, tenantId, { entity: 'promotion', entityId: `plan:${plan.id}` });
    expect(audit.map((a) => [a.action, a.actor])).toEqual([['create', '周敏']]);

    // Each promoting unit's liaison and commissioner, privately, once.
    const told = (openId: string) => fake.botMessages().filter((m) => m.receiveId === openId && JSON.stringify(m.content).includes('复制推广任务：农业社会化托管服务经验复制推广'));
    for (const who of ['ou_demo_baima_liaison', 'ou_demo_baima_comm', 'ou_demo_sancha_liaison', 'ou_demo_chengguan_liaison']) {
      await waitFor(() => told(who).length > 0 || undefined, 8_000);
      expect(told(who)).toHaveLength(1);
    }
    expect(JSON.stringify(told('ou_demo_chengguan_liaison')[0]!.content)).toContain('重点推广单位');
    expect(told('ou_demo_shibao_liaison')).toHaveLength(0);
    expect(told('ou_demo_baima_head')).toHaveLength(0);
  });

  it('the form card: 推广方案 <编号> gives it; only the office submits; the same rules; once', async () => {
    const { reply: form } = await say(OFFICE, '推广方案 QY-2026-005', undefined);
    expect(headerOf(form)).toBe('制定复制推广方案');
    expect(JSON.stringify(form.content)).toContain('promotion_plan_submit');
    const task = await ctx().prisma.task.findFirstOrThrow({ where: { tenantId, codeKey: 'QY-2026-005' } });
    const click = (openId: string, formValue: Record<string, string>) => fake.clickCard({ messageId: form.messageId, operatorOpenId: openId, value: { a: 'promotion_plan_submit', t: task.id }, formValue });
    const values = { title: '家庭农场培育经验山区推广', corePractice: '庭院经济点分散培育', bottomLines: '不改变土地用途', first: '三岔乡、白马滩镇', firstDate: '2026-12-07', key: '', keyDate: '', later: '县卫生健康局', laterDate: '' };
    const before = (await plans()).length;

    expect((await click(LIAISON, values)).toast).toMatchObject({ type: 'error' });
    expect((await click(OFFICE, { ...values, bottomLines: '' })).toast).toMatchObject({ type: 'warning', content: '请填写底线要求（推广中不能改变的内容）' });
    expect((await click(OFFICE, { ...values, later: '三岔乡' })).toast).toMatchObject({ type: 'warning', content: '「三岔乡」在推广单位中出现了两次' });
    expect((await plans()).length).toBe(before);

    const ok = await click(OFFICE, values);
    expect(ok.toast).toMatchObject({ type: 'success', content: '推广方案已制定，已通知推广单位' });
    const again = await click(OFFICE, values);
    expect(again.toast).toMatchObject({ type: 'info', content: '该推广方案此前已制定，未重复创建' });
    const all = await plans();
    expect(all.length).toBe(before + 1);
    const plan = all.find((p) => p.title === '家庭农场培育经验山区推广')!;
    expect(plan.units.map((u) => [u.batch, u.startOn]).sort()).toEqual([['后续跟进单位', '2026-11-23'], ['首批推广单位', '2026-12-07'], ['首批推广单位', '2026-12-07']].sort()); // no date: today (the test clock)
    expect((await listAudit(ctx().prisma, tenantId, { entity: 'promotion', entityId: `plan:${plan.id}` })).length).toBe(1);
    const told = (openId: string) => fake.botMessages().filter((m) => m.receiveId === openId && JSON.stringify(m.content).includes('复制推广任务：家庭农场培育经验山区推广'));
    await waitFor(() => told('ou_demo_weijian_liaison').length > 0 || undefined, 8_000);
    expect(told('ou_demo_weijian_liaison')).toHaveLength(1);
    expect(told('ou_demo_sancha_comm')).toHaveLength(1);
  });
});
