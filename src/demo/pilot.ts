// Issue 16's part of the demo ledger: pilots at each stage, confirmed and pending achievements, a
// quarter's case collection (theme, a 线索, submitted, commented and selected cases) and a
// promotion plan with two batches and this month's reports — so each flow shows on the page.
import { shanghaiDate } from '../core/dates.js';
import { quarterContaining, monthContaining } from '../core/periods.js';
import type { DbOrTx } from '../db/client.js';

export async function loadPilotDemo(db: DbOrTx, tenantId: number, now: Date): Promise<void> {
  const tasks = await db.task.findMany({ where: { tenantId }, select: { id: true, code: true, leadUnitId: true } });
  const task = (code: string) => tasks.find((t) => t.code === code);
  const need = ['QY-2026-001', 'QY-2026-002', 'QY-2026-003', 'QY-2026-005', 'QY-2026-006', 'QY-2026-007', 'QY-2026-009', 'QY-2026-010', 'QY-2026-011', 'QY-2026-013', 'QY-2026-016', 'QY-2026-017', 'QY-2026-018'];
  if (need.some((c) => !task(c))) return; // not the demo workbook
  if ((await db.pilot.count({ where: { tenantId } })) > 0) return;
  const today = shanghaiDate(now);
  const t = (code: string) => task(code)!;

  const pilots = [
    { code: 'QY-2026-009', level: '省级', approvingBody: '省民政厅', stage: '争取中', documents: '社区治理共同体建设试点申报书', contacts: '已向市民政局汇报，拟于月底前报省民政厅' },
    { code: 'QY-2026-016', level: '市级', approvingBody: '市数据局', stage: '已获批', documents: '市数据局关于同意开展公共数据授权运营试点的批复', contacts: '' },
    { code: 'QY-2026-017', level: '省级', approvingBody: '省教育厅', stage: '实施中', documents: '“县管校聘”试点实施方案', contacts: '' },
    { code: 'QY-2026-001', level: '国家级', approvingBody: '农业农村部', stage: '总结评估', documents: '农业社会化服务创新试点中期评估报告', contacts: '' },
    { code: 'QY-2026-005', level: '县级', approvingBody: '县委全面深化改革委员会', stage: '经验形成', documents: '家庭农场培育提升经验总结', contacts: '' },
  ];
  for (const p of pilots) {
    await db.pilot.create({ data: { tenantId, taskId: t(p.code).id, level: p.level, approvingBody: p.approvingBody, stage: p.stage, documents: p.documents, contacts: p.contacts, stageChangedAt: now } });
  }

  const achievements = [
    { code: 'QY-2026-007', category: '获上级批示肯定', description: '“五级联动”基层治理工作机制获市委主要领导批示肯定', status: '已确认' },
    { code: 'QY-2026-005', category: '主流媒体报道', description: '家庭农场培育经验被《农民日报》专题报道', status: '已确认' },
    { code: 'QY-2026-010', category: '经验入选上级刊物或被推广', description: '“清源好办”集成改革经验入选省委改革办《改革动态》', status: '已确认' },
    { code: 'QY-2026-011', category: '主流媒体报道', description: '“一块田”节粮减损做法被省电视台报道', status: '待确认' },
    { code: 'QY-2026-003', category: '获评改革品牌', description: '初高中一体化管理申报市级改革品牌', status: '待确认' },
  ];
  for (const [i, a] of achievements.entries()) {
    const confirmed = a.status === '已确认';
    await db.achievement.create({
      data: {
        tenantId, unitId: t(a.code).leadUnitId, taskId: t(a.code).id, category: a.category, description: a.description,
        evidence: '证明材料见附件', achievedOn: today, status: a.status, sourceRef: `demo:achievement:${i}`,
        ...(confirmed ? { decidedAt: now, decisionNote: '经核实，予以确认' } : {}),
      },
    });
  }

  const quarter = quarterContaining(today).key.replace('-', '');
  await db.caseTheme.create({ data: { tenantId, quarter, theme: '基层治理与便民服务创新' } });
  const cases = [
    {
      code: 'QY-2026-007', title: '“五级联动”让基层治理末梢活起来', stage: '培育推广', selected: true, rating: 'A',
      background: '基层治理任务多、力量散，群众诉求响应慢。', actions: '建立县、镇、村、网格、楼栋五级联动机制，实行问题分级流转、限时办结。',
      results: '群众诉求平均办结时间由 7 天缩短到 2.5 天，满意率提升到 98.6%。', highlights: '机制闭环、责任到格', promotionValue: '适合在各乡镇（街道）全面推广',
    },
    {
      code: 'QY-2026-002', title: '“站所合一”打通平安建设最后一公里', stage: '挖掘提升', selected: true, rating: 'B',
      background: '派出所、司法所、交警中队各自为战，矛盾纠纷化解效率不高。', actions: '三所合署办公，统一接警、统一调解、统一研判。',
      results: '矛盾纠纷化解率达到 96%，重复警情下降 31%。', highlights: '资源整合、一站解纷', promotionValue: '可在有条件的乡镇推广',
    },
    { code: 'QY-2026-006', title: '口袋公园建设中的群众议事', stage: '线索', selected: false, rating: null, background: '', actions: '', results: '', highlights: null, promotionValue: null },
  ];
  for (const [i, c] of cases.entries()) {
    // The contact is a person, as a unit writes it: its liaison's name and mobile.
    const liaison = await db.person.findFirst({ where: { tenantId, unitId: t(c.code).leadUnitId, active: true, roles: { contains: 'LIAISON' } }, orderBy: { id: 'asc' }, select: { name: true, mobile: true } });
    const contact = liaison ? `${liaison.name}${liaison.mobile ? ` ${liaison.mobile}` : ''}` : null;
    // Linked back to its task and that task's achievements, as a submitted case is (case-links.ts).
    const linked = await db.achievement.findMany({ where: { tenantId, taskId: t(c.code).id }, select: { id: true }, orderBy: { id: 'asc' } });
    await db.typicalCase.create({
      data: {
        tenantId, quarter, unitId: t(c.code).leadUnitId, title: c.title, background: c.background, actions: c.actions, results: c.results,
        stage: c.stage, selected: c.selected, rating: c.rating, highlights: c.highlights, promotionValue: c.promotionValue,
        contact: c.selected ? contact : null, taskIds: String(t(c.code).id), achievementIds: linked.map((a) => a.id).join(','), sourceRef: `demo:case:${i}`,
      },
    });
  }

  const plan = await db.promotionPlan.create({
    data: {
      tenantId, title: '家庭农场培育提升经验复制推广', pilotId: (await db.pilot.findFirst({ where: { tenantId, taskId: t('QY-2026-005').id } }))?.id ?? null,
      corePractice: '“农创客+农创园+庭院经济”三位一体培育机制，县级统筹、乡镇主责、村级落实',
      bottomLines: '不改变土地用途、不增加农民负担、资金使用公开透明',
    },
  });
  const batches = [
    { code: 'QY-2026-002', batch: '首批推广单位' },
    { code: 'QY-2026-006', batch: '首批推广单位' },
    { code: 'QY-2026-013', batch: '重点推广单位' },
    { code: 'QY-2026-018', batch: '重点推广单位' },
  ];
  const seen = new Set<number>();
  for (const b of batches) {
    const unitId = t(b.code).leadUnitId;
    if (seen.has(unitId)) continue;
    seen.add(unitId);
    await db.promotionUnit.create({ data: { planId: plan.id, unitId, batch: b.batch, startOn: today } });
  }
  const month = monthContaining(today).key;
  const reporters = [...seen].slice(0, 2);
  const texts = [
    { progress: '已完成 12 户家庭农场摸底，培育对象确定 5 户。', problems: '缺少懂经营的农创客', adaptations: '山区村改“农创园”为分散式庭院经济点，因地块零散' },
    { progress: '召开推广部署会，制定本地实施方案。', problems: '缺少懂经营的农创客；配套资金未到位', adaptations: '' },
  ];
  for (const [i, unitId] of reporters.entries()) {
    await db.promotionReport.create({ data: { tenantId, planId: plan.id, unitId, period: month, ...texts[i]!, sourceRef: `demo:promotion:${i}` } });
  }
}
