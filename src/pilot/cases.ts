// Storage of 典型案例: the office sets the quarter's theme (announced once per quarter and group),
// units submit cases by card (once per click), the office comments (亮点、推广价值、评级) and selects
// a case into the quarter's 案例汇编 — once, audited.
import { z } from 'zod';
import { quarterContaining, quarterPeriod } from '../core/periods.js';
import type { IsoDate } from '../core/types.js';
import type { Db, Tx } from '../db/client.js';
import { recordAudit } from '../db/repos/audit.js';
import type { Clock } from '../clock.js';
import type { LedgerActor } from '../ledger/actions.js';
import { actorUnitIds } from '../core/permissions.js';
import { renderCard, type Card } from '../cards/render.js';
import { md } from '../cards/markup.js';
import { shanghaiShort } from '../core/dates.js';
import { caseUnitOf, describeLinks, EMPTY_LINKS, resolveCaseLinks, type CaseLinks } from './case-links.js';

export type CaseRow = NonNullable<Awaited<ReturnType<Db['typicalCase']['findUnique']>>>;
type Outcome<T> = ({ ok: true } & T) | { ok: false; reason: string; row?: CaseRow };

/** '2026Q4' (the stored key) → '2026年第四季度'. */
export const quarterLabelOf = (key: string) => quarterPeriod(Number(key.slice(0, 4)), Number(key.slice(5))).label;

export const quarterOf = (today: IsoDate) => {
  const p = quarterContaining(today);
  return { key: p.key.replace('-', ''), label: p.label };
};

const text = (name: string, min: number, max: number) =>
  z.string({ error: `请填写${name}` }).trim().min(min, { error: `请填写${name}` }).max(max, { error: `${name}最多 ${max} 字` });
export const caseFormSchema = z.object({
  title: text('案例标题', 2, 100),
  background: z.string().trim().max(1000).optional().default(''),
  actions: text('主要做法', 2, 1000),
  results: text('取得成效', 2, 1000),
  evidence: z.string().trim().max(500).optional(),
  contact: z.string().trim().max(100).optional(),
  /** 关联事项: task codes ("QY-2026-011、QY-2026-007"); their achievements are linked too (case-links.ts). */
  tasks: z.string().trim().max(300).optional(),
});
export const caseReviewSchema = z.object({
  highlights: text('亮点', 2, 300),
  value: text('推广价值', 2, 300),
  rating: z.string({ error: '请填写评级 A、B 或 C' }).trim().toUpperCase().pipe(z.enum(['A', 'B', 'C'], { error: '评级请填 A、B 或 C' })),
});

export async function setCaseTheme(db: Db, clock: Clock, actor: LedgerActor, today: IsoDate, theme: string, after: (tx: Tx, quarter: { key: string; label: string }) => Promise<void>) {
  if (!actor.roles.includes('ADMIN')) return { ok: false as const, reason: '只有县委改革办可以设定案例征集主题。' };
  const quarter = quarterOf(today);
  return db.$transaction(async (tx) => {
    const before = await tx.caseTheme.findUnique({ where: { tenantId_quarter: { tenantId: actor.tenantId, quarter: quarter.key } } });
    const now = clock.now();
    const row = await tx.caseTheme.upsert({
      where: { tenantId_quarter: { tenantId: actor.tenantId, quarter: quarter.key } },
      create: { tenantId: actor.tenantId, quarter: quarter.key, theme, setById: actor.personId, createdAt: now },
      update: { theme, setById: actor.personId },
    });
    if (before?.theme !== theme) {
      await recordAudit(tx, [{ tenantId: actor.tenantId, actor: actor.name, entity: 'case', entityId: `theme:${quarter.key}`, action: before ? 'update' : 'create', before: before ? { theme: before.theme } : undefined, after: { theme }, at: now }]);
    }
    await after(tx, quarter);
    return { ok: true as const, row, quarter, changed: before?.theme !== theme, previous: before?.theme ?? null };
  });
}

