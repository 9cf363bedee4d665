// Every card template the bot renders (cards/*.json), through the fake Feishu's card JSON 2.0
// validator (src/sandbox/fake-feishu/card-schema.ts) — the way Feishu validates them: unknown
// properties rejected, input max_length 1–1,000, at most 200 elements. A broken template fails
// here, not in front of an office. The validator itself is tested first, rule by rule.
import { trustedMd } from '../../src/cards/markup.js';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Card } from '../../src/cards/render.js';
import { dispatchCard, helpCard, ledgerSummaryCard, myTasksCard, noticeCard, progressFormCard, receiptCard, reviewCard } from '../../src/chat/cards.js';
import { createWorkingCalendar } from '../../src/core/calendar-data.js';
import { shanghaiInstant } from '../../src/core/dates.js';
import { DEFAULT_THRESHOLDS } from '../../src/core/supervision.js';
import { ensureTenant, type TenantRef } from '../../src/db/repos/tenants.js';
import { planJob } from '../../src/jobs/run.js';
import { JOB_NAMES } from '../../src/jobs/settings.js';
import { loadTask } from '../../src/ledger/actions.js';
import { importLedger } from '../../src/ledger/import/index.js';
import { loadLedgerTasks, withSupervision } from '../../src/ledger/overview.js';
import { ledgerSummary } from '../../src/ledger/summary.js';
import { disputeCard, extensionFormCard, extensionReviewCard, problemCard, taskFormCard, taskViewCard } from '../../src/chat/office-cards.js';
import { validateCardV2 } from '../../src/sandbox/fake-feishu/card-schema.js';
import { describeEachDatabase } from '../helpers/db.js';
import { LOOP_TEMPLATES, loopCards } from '../loop/cards.js';
import { columnIndex, editedDemoWorkbook, rowByKey, DEMO_WORKBOOK } from '../helpers/workbooks.js';
import { planImportFiles } from '../../src/ledger/import/plan.js';
import { importDoneCard, importPreviewCard, importProblemsCard } from '../../src/chat/import-preview.js';
import { dispatchBatchCard } from '../../src/chat/dispatch-batch.js';
import { achievementReviewCard } from '../../src/pilot/achievements.js';
import { caseFormCard, caseReviewCard } from '../../src/pilot/cases.js';
import { promotionFormCard } from '../../src/pilot/promotion.js';
import { loadPilotDemo } from '../../src/demo/pilot.js';
import { promotionPlanFormCard } from '../../src/chat/commands/pilot/promotion-plan.js';
import { putSetting } from '../../src/db/repos/settings.js';

const calendar = createWorkingCalendar();

/** A markdown line as read: without bold, font tags and surrounding space. */
const plain = (line: string) => line.replace(/<\/?font[^>]*>/g, '').replace(/\*\*/g, '').trim();

/**
 * What a reader sees twice: the header's title or subtitle again as one of the body's first lines,
 * or the body's first line again at the start of the next (a title followed by the text it was cut from).
 */
function repeatedLines(card: Card): string[] {
  const header = card.header as { title?: { content?: string }; subtitle?: { content?: string } } | undefined;
  const heads = [header?.title?.content, header?.subtitle?.content].map((t) => (t ?? '').trim()).filter((t) => t.length >= 4);
  const lines: string[] = [];
  const walk = (els: unknown[]) => {
    for (const el of els as Record<string, unknown>[]) {
      if (el.tag === 'markdown' && typeof el.content === 'string') lines.push(...el.content.split('\n').map(plain).filter(Boolean));
      if (Array.isArray(el.elements)) walk(el.elements);
    }
  };
  walk(((card.body as { elements?: unknown[] } | undefined)?.elements) ?? []);
  const out: string[] = [];
  for (const line of lines.slice(0, 2)) {
    for (const h of heads) if (line === h || h.endsWith(line) || line.startsWith(h)) out.push(`header 「${h}」 repeated as 「${line}」`);
  }
  const [first, second] = lines;
  if (first && second && first.length >= 6 && second.startsWith(first)) out.push(`first line 「${first}」 repeated in 「${second.slice(0, 40)}」`);
  return out;
}

