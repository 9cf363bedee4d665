// Issue 13, people change — 兼职: one person, one Feishu account, roles in two units. The 人员 sheet
// lists them once per unit with the same 手机/邮箱/飞书ID; the import makes ONE person and a
// PersonUnit for the further unit, reach and dispatch find them in both units, the roles of the unit
// in question decide what they may do, reminders stay one message per recipient, and a re-import
// without the row (or with 离岗) deactivates the further unit. SQLite and PostgreSQL.
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { testApp } from '../helpers/app.js';
import { writeCsvFolder } from '../helpers/workbooks.js';
import { importLedger } from '../../src/ledger/import/index.js';
import { formatReport } from '../../src/ledger/import/report.js';
import { formatProblem, type PersonDraft } from '../../src/ledger/import/validate.js';
import { partTimeRows } from '../../src/ledger/import/part-time.js';
import { findActorByOpenId, loadTask } from '../../src/ledger/actions.js';
import { checkPermission, inUnit } from '../../src/core/permissions.js';
import { reachPeople } from '../../src/jobs/reach.js';
import { runJob } from '../../src/jobs/run.js';
import { createBotHandlers } from '../../src/chat/handlers.js';
import type { ContactLookup } from '../../src/feishu/contact.js';
import type { AppContext } from '../../src/app.js';
import { submitCase } from '../../src/pilot/cases.js';
import { caseUnitOf, linksOfCase } from '../../src/pilot/case-links.js';
import { decideAchievement, recordAchievement } from '../../src/pilot/achievements.js';

const ZHAO = 'ou_pt_zhao'; // 赵敏: 联络员 of 甲镇 and of 乙局 (same mobile, written differently)
const WANG = 'ou_pt_wang';
const SUN = 'ou_pt_sun'; // 孙丽: mobile on one row, email on the other — one account only the directory knows // 王芳: 联络员 of 甲镇, 一把手 of 乙局 (same email, different case)

const UNITS = [['单位名称', '类型'], ['县委改革办', '部门'], ['甲镇', '乡镇'], ['乙局', '部门']];
const PEOPLE_HEAD = ['姓名', '单位', '角色', '手机', '邮箱', '飞书ID', '状态'];
const OFFICE_ROW = ['周主任', '县委改革办', '改革办', '', '', 'ou_pt_office', ''];
const ZHAO_A = ['赵敏', '甲镇', '改革联络员', '138 0000 1111', '', '', ''];
const ZHAO_B = ['赵敏', '乙局', '改革联络员', '+86 138-0000-1111', '', '', ''];
const WANG_A = ['王芳', '甲镇', '改革联络员', '', 'wangfang@example.cn', '', ''];
const WANG_B = ['王芳', '乙局', '一把手', '', 'WangFang@Example.cn', '', ''];
const LEDGER = [
  ['编号', '改革事项', '牵头单位', '配合单位', '完成时限', '状态'],
  ['PT-001', '甲镇的事项', '甲镇', '', '2026-11-26', ''],
  ['PT-002', '乙局的事项', '乙局', '', '2026-11-26', ''],
];

/** Feishu's batch_get_id for the two mobiles/emails of the sheet (contact/v3/users/batch_get_id answers by the normalised value). */
const directory: Pick<ContactLookup, 'byMobileAndEmail' | 'userIds'> = {
  async byMobileAndEmail(mobiles, emails) {
    const known: Record<string, string> = { '13800001111': ZHAO, 'wangfang@example.cn': WANG, '13900002222': SUN, 'sunli@example.cn': SUN };
    const pick = (xs: string[]) => new Map(xs.filter((x) => known[x]).map((x) => [x, { openId: known[x]!, resigned: false }]));
    return { mobiles: pick(mobiles), emails: pick(emails) };
  },
  // user_id_type=user_id: none known here (an app without the user_id field scope).
  async userIds() {
    return { mobiles: new Map(), emails: new Map() };
  },
};

const sheet = (people: string[][], ledger = LEDGER) => writeCsvFolder({ 单位: UNITS, 人员: [PEOPLE_HEAD, ...people], 台账: ledger });