export async function submitCase(db: Db, clock: Clock, actor: LedgerActor, today: IsoDate, form: z.infer<typeof caseFormSchema>, sourceRef: string, after: (tx: Tx, row: CaseRow) => Promise<void>): Promise<Outcome<{ row: CaseRow; created: boolean }>> {
  if (actor.unitId === null) return { ok: false, reason: '您没有所属单位，无法以单位名义报送案例。' };
  const quarter = quarterOf(today);
  return db.$transaction(async (tx) => {
    const existing = await tx.typicalCase.findUnique({ where: { tenantId_sourceRef: { tenantId: actor.tenantId, sourceRef } } });
    if (existing) return { ok: true as const, row: existing, created: false };
    // The same case again from the person's units this quarter (提交 clicked twice, or the still-open
    // form submitted again): one case, as for progress reports — even if a linked task changed meanwhile.
    const same = await tx.typicalCase.findFirst({
      where: { tenantId: actor.tenantId, quarter: quarter.key, unitId: { in: actorUnitIds(actor) }, title: form.title, background: form.background, actions: form.actions, results: form.results },
      orderBy: { id: 'desc' },
    });
    if (same) return { ok: true as const, row: same, created: false };
    const links = await resolveCaseLinks(tx, actor.tenantId, form.tasks);
    if (!links.ok) return links;
    // 兼职: the unit of the linked tasks the person holds, else their primary unit.
    const unitId = caseUnitOf(actor, links.unitIds)!;
    const now = clock.now();
    const row = await tx.typicalCase.create({
      data: {
        taskIds: links.taskIds.join(','), achievementIds: links.achievementIds.join(','),
        tenantId: actor.tenantId, quarter: quarter.key, unitId, title: form.title, background: form.background, actions: form.actions, results: form.results,
        evidence: form.evidence || null, contact: form.contact || null, stage: '挖掘提升', submittedById: actor.personId, sourceRef, createdAt: now,
      },
    });
    await recordAudit(tx, [{ tenantId: actor.tenantId, actor: actor.name, entity: 'case', entityId: row.id, action: 'create', after: row, at: now }]);
    await after(tx, row);
    return { ok: true as const, row, created: true };
  });
}

/** `effects` runs inside the selection's transaction (tell the submitter: exactly once with the write). */
export async function selectCase(db: Db, clock: Clock, actor: LedgerActor, id: number, review: z.infer<typeof caseReviewSchema>, effects?: (tx: Tx, row: CaseRow) => Promise<void>): Promise<Outcome<{ row: CaseRow }>> {
  if (!actor.roles.includes('ADMIN')) return { ok: false, reason: '只有县委改革办可以点评和遴选案例。' };
  return db.$transaction(async (tx) => {
    const before = await tx.typicalCase.findFirst({ where: { id, tenantId: actor.tenantId } });
    if (!before) return { ok: false as const, reason: '没有找到这个案例。' };
    const now = clock.now();
    const changed = await tx.typicalCase.updateMany({
      where: { id, selected: false },
      data: { selected: true, stage: '培育推广', highlights: review.highlights, promotionValue: review.value, rating: review.rating },
    });
    const row = (await tx.typicalCase.findUnique({ where: { id } }))!;
    if (changed.count === 0) return { ok: false as const, reason: '该案例已入选汇编，不能重复遴选。', row };
    await recordAudit(tx, [{ tenantId: actor.tenantId, actor: actor.name, entity: 'case', entityId: id, action: 'update', before: { selected: before.selected, stage: before.stage }, after: { selected: true, stage: '培育推广', ...review }, at: now }]);
    await effects?.(tx, row);
    return { ok: true as const, row };
  });
}

/** `tasks`: the 关联事项 field filled in (from `案例 QY-2026-011`). */
export function caseFormCard(quarterLabel: string, theme: string, unit: string, tasks = ''): Card {
  return renderCard('case-form', { quarterLabel, theme, unit, tasks: tasks || undefined });
}

export function caseReviewCard(row: CaseRow, unit: string, quarterLabel: string, links: CaseLinks = EMPTY_LINKS, by?: { name: string; at: Date }): Card {
  const linked = describeLinks(links);
  return renderCard('case-review', {
    // A pending card is not rewritten when a linked task gets an achievement: it says as of when, and selecting it refreshes the list.
    linkedTasks: linked.tasks, linkedAchievements: row.selected ? linked.achievements : `${linked.achievements}（截至报送时；点评入选时按最新登记更新）`,
    headerTitle: row.selected ? '典型案例 · 已入选汇编' : '典型案例 · 待点评',
    headerColor: row.selected ? 'green' : 'orange',
    unit, quarterLabel, stage: row.stage, title: row.title, background: row.background || '—', actions: row.actions || '—', results: row.results || '—',
    evidence: row.evidence ?? '—', contact: row.contact ?? '—', caseId: row.id, done: row.selected,
    doneText: row.selected ? md`已入选 · 评级 ${row.rating ?? '—'} · 亮点：${row.highlights ?? '—'} · 推广价值：${row.promotionValue ?? '—'}${by ? ` · ${by.name} · ${shanghaiShort(by.at)}` : ''}` : md``,
  });
}
