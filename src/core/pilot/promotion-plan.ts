// Pure: reading the office's 「推广方案」 text into a promotion plan (no I/O).
//   推广方案 <试点编号> <核心机制> 底线要求:<…> 首批推广单位:<单位、单位> [2026-12-01] 重点推广单位:<…> [日期] 后续跟进单位:<…> [日期] [标题:<…>]
// Labels may be shortened (底线、首批、重点、后续) and followed by ':' '：' or a space; units are
// separated by 、，, or spaces; a batch's date (YYYY-MM-DD or YYYY年M月D日) is when it starts
// (default: today). Every unit appears once.
import type { IsoDate } from '../types.js';

export const PROMOTION_BATCH_NAMES = ['首批推广单位', '重点推广单位', '后续跟进单位'] as const;
export type PromotionBatchName = (typeof PROMOTION_BATCH_NAMES)[number];

export interface PromotionPlanDraft {
  title: string | null;
  corePractice: string;
  bottomLines: string;
  batches: { batch: PromotionBatchName; unitNames: string[]; startOn: IsoDate }[];
}

type Field = 'bottomLines' | 'title' | PromotionBatchName;
const LABELS: [RegExp, Field][] = [
  [/^底线要求|^底线/, 'bottomLines'],
  [/^首批推广单位|^首批/, '首批推广单位'],
  [/^重点推广单位|^重点/, '重点推广单位'],
  [/^后续跟进单位|^后续/, '后续跟进单位'],
  [/^方案标题|^标题/, 'title'],
];
const LABEL_RE = /(底线要求|底线|首批推广单位|首批|重点推广单位|重点|后续跟进单位|后续|方案标题|标题)\s*[:：]/g;
const DATE_RE = /(\d{4})(?:-|年)(\d{1,2})(?:-|月)(\d{1,2})日?/;

const pad = (n: string) => n.padStart(2, '0');

function validDate(y: string, m: string, d: string): IsoDate | null {
  const iso = `${y}-${pad(m)}-${pad(d)}`;
  const t = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(t.getTime()) || t.toISOString().slice(0, 10) !== iso ? null : iso;
}

export function parsePromotionPlanText(text: string, today: IsoDate): { ok: true; draft: PromotionPlanDraft } | { ok: false; reason: string } {
  const marks = [...text.matchAll(LABEL_RE)];
  const head = (marks[0] ? text.slice(0, marks[0].index) : text).trim();
  const fields = new Map<Field, string>();
  for (const [i, m] of marks.entries()) {
    const field = LABELS.find(([re]) => re.test(m[1]!))![1];
    if (fields.has(field)) return { ok: false, reason: `「${m[1]}」写了两次` };
    const end = marks[i + 1]?.index ?? text.length;
    fields.set(field, text.slice(m.index! + m[0].length, end).trim());
  }
  if (head.length < 2) return { ok: false, reason: '缺少核心机制（推广什么做法）' };
  const bottomLines = fields.get('bottomLines') ?? '';
  if (bottomLines.length < 2) return { ok: false, reason: '缺少底线要求（推广中不能改变的内容），如「底线要求：不改变土地用途」' };
  const batches = readBatches(PROMOTION_BATCH_NAMES.map((b) => [b, fields.get(b)]), today);
  if (!batches.ok) return batches;
  const title = fields.get('title')?.trim() || null;
  return { ok: true, draft: { title, corePractice: head.slice(0, 500), bottomLines: bottomLines.slice(0, 500), batches: batches.batches } };
}

/** The form card's fields (src/chat/actions/pilot/promotion-plan.ts): the same rules as the text. */
export interface PromotionPlanFields {
  title?: string; corePractice?: string; bottomLines?: string;
  first?: string; firstDate?: string; key?: string; keyDate?: string; later?: string; laterDate?: string;
}

export function promotionDraftFromFields(f: PromotionPlanFields, today: IsoDate): { ok: true; draft: PromotionPlanDraft } | { ok: false; reason: string } {
  const corePractice = (f.corePractice ?? '').trim();
  const bottomLines = (f.bottomLines ?? '').trim();
  if (corePractice.length < 2) return { ok: false, reason: '请填写核心机制' };
  if (bottomLines.length < 2) return { ok: false, reason: '请填写底线要求（推广中不能改变的内容）' };
  const withDate = (units?: string, date?: string) => (units?.trim() ? `${units} ${date?.trim() ?? ''}` : undefined);
  const batches = readBatches([
    ['首批推广单位', withDate(f.first, f.firstDate)],
    ['重点推广单位', withDate(f.key, f.keyDate)],
    ['后续跟进单位', withDate(f.later, f.laterDate)],
  ], today);
  if (!batches.ok) return batches;
  return { ok: true, draft: { title: f.title?.trim() || null, corePractice: corePractice.slice(0, 500), bottomLines: bottomLines.slice(0, 500), batches: batches.batches } };
}

function readBatches(raws: [PromotionBatchName, string | undefined][], today: IsoDate): { ok: true; batches: PromotionPlanDraft['batches'] } | { ok: false; reason: string } {
  const batches: PromotionPlanDraft['batches'] = [];
  const seen = new Set<string>();
  for (const [batch, raw] of raws) {
    if (raw === undefined) continue;
    let startOn = today;
    let rest = raw;
    const date = DATE_RE.exec(raw);
    if (date) {
      const iso = validDate(date[1]!, date[2]!, date[3]!);
      if (!iso) return { ok: false, reason: `${batch}的日期「${date[0]}」不是有效日期` };
      startOn = iso;
      rest = raw.replace(date[0], ' ');
    }
    const unitNames = rest.split(/[、，,;；\s]+/).map((s) => s.trim()).filter(Boolean);
    if (!unitNames.length) return { ok: false, reason: `${batch}没有写单位` };
    for (const u of unitNames) {
      if (seen.has(u)) return { ok: false, reason: `「${u}」在推广单位中出现了两次` };
      seen.add(u);
    }
    batches.push({ batch, unitNames, startOn });
  }
  if (!batches.length) return { ok: false, reason: '至少要有一批推广单位，如「首批推广单位：石堡镇、城关街道 2026-12-01」' };
  return { ok: true, batches };
}
