// The reform loop in the demo county (清源县), so a newcomer sees each flow on the sandbox page:
// 前哨站 units, suggestions in every state, a 储备库 with a reviewed and an unreviewed item, an open
// 榜单 with two applications, closed tasks due for 回头看 (by the setting's months), and assessment weights. Dates are relative
// to `at` (the app's clock when the demo is loaded). Writes directly, audited as actor "demo".
import type { Db } from '../db/client.js';
import { recordAudit } from '../db/repos/audit.js';
import { putSetting } from '../db/repos/settings.js';
import { addDays, shanghaiDate } from '../core/dates.js';
import { formatNumber } from '../core/loop/numbers.js';

const DEMO_SUGGESTIONS = [
  { unit: '城关街道', title: '推行村（社区）事务积分制管理', problem: '居民参与社区治理积极性不高', proposal: '把参与志愿服务、环境整治等折算成积分，兑换生活用品和服务', lead: '城关街道', status: '已入库' },
  { unit: '石堡镇', title: '农村集体“三资”线上监管', problem: '村集体资产底数不清、租金收缴不及时', proposal: '建设三资监管平台，合同到期自动预警', lead: '县农业农村局', status: '已入库' },
  { unit: '石堡镇', title: '推行“一件事一次办”农业经营主体服务', problem: '新型经营主体办证要跑多个部门', proposal: '整合涉农审批事项，一窗受理', lead: '县行政审批服务局', status: '待处理' },
  { unit: '城关街道', title: '老旧小区加装电梯“一站式”审批', problem: '加装电梯审批环节多', proposal: '联合审图、一次踏勘', lead: '', status: '待处理' },
] as const;

export async function loadLoopDemo(db: Db, tenantId: number, at: Date): Promise<void> {
  if ((await db.suggestion.count({ where: { tenantId } })) > 0) return;
  const today = shanghaiDate(at);
  const year = Number(today.slice(0, 4));
  const units = await db.unit.findMany({ where: { tenantId }, select: { id: true, name: true } });
  const unit = (name: string) => units.find((u) => u.name === name)?.id;
  const people = await db.person.findMany({ where: { tenantId, active: true }, select: { id: true, unitId: true, roles: true } });
  const liaisonOf = (name: string) => people.find((p) => p.unitId === unit(name) && p.roles.split(',').includes('LIAISON'))?.id;
  const office = people.find((p) => p.roles.split(',').includes('ADMIN'))?.id ?? null;
  const audit: Parameters<typeof recordAudit>[1] = [];

  // 前哨站: a township and a street.
  for (const name of ['石堡镇', '城关街道', '白马滩镇']) {
    const id = unit(name);
    if (id) await db.outpost.upsert({ where: { tenantId_unitId: { tenantId, unitId: id } }, create: { tenantId, unitId: id }, update: {} });
  }

  // Suggestions: two adopted into the 储备库 (one reviewed), two waiting.
  let serial = 0, reserveSerial = 0;
  for (const s of DEMO_SUGGESTIONS) {
    const suggester = liaisonOf(s.unit);
    if (!suggester) continue;
    serial++;
    const row = await db.suggestion.create({
      data: {
        tenantId, number: formatNumber('suggestion', year, serial), year, serial, suggesterId: suggester, title: s.title, problem: s.problem, proposal: s.proposal,
        proposedLeadUnit: s.lead || null, ownerId: office, status: s.status, createdAt: new Date(at.getTime() - (5 - serial) * 86_400_000), sourceRef: `demo:${serial}`,
      },
    });
    audit.push({ tenantId, actor: 'demo', entity: 'suggestion', entityId: row.id, action: 'create', after: { number: row.number } });
    if (s.status !== '已入库') continue;
    reserveSerial++;
    const item = await db.reserveItem.create({
      data: {
        tenantId, number: formatNumber('reserve', year, reserveSerial), year, serial: reserveSerial, title: s.title, summary: `发现的问题：${s.problem}\n建议举措：${s.proposal}`,
        source: '改革建议', suggestionId: row.id, createdById: office, status: reserveSerial === 1 ? '审查通过' : '待审查',
        ...(reserveSerial === 1 ? { tags: '深改委议题', meeting: `${year}年第四次深改委会议` } : {}),
      },
    });
    audit.push({ tenantId, actor: 'demo', entity: 'reserve', entityId: item.id, action: 'create', after: { number: item.number } });
    if (reserveSerial === 1 && office) {
      await db.riskReview.create({
        data: {
          tenantId, reserveItemId: item.id, verdict: '通过', reviewerId: office, reviewedAt: at,
          dimensions: JSON.stringify(['可行性', '合法性', '社会风险', '舆情风险'].map((dimension) => ({ dimension, result: '通过', note: dimension === '合法性' ? '经县司法局审查，无上位法冲突' : '' }))),
        },
      });
    }
  }

  // An open 榜单 with two applications.
  const shibao = unit('石堡镇'), chengguan = unit('城关街道');
  if (office && shibao && chengguan) {
    const call = await db.openCall.create({
      data: {
        tenantId, number: formatNumber('call', year, 1), year, serial: 1, title: '破解农村集体经济“空壳村”难题', requirements: '一年内消除集体经济年收入低于 5 万元的村，形成可复制推广的做法',
        support: '给予改革专项资金 50 万元；列入年度考核加分', deadline: addDays(today, 2), audience: 'all', createdById: office, createdAt: at,
      },
    });
    for (const [unitId, plan, lead, expected] of [[shibao, '组建强村公司统一运营闲置资源', '程功', '三个薄弱村全部消除空壳'], [chengguan, '盘活闲置校舍发展乡村民宿', '袁媛', '村集体年增收 10 万元']] as const) {
      const applicant = people.find((p) => p.unitId === unitId && p.roles.split(',').includes('LIAISON'))?.id;
      if (applicant) await db.callApplication.create({ data: { tenantId, callId: call.id, unitId, applicantId: applicant, plan, teamLead: lead, expected } });
    }
    audit.push({ tenantId, actor: 'demo', entity: 'call', entityId: call.id, action: 'create', after: { number: call.number } });
  }

  // 回头看: the demo ledger's closed tasks (QY-2026-007 closed 2026-06-19, QY-2026-012 on 08-10) fall due
  // with these months (per category); the ledger itself is left as imported.
  await putSetting(db, tenantId, 'assessment', { components: { completion: 40, onTime: 20, reporting: 15, lookback: 10, suggestions: 10, calls: 5 }, categories: { 重点改革任务: 1.5, 改革试点: 1.2 }, suggestionsTarget: 2, callsTarget: 1, strategicTag: '战略任务' }, 'demo');
  await putSetting(db, tenantId, 'lookback', { months: 6, byCategory: { 重点改革任务: 5, 年度改革要点: 3 } }, 'demo');
  await recordAudit(db, audit);
}
