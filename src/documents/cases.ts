// 典型案例汇编 (quarterly): the quarter's theme and every selected case — background, what was done,
// results with numbers, the office's comment (亮点、推广价值、评级), the tasks it came from and their
// confirmed achievements — after a table of contents.
import type { CaseLinks } from '../pilot/case-links.js';
import { OfficialDoc, officialDate } from './layout.js';

export interface CaseEntry {
  title: string;
  unitName: string;
  background: string;
  actions: string;
  results: string;
  contact: string | null;
  highlights: string | null;
  promotionValue: string | null;
  rating: string | null;
  links: CaseLinks;
}

export interface CasesInput {
  issuer: string;
  date: string;
  /** '2026年第四季度' */
  quarterLabel: string;
  theme: string | null;
  cases: CaseEntry[];
}

export function casesDocument(input: CasesInput): OfficialDoc {
  const doc = new OfficialDoc({
    title: `${input.quarterLabel}全面深化改革典型案例汇编`,
    subtitle: input.theme ? `主题：${input.theme}` : undefined,
    issuer: input.issuer,
    date: officialDate(input.date),
  });
  doc.para(`为总结推广基层改革创新经验，县委改革办${input.theme ? `围绕“${input.theme}”主题` : ''}征集各地各部门典型案例，经遴选点评，现将入选的 ${input.cases.length} 个案例汇编印发，供学习借鉴。`);
  doc.table(
    ['序号', '案例名称', '报送单位', '关联事项', '评级'],
    input.cases.map((c, i) => [i + 1, c.title, c.unitName, c.links.tasks.map((t) => t.code).join('、') || '—', c.rating ?? '—']),
    '目　录',
  );
  if (!input.cases.length) doc.para('本季度暂无入选案例。');
  for (const c of input.cases) {
    doc.section(`${c.title}（${c.unitName}）`);
    doc.sub('改革背景');
    doc.para(c.background || '—');
    doc.sub('主要做法');
    doc.para(c.actions || '—');
    doc.sub('取得成效');
    doc.para(c.results || '—');
    const confirmed = c.links.achievements.filter((a) => a.status === '已确认');
    if (c.links.tasks.length || confirmed.length) {
      doc.sub('关联事项与成果');
      // Two numbered items, 关联事项 and 成果, each listing its own (a task and an achievement are not siblings).
      if (c.links.tasks.length) doc.item('关联事项：', c.links.tasks.map((t) => `${t.code} ${t.title}`).join('；'));
      if (confirmed.length) doc.item('取得的成果：', confirmed.map((a) => `${a.category}——${a.description}`).join('；'));
    }
    doc.sub('改革办点评');
    doc.item('亮点：', c.highlights ?? '—');
    doc.item('推广价值：', c.promotionValue ?? '—');
    doc.item('评级：', c.rating ?? '—');
    if (c.contact) doc.para(`联系人：${c.contact}`);
  }
  return doc;
}