const valid = (): Record<string, unknown> => ({
  schema: '2.0',
  config: { update_multi: true, summary: { content: '摘要' } },
  header: { title: { tag: 'plain_text', content: '标题' }, subtitle: { tag: 'plain_text', content: '副标题' }, template: 'blue' },
  body: {
    elements: [
      { tag: 'markdown', content: '**正文**' },
      { tag: 'hr' },
      { tag: 'column_set', horizontal_spacing: 'small', columns: [{ tag: 'column', width: 'auto', elements: [{ tag: 'button', text: { tag: 'plain_text', content: '签收' }, type: 'primary', behaviors: [{ type: 'callback', value: { a: 1 } }] }] }] },
      { tag: 'form', name: 'f', elements: [{ tag: 'input', name: 'text', max_length: 1000 }, { tag: 'button', name: 'submit', text: { tag: 'plain_text', content: '提交' }, form_action_type: 'submit', behaviors: [{ type: 'callback', value: {} }] }] },
      { tag: 'table', page_size: 10, columns: [{ name: 'unit', display_name: '单位', data_type: 'text' }], rows: [{ unit: '石堡镇' }] },
    ],
  },
});
const withElement = (el: unknown) => {
  const c = valid();
  (c['body'] as { elements: unknown[] }).elements.push(el);
  return c;
};

describe('the fake Feishu validates card JSON 2.0 as documented', () => {
  it('accepts a card that follows the doc pages', () => {
    expect(validateCardV2(valid())).toBeUndefined();
  });

  it('rejects unknown properties anywhere, with 230099 and the path', () => {
    const root = { ...valid(), elements: [] };
    expect(validateCardV2(root)).toMatchObject({ code: 230099, subCode: 200621, path: 'ROOT' });
    expect(validateCardV2(withElement({ tag: 'markdown', content: 'x', text: 'y' }))?.msg).toContain('unknown property "text"');
    // 1.0's button `value` is not a 2.0 property.
    expect(validateCardV2(withElement({ tag: 'button', text: { tag: 'plain_text', content: '签收' }, value: { a: 1 } }))?.path).toBe('ROOT -> body -> elements -> [5](tag: button)');
    const header = valid();
    (header['header'] as Record<string, unknown>)['color'] = 'red';
    expect(validateCardV2(header)?.path).toBe('ROOT -> header');
    expect(validateCardV2(withElement({ tag: 'table', columns: [{ name: 'a', title: 'A' }], rows: [] }))?.msg).toContain('unknown property "title"');
    expect(validateCardV2(withElement({ tag: 'button', behaviors: [{ type: 'callback', value: {}, url: 'x' }] }))?.msg).toContain('unknown property "url"');
  });

  it('input max_length is an integer from 1 to 1,000', () => {
    for (const bad of [0, 1001, 2000, 1.5, '100']) {
      const p = validateCardV2(withElement({ tag: 'form', name: 'g', elements: [{ tag: 'input', name: 'x', max_length: bad }] }));
      expect(p?.msg, String(bad)).toContain('max_length must be an integer from 1 to 1000');
    }
    for (const ok of [1, 3, 1000]) expect(validateCardV2(withElement({ tag: 'form', name: 'g', elements: [{ tag: 'input', name: 'x', max_length: ok }] })), String(ok)).toBeUndefined();
  });

  it('at most 200 elements (text elements count), 1.0-only tags, table rows and other ranges', () => {
    const many = Array.from({ length: 196 }, () => ({ tag: 'hr' }));
    const c = valid();
    (c['body'] as { elements: unknown[] }).elements = many;
    expect(validateCardV2(c)).toBeUndefined();
    (c['body'] as { elements: unknown[] }).elements = [...many, ...Array.from({ length: 3 }, () => ({ tag: 'button', text: { tag: 'plain_text', content: 'x' } }))];
    expect(validateCardV2(c)).toMatchObject({ subCode: 11310 });
    expect(validateCardV2(withElement({ tag: 'action', actions: [] }))).toMatchObject({ subCode: 200861 });
    expect(validateCardV2(withElement({ tag: 'note', elements: [] }))).toMatchObject({ subCode: 200861 });
    expect(validateCardV2(withElement({ tag: 'table', columns: [{ name: 'a' }], rows: [{ b: 1 }] }))).toMatchObject({ subCode: 200915 });
    expect(validateCardV2(withElement({ tag: 'table', page_size: 11, columns: [], rows: [] }))?.msg).toContain('page_size');
    expect(validateCardV2(withElement({ tag: 'button', text: { tag: 'plain_text', content: '长'.repeat(101) } }))?.msg).toContain('100 characters');
    expect(validateCardV2(withElement({ tag: 'form', name: 'g', elements: [{ tag: 'form', name: 'h', elements: [] }] }))?.msg).toContain('a form cannot contain a form');
    expect(validateCardV2(withElement({ tag: 'form', name: 'g', elements: [{ tag: 'input' }] }))?.msg).toContain('needs a name');
    const multi = valid();
    (multi['config'] as Record<string, unknown>)['update_multi'] = false;
    expect(validateCardV2(multi)?.msg).toContain('update_multi can only be true');
  });
});