describe('partTimeRows (pure)', () => {
  const row = (name: string, unit: string | null, contact: Partial<PersonDraft>): PersonDraft =>
    ({ name, unitName: unit, matchKey: `${name}@${unit ?? ''}`, roles: ['LIAISON'], mobile: null, email: null, openId: null, ...contact });
  it('groups same name + same contact; different names, no unit or no shared contact stay apart; a stored person is the primary', () => {
    const rows = [
      row('甲', 'A', { mobile: '+8613800001111' }), row('甲', 'B', { mobile: '13800001111' }),
      row('乙', 'A', { mobile: '13900000000' }), row('丙', 'B', { mobile: '13900000000' }),
      row('丁', 'A', { email: 'd@x.cn' }), row('丁', 'B', { email: 'other@x.cn' }),
      row('戊', 'A', { openId: 'ou_w' }), row('戊', null, { openId: 'ou_w' }),
    ];
    expect([...partTimeRows(rows, [])]).toEqual([['甲@B', '甲@A']]);
    // The person stored under B stays the person, whatever the order of the rows.
    expect([...partTimeRows(rows, [{ matchKey: '甲@B', active: true }])]).toEqual([['甲@A', '甲@B']]);
    // Joined through the open_id bound earlier to the stored row (its sheet row has only a mobile).
    expect([...partTimeRows([row('己', 'A', { mobile: '13700000000' }), row('己', 'B', { openId: 'ou_j' })], [{ matchKey: '己@A', openId: 'ou_j' }])]).toEqual([['己@B', '己@A']]);
  });
});