describeEachDatabase('every card template the bot renders is a valid card JSON 2.0', (ctx) => {
  let tenant: TenantRef;
  const rendered = new Map<string, Card[]>();
  const add = (template: string, card: Card) => rendered.set(template, [...(rendered.get(template) ?? []), card]);

  beforeAll(async () => {
    const db = ctx().prisma;
    tenant = await ensureTenant(db, 'tk-templates');
    const outcome = await importLedger(db, tenant.id, [DEMO_WORKBOOK]);
    if (!outcome.ok) throw new Error('demo import failed');
    const today = '2026-11-23';
    const tasks = await db.task.findMany({ where: { tenantId: tenant.id }, orderBy: { id: 'asc' } });
    const task = (await loadTask(db, tenant.id, tasks[0]!.id))!;
    const at = shanghaiInstant(today, '09:30');
    // Chat cards.
    add('task-dispatch', dispatchCard(task, [{ title: '形成初稿', dueDate: '2026-12-15' }]));
    add('task-dispatch', dispatchCard(task, [], { text: trustedMd('已签收 · 袁媛 · 11-23 09:30'), colour: 'green' }));
    for (const kind of ['进展', '问题', '完成'] as const) {
      add('receipt', receiptCard({ kind, task, reporter: '程功', at, text: '召开推进会，形成初稿\n下一步征求意见', percent: 60, problems: '用地指标不足', nextSteps: '报县政府审定' }));
    }
    add('review', reviewCard(task, { text: '已印发实施方案', reporter: '程功', completedOn: today, onTime: true }));
    add('review', reviewCard(task, { text: '已印发实施方案', reporter: '程功', completedOn: today, onTime: false }, { text: trustedMd('已销号 · 周敏 · 11-23 10:00'), colour: 'green' }));
    add('notice', noticeCard('消息未能送达：程功（石堡镇 · 改革联络员）', trustedMd('**原因**：此人不在机器人的可用范围内'), 'red'));
    add('help', helpCard(true, task.code));
    add('help', helpCard(false, task.code));
    const thresholds = DEFAULT_THRESHOLDS;
    const unitId = tasks[0]!.leadUnitId;
    add('my-tasks', myTasksCard('石堡镇', today, withSupervision(await loadLedgerTasks(db, tenant.id, { unitId, openOnly: true }), today, calendar, thresholds)));
    add('my-tasks', myTasksCard('空单位', today, []));
    const summary = await ledgerSummary(db, tenant.id, { today, calendar, thresholds });
    const units = summary.stats.byUnit.map((u) => ({ name: summary.unitNames.get(u.unitId) ?? `单位${u.unitId}`, stats: u }));
    add('ledger-summary', ledgerSummaryCard('全县', today, summary.stats.overall, units));
    // The day's recompute still under way for some tasks: the card says so.
    add('ledger-summary', ledgerSummaryCard('全县', today, summary.stats.overall, units, [], 1234));
    const unitTasks = tasks.filter((t) => t.leadUnitId === unitId);
    add('progress-form', progressFormCard('石堡镇', unitTasks, unitTasks[0]!.id));
    add('progress-form', progressFormCard('空单位', []));
    for (const [name, card] of await loopCards(db, tenant.id)) add(name, card);
    // The 任务交办单 of one import, one card per recipient.
    const batch = (await Promise.all(tasks.slice(0, 20).map((t) => loadTask(db, tenant.id, t.id)))).map((t, i) => ({ ...t!, status: i % 2 ? ('推进中' as const) : ('待签收' as const) }));
    add('dispatch-batch', dispatchBatchCard(batch, '城关街道'));
    // 导入预览 (a changed deadline, everything else as is), its problems and outcomes.
    const edited = await editedDemoWorkbook((wb) => {
      rowByKey(wb, '台账', task.code).getCell(columnIndex(wb, '台账', '完成时限')).value = '2027-03-31';
    });
    const planned = await planImportFiles(db, tenant.id, [edited]);
    if (!planned.ok) throw new Error('plan failed');
    add('import-preview', importPreviewCard('台账.xlsx', planned.plan, planned.preview, 1));
    const fresh = await ensureTenant(db, 'tk-templates-empty');
    const all = await planImportFiles(db, fresh.id, [DEMO_WORKBOOK]);
    if (!all.ok) throw new Error('plan failed');
    add('import-preview', importPreviewCard('清源县改革台账.xlsx', all.plan, all.preview, 2));
    add('notice', importProblemsCard('台账.xlsx', Array.from({ length: 300 }, (_, i) => ({ sheet: '台账', row: i + 2, column: '牵头单位', message: '单位「不存在」不在单位表中' }))));
    add('notice', importDoneCard('台账.xlsx', 'applied', '周敏', '11-23 10:00', planned.preview.result));
    // The office's cards (issue 14).
    const req = { id: 1, taskId: task.id, requesterId: 1, requesterName: '程功', requestedAt: at, fromDeadline: '2026-12-31', toDeadline: '2027-03-31', reason: '用地报批未完成', status: '待审批' as const, decidedById: null, decidedAt: null, decisionReason: null };
    add('extension-form', extensionFormCard(task));
    add('extension-review', extensionReviewCard(task, req));
    add('extension-review', extensionReviewCard(task, { ...req, status: '已同意' }, { text: trustedMd('已同意延期 · 周敏 · 11-23 10:00'), colour: 'green' }));
    const problem = { id: 1, taskId: task.id, text: '用地指标不足', reporterId: 1, reporterName: '程功', reportedAt: at, withdrawn: false };
    add('problem', problemCard(task, problem));
    add('problem', problemCard(task, problem, { text: trustedMd('已协调 · 周敏 · 11-23 10:00'), colour: 'green' }));
    add('notice', disputeCard(task, '程功', '应由县自然资源局牵头'));
    add('task-edit', taskFormCard({ ...task, milestones: '形成初稿 2026-12-15' }));
    add('task-edit', taskFormCard(null));
    add('task-edit', taskFormCard(null, { text: trustedMd('已新增'), colour: 'green' }));
    add('task-view', taskViewCard({ ...task, originalDeadline: '2026-06-30' }, { milestones: ['形成初稿（2026-12-15）'], latest: trustedMd('形成初稿 60%'), timeline: [{ at, text: trustedMd('签收 · 程功') }] }));
    // 成果待确认 (issue 16): open, confirmed, refused.
    const ach = { id: 1, tenantId: tenant.id, unitId, taskId: task.id, category: '获上级批示肯定', description: '经验做法获市委主要领导批示肯定', evidence: '批示件', achievedOn: today, status: '待确认', reporterId: null, sourceRef: null, decidedById: null, decidedAt: null, decisionNote: null, createdAt: at };
    const achInfo = { code: task.code, taskTitle: task.title, unit: '石堡镇', reporter: '程功', points: 10 };
    add('achievement-review', achievementReviewCard(ach, achInfo));
    add('achievement-review', achievementReviewCard({ ...ach, status: '已确认', decidedAt: at }, achInfo));
    add('achievement-review', achievementReviewCard({ ...ach, status: '不予认定', decidedAt: at, decisionNote: '缺少批示原件' }, achInfo));
    // 典型案例 (issue 16): the form, a case waiting for comment and one selected.
    add('case-form', caseFormCard('2026年第四季度', '基层治理与便民服务创新', '石堡镇'));
    const caseRow = { id: 1, tenantId: tenant.id, quarter: '2026Q4', unitId, title: '“五级联动”让基层治理末梢活起来', background: '背景', actions: '做法', results: '办结时间由 7 天缩短到 2.5 天', evidence: null, contact: '袁媛', stage: '挖掘提升', highlights: null, promotionValue: null, rating: null, selected: false, taskIds: '', achievementIds: '', submittedById: null, sourceRef: null, createdAt: at, updatedAt: at };
    add('case-review', caseReviewCard(caseRow, '石堡镇', '2026年第四季度'));
    add('case-review', caseReviewCard({ ...caseRow, selected: true, stage: '培育推广', highlights: '机制闭环', promotionValue: '全县推广', rating: 'A' }, '石堡镇', '2026年第四季度', { tasks: [{ id: 1, code: 'QY-2026-007', title: '“五级联动”基层治理' }], achievements: [{ id: 2, category: '获上级批示肯定', description: '获市委主要领导批示肯定', status: '已确认' }] }, { name: '周敏', at }));
    add('promotion-form', promotionFormCard({ id: 1, title: '家庭农场培育提升经验复制推广', corePractice: '三位一体培育机制', bottomLines: '不改变土地用途' }, '石堡镇', '首批推广单位', '2026年11月'));
    // The demo's pilot part (a case theme, a promotion plan) and the office/all-hands groups, so the
    // 试点与复制推广 jobs have something to send.
    await loadPilotDemo(db, tenant.id, shanghaiInstant('2026-11-02', '09:00'));
    await putSetting(db, tenant.id, 'recipients', { allHandsChatId: 'oc_all_hands_templates', officeChatId: 'oc_office_templates' }, 'test');
    add('promotion-plan-form', promotionPlanFormCard({ id: 5, code: 'QY-2026-005', title: '家庭农场培育提升' }, { level: '县级', stage: '经验形成' }));
    // Every scheduled job at moments across the year (its cards come from the other templates).
    const config = undefined;
    for (const job of JOB_NAMES) {
      for (const [date, time] of [['2026-11-23', '09:00'], ['2026-11-23', '09:30'], ['2026-11-25', '10:00'], ['2026-11-23', '08:30'], ['2026-12-01', '10:00'], ['2026-10-09', '10:30'], ['2026-07-01', '11:00'], ['2027-01-04', '11:00']] as const) {
        const plan = await planJob(db, tenant.id, job, shanghaiInstant(date, time), calendar, config);
        for (const m of plan.messages) add(`job:${job}`, m.card);
      }
    }
  });

  it('renders every template in cards/, and every rendering passes', () => {
    const all: [string, Card][] = [...rendered.entries()].flatMap(([name, cards]) => cards.map((c) => [name, c] as [string, Card]));
    expect(all.length).toBeGreaterThan(30);
    for (const [name, card] of all) {
      const problem = validateCardV2(card as Record<string, unknown>);
      expect(problem, `${name}: ${problem?.msg}`).toBeUndefined();
    }
    // Which template files the renderings came from: each card's shape names it via its summary or title.
    const files = readdirSync(path.resolve(import.meta.dirname, '../../cards')).map((f) => f.replace(/\.json$/, '')).sort();
    const chatTemplates = ['task-dispatch', 'dispatch-batch', 'receipt', 'review', 'notice', 'help', 'my-tasks', 'ledger-summary', 'progress-form', 'import-preview', 'extension-form', 'extension-review', 'problem', 'task-view', 'task-edit', 'achievement-review', 'case-form', 'case-review', 'promotion-form', 'promotion-plan-form', ...LOOP_TEMPLATES];
    const jobTemplates = ['reminder', 'reminder-overdue', 'reminder-batch', 'nudge', 'digest', 'honour-roll', 'honour-progress-table', 'quarterly', 'tally-half-year', 'year-end', 'calendar-reminder'];
    expect([...chatTemplates, ...jobTemplates].sort()).toEqual(files);
    for (const t of chatTemplates) expect(rendered.get(t)?.length, t).toBeGreaterThan(0);
    for (const job of JOB_NAMES) expect(rendered.get(`job:${job}`)?.length, job).toBeGreaterThan(0);
  });

  it('no card says its header or its first line twice (a title repeated as the body\'s first line)', () => {
    const repeats: string[] = [];
    for (const [name, cards] of rendered) for (const card of cards) for (const r of repeatedLines(card)) repeats.push(`${name}: ${r}`);
    expect(repeats).toEqual([]);
  });

  it('the progress form is valid: its text input allows at most 1,000 characters (the server still checks 2,000 from text)', () => {
    const form = rendered.get('progress-form')![0]!;
    const inputs = JSON.stringify(form).match(/"max_length":\d+/g) ?? [];
    expect(inputs.length).toBeGreaterThan(0);
    for (const m of inputs) expect(Number(m.split(':')[1])).toBeLessThanOrEqual(1000);
  });
});