describeEachDatabase('兼职 (one person in several units)', (ctx) => {
  let app: AppContext;
  let tenantId: number;
  const unitId = async (name: string) => (await ctx().prisma.unit.findFirstOrThrow({ where: { tenantId, name } })).id;
  const taskId = async (code: string) => (await ctx().prisma.task.findFirstOrThrow({ where: { tenantId, code } })).id;

  beforeAll(async () => {
    app = await testApp(ctx(), { tenantKey: 'part-time' });
    tenantId = app.defaultTenant.id;
  });

  it('import: the same mobile (or email) under two units is ONE person with a PersonUnit, reported as 兼任; both units\' 交办单 reach the one open_id', async () => {
    const outcome = await importLedger(ctx().prisma, tenantId, [sheet([OFFICE_ROW, ZHAO_A, ZHAO_B, WANG_A, WANG_B])]);
    if (!outcome.ok) throw new Error(outcome.problems.map(formatProblem).join('\n'));
    expect(outcome.result.people.created).toBe(3);
    expect(outcome.result.partTime?.created).toBe(2);
    const people = await ctx().prisma.person.findMany({ where: { tenantId }, include: { otherUnits: { include: { unit: true } }, unit: true } });
    expect(people.map((p) => p.name).sort()).toEqual(['周主任', '王芳', '赵敏']);
    const zhao = people.find((p) => p.name === '赵敏')!;
    expect(zhao.unit?.name).toBe('甲镇');
    expect(zhao.otherUnits.map((o) => [o.unit.name, o.roles, o.active])).toEqual([['乙局', 'LIAISON', true]]);
    expect(people.find((p) => p.name === '王芳')!.otherUnits.map((o) => [o.unit.name, o.roles])).toEqual([['乙局', 'UNIT_HEAD']]);
    const report = formatReport(outcome.report, outcome.problems).join('\n');
    expect(report).toContain('赵敏 兼任 乙局改革联络员（本职单位：甲镇');
    expect(report).toContain('王芳 兼任 乙局一把手');

    // The directory finds the two accounts; the tasks of both units wait for them.
    const reach = await reachPeople(app, app.defaultTenant, directory as ContactLookup);
    expect(reach.resolved.map((r) => r.name).sort()).toEqual(['王芳', '赵敏']);
    const toZhao = await ctx().prisma.outboxMessage.findMany({ where: { tenantId, receiveId: ZHAO, dedupeKey: { startsWith: 'dispatch' } } });
    // ONE 任务交办单 for the liaison of both units, listing both units' tasks.
    expect(toZhao).toHaveLength(1);
    expect(toZhao[0]!.content).toContain('PT-001');
    expect(toZhao[0]!.content).toContain('PT-002');
    // 王芳 is liaison of 甲镇 only: its 交办单, not 乙局's (she heads 乙局).
    const toWang = await ctx().prisma.outboxMessage.findMany({ where: { tenantId, receiveId: WANG, dedupeKey: { startsWith: 'dispatch' } } });
    expect(toWang.map((m) => m.content.includes('PT-001'))).toEqual([true]);
    expect(toWang.some((m) => m.content.includes('PT-002'))).toBe(false);
    // Importing the same sheet again changes nothing.
    const again = await importLedger(ctx().prisma, tenantId, [sheet([OFFICE_ROW, ZHAO_A, ZHAO_B, WANG_A, WANG_B])]);
    expect(again.ok && [again.result.people, again.result.partTime]).toEqual([{ created: 0, updated: 0, deleted: 0, unchanged: 3 }, { created: 0, updated: 0, deleted: 0, unchanged: 2 }]);
  });

  it('permissions: liaison of 甲镇 + head of 乙局 signs for 乙局 and reports for 甲镇, but is not 一把手 of 甲镇', async () => {
    const wang = (await findActorByOpenId(ctx().prisma, tenantId, WANG))!;
    const [a, b] = [await unitId('甲镇'), await unitId('乙局')];
    expect(wang.units?.map((u) => [u.unitName, u.roles])).toEqual([['甲镇', ['LIAISON']], ['乙局', ['UNIT_HEAD']]]);
    const pt1 = (await loadTask(ctx().prisma, tenantId, await taskId('PT-001')))!;
    const pt2 = (await loadTask(ctx().prisma, tenantId, await taskId('PT-002')))!;
    expect(checkPermission(wang, pt2, 'sign').ok).toBe(true);
    expect(checkPermission(wang, pt1, 'report').ok).toBe(true);
    expect(inUnit(wang, b, ['UNIT_HEAD'])).toBe(true);
    expect(inUnit(wang, a, ['UNIT_HEAD'])).toBe(false);
    // Someone of neither unit is still refused.
    const office = (await findActorByOpenId(ctx().prisma, tenantId, 'ou_pt_office'))!;
    expect(checkPermission({ ...office, roles: [] }, pt2, 'sign').ok).toBe(false);

    // The same through the chat: 绑定 as head works for 乙局 only; 签收 乙局's task; 进展 on 甲镇's; 我的任务 lists both.
    const handlers = createBotHandlers(app);
    let n = 0;
    const say = async (text: string, chatType: 'group' | 'p2p' = 'p2p', chatId = 'oc_pt_p2p_wang') => {
      const messageId = `om_pt_${ctx().provider}_${n++}`;
      await handlers.onMessage({
        tenantKey: 'part-time', eventId: `ev_${messageId}`, messageId, chatId, chatType, sender: { openId: WANG }, text,
        mentionsBot: true, mentions: [], messageType: 'text', createdAt: app.clock.now(),
      });
      return (await ctx().prisma.outboxMessage.findMany({ where: { tenantId, receiveId: messageId } })).map((m) => m.content).join('\n');
    };
    expect(await say('绑定 甲镇', 'group', 'oc_pt_group_a')).toContain('只有县委改革办或甲镇的一把手可以绑定本单位工作群');
    expect((await ctx().prisma.unit.findUniqueOrThrow({ where: { id: a } })).chatId).toBeNull();
    expect(await say('绑定 乙局', 'group', 'oc_pt_group_b')).toContain('已将本群绑定为「乙局」工作群');
    await say('签收 PT-002');
    expect((await ctx().prisma.task.findUniqueOrThrow({ where: { id: pt2.id } })).status).toBe('推进中');
    await say('进展 PT-001 已召开推进会 30%');
    expect(await ctx().prisma.progressReport.count({ where: { tenantId, taskId: pt1.id, reporterId: wang.personId } })).toBe(1);
    const mine = await say('我的任务');
    expect(mine).toContain('PT-001');
    expect(mine).toContain('PT-002');
    expect(mine).toContain('甲镇、乙局');
  });

  it('reminders: the liaison of two units gets ONE message listing both units\' tasks', async () => {
    const run = await runJob(app, 'reminders', new Date('2026-11-23T01:30:00Z'), { dryRun: true });
    const toZhao = run.messages.filter((m) => m.recipient.receiveId === ZHAO);
    expect(toZhao).toHaveLength(1);
    expect(JSON.stringify(toZhao[0]!.card)).toContain('PT-001');
    expect(JSON.stringify(toZhao[0]!.card)).toContain('PT-002');
  });

  it('a case and an achievement count for the unit they are about: the linked task\'s unit (联合牵头 too), else the primary one; achievements recorded later show on the case', async () => {
    const [a, b] = [await unitId('甲镇'), await unitId('乙局')];
    const zhao = (await findActorByOpenId(ctx().prisma, tenantId, ZHAO))!;
    const today = '2026-11-30';
    const form = (title: string, tasks?: string) => ({ title, background: '', actions: '整合窗口，一次办结', results: '办理时限压缩 60%', tasks });
    const noop = async () => {};
    const about2 = await submitCase(ctx().prisma, app.clock, zhao, today, form('乙局的经验', 'PT-002'), `pt-case-1-${ctx().provider}`, noop);
    const plain = await submitCase(ctx().prisma, app.clock, zhao, today, form('没有关联事项的经验'), `pt-case-2-${ctx().provider}`, noop);
    if (!about2.ok || !plain.ok) throw new Error('case refused');
    expect([about2.row.unitId, plain.row.unitId]).toEqual([b, a]);

    // An achievement recorded on PT-002 after the case was submitted is linked to it when shown.
    const pt2 = (await loadTask(ctx().prisma, tenantId, await taskId('PT-002')))!;
    const later = await recordAchievement(ctx().prisma, app.clock, zhao, pt2, { category: '主流媒体报道', description: '省报头版报道', sourceRef: `pt-ach-1-${ctx().provider}` }, noop);
    if (!later.ok) throw new Error(later.reason);
    expect(later.row.unitId).toBe(b);
    expect((await linksOfCase(ctx().prisma, tenantId, about2.row)).achievements.map((x) => x.description)).toEqual(['省报头版报道']);
    expect((await linksOfCase(ctx().prisma, tenantId, plain.row)).achievements).toEqual([]);
    // The office refuses it: no longer an achievement of the case (one linked at submission likewise).
    const office = (await findActorByOpenId(ctx().prisma, tenantId, 'ou_pt_office'))!;
    expect((await decideAchievement(ctx().prisma, app.clock, office, later.row.id, 'reject', '证明材料不足', noop)).ok).toBe(true);
    expect((await linksOfCase(ctx().prisma, tenantId, about2.row)).achievements).toEqual([]);
    expect((await linksOfCase(ctx().prisma, tenantId, { ...about2.row, achievementIds: String(later.row.id) })).achievements).toEqual([]);

    // The same case clicked again is the same case, even if its 关联事项 no longer resolves (breaker: refused before).
    const again = await submitCase(ctx().prisma, app.clock, zhao, today, { ...form('乙局的经验'), tasks: 'PT-999' }, `pt-case-3-${ctx().provider}`, noop);
    expect(again.ok && [again.created, again.row.id]).toEqual([false, about2.row.id]);

    // A lead unit before a co-unit: the person holds both, the case and the achievement are the lead's.
    expect(caseUnitOf(zhao, [b, a])).toBe(b);
    expect(caseUnitOf(zhao, [a, b])).toBe(a);
    const asCo = await recordAchievement(ctx().prisma, app.clock, zhao, { ...pt2, coUnitIds: [a] }, { category: '主流媒体报道', description: '牵头单位的报道', sourceRef: `pt-ach-3-${ctx().provider}` }, noop);
    expect(asCo.ok && asCo.row.unitId).toBe(b);

    // 联合牵头: a person of the second lead unit records for that unit, not for the first lead.
    const onlyA = { ...zhao, units: zhao.units!.filter((u) => u.unitId === a) };
    const joint = await recordAchievement(ctx().prisma, app.clock, onlyA, { ...pt2, jointLeadUnitIds: [a] }, { category: '主流媒体报道', description: '联合牵头单位的报道', sourceRef: `pt-ach-2-${ctx().provider}` }, noop);
    expect(joint.ok && joint.row.unitId).toBe(a);
  });

  it('re-import: without the second row the PersonUnit is deactivated (kept); 离岗 on it too; listed again → active', async () => {
    const b = await unitId('乙局');
    const zhaoUnit = () => ctx().prisma.personUnit.findFirstOrThrow({ where: { tenantId, unitId: b, person: { name: '赵敏' } } });
    const dropped = await importLedger(ctx().prisma, tenantId, [sheet([OFFICE_ROW, ZHAO_A, WANG_A, WANG_B])]);
    if (!dropped.ok) throw new Error(dropped.problems.map(formatProblem).join('\n'));
    expect((await zhaoUnit()).active).toBe(false);
    expect(await ctx().prisma.person.count({ where: { tenantId, name: '赵敏', active: true } })).toBe(1);
    const zhao = (await findActorByOpenId(ctx().prisma, tenantId, ZHAO))!;
    expect(zhao.units?.map((u) => u.unitName)).toEqual(['甲镇']);
    expect(checkPermission(zhao, (await loadTask(ctx().prisma, tenantId, await taskId('PT-002')))!, 'report').ok).toBe(false);
    const audit = await ctx().prisma.auditLog.findFirstOrThrow({ where: { tenantId, entity: 'personUnit', entityId: String((await zhaoUnit()).id) }, orderBy: { id: 'desc' } });
    expect(JSON.parse(audit.after!)).toMatchObject({ name: '赵敏', unit: '乙局', active: false });

    await importLedger(ctx().prisma, tenantId, [sheet([OFFICE_ROW, ZHAO_A, ZHAO_B, WANG_A, WANG_B])]);
    expect((await zhaoUnit()).active).toBe(true);
    const leaving = await importLedger(ctx().prisma, tenantId, [sheet([OFFICE_ROW, ZHAO_A, [...ZHAO_B.slice(0, 6), '离岗'], WANG_A, WANG_B])]);
    expect(leaving.ok && formatReport(leaving.report, []).join('\n')).toContain('赵敏 兼任 乙局改革联络员（本职单位：甲镇，同一飞书账号）——状态 离岗');
    expect((await zhaoUnit()).active).toBe(false);
    expect((await ctx().prisma.person.findFirstOrThrow({ where: { tenantId, name: '赵敏' } })).active).toBe(true);
  });

  it('the directory finds one account for two rows (mobile on one, email on the other): one person, the second a further unit, stable on re-import', async () => {
    const rows = [OFFICE_ROW, ZHAO_A, ZHAO_B, WANG_A, WANG_B, ['孙丽', '甲镇', '改革联络员', '13900002222', '', '', ''], ['孙丽', '乙局', '改革专员', '', 'sunli@example.cn', '', '']];
    const first = await importLedger(ctx().prisma, tenantId, [sheet(rows)]);
    if (!first.ok) throw new Error(first.problems.map(formatProblem).join('\n'));
    expect(first.result.people.created).toBe(2); // nothing in the sheet says they are one person yet
    const reach = await reachPeople(app, app.defaultTenant, directory as ContactLookup);
    expect(reach.partTime).toEqual([{ name: '孙丽', unit: '乙局', of: '甲镇' }]);
    expect(reach.unreachable).toEqual([]);
    const check = async () => {
      const sun = await ctx().prisma.person.findMany({ where: { tenantId, name: '孙丽' }, include: { unit: true, otherUnits: { include: { unit: true } } }, orderBy: { id: 'asc' } });
      expect(sun.map((p) => [p.unit?.name, p.active, p.openId])).toEqual([['甲镇', true, SUN], ['乙局', false, null]]);
      expect(sun[0]!.otherUnits.map((o) => [o.unit.name, o.roles, o.active])).toEqual([['乙局', 'COMMISSIONER', true]]);
    };
    await check();
    const again = await importLedger(ctx().prisma, tenantId, [sheet(rows)]);
    if (!again.ok) throw new Error(again.problems.map(formatProblem).join('\n'));
    expect(formatReport(again.report, []).join('\n')).toContain('孙丽 兼任 乙局改革专员（本职单位：甲镇');
    await check();
  });

  it('a completion reported for the further unit names that unit to the office', async () => {
    const handlers = createBotHandlers(app);
    await handlers.onMessage({
      tenantKey: 'part-time', eventId: 'ev_pt_complete', messageId: `om_pt_complete_${ctx().provider}`, chatId: 'oc_pt_p2p_wang', chatType: 'p2p', sender: { openId: WANG },
      text: '完成 PT-002 已印发实施方案', mentionsBot: false, mentions: [], messageType: 'text', createdAt: app.clock.now(),
    });
    const review = await ctx().prisma.outboxMessage.findFirstOrThrow({ where: { tenantId, receiveId: 'ou_pt_office', dedupeKey: { startsWith: 'review:' } } });
    expect(review.content).toContain('王芳（乙局）');
  });
});

