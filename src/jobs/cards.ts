// Building blocks for the job cards (templates in cards/*.json, rendered by src/cards/render.ts):
// lists that say "等 N 项" instead of overflowing, size-fitting under the 25-KB card budget, the
// 填报进展 / 申请延期 buttons, tables and charts. Markdown is `Md` (src/cards/markup.ts): ledger
// text interpolated with md`…` is escaped there, and plain strings passed to a template are escaped
// by the renderer.
import { button, CARD_MAX_BYTES, LEVEL_HEADER, LEVEL_TAG, markdownElement, type Card } from '../cards/render.js';
import { joinMd, md, type Md, type MdPart } from '../cards/markup.js';
import type { DueItem } from '../core/supervision.js';
import type { IsoDate, SupervisionLevel } from '../core/types.js';

export { md, joinMd, markdownElement, LEVEL_HEADER, LEVEL_TAG, type Card, type Md };

export { listText, renderFitting } from '../cards/fitting.js';

export function cardBytes(card: Card): number {
  return Buffer.byteLength(JSON.stringify(card));
}
export { CARD_MAX_BYTES };

/** The two buttons every reminder carries; the chat handlers answer the clicks. */
export function taskActions(taskId: number): Card[] {
  return [
    {
      tag: 'column_set',
      horizontal_spacing: 'small',
      columns: [
        { tag: 'column', width: 'auto', elements: [button('填报进展', { a: 'progress_form', t: taskId }, 'primary')] },
        { tag: 'column', width: 'auto', elements: [button('申请延期', { a: 'extension', t: taskId }, 'default')] },
      ],
    },
  ];
}

export function progressButton(taskId: number, label: string): Card {
  return button(label, { a: 'progress_form', t: taskId }, 'primary_text');
}

export const levelTag = (level: SupervisionLevel): Md => LEVEL_TAG[level] ?? LEVEL_TAG.none!;
export const headerColour = (level: SupervisionLevel): string => LEVEL_HEADER[level] ?? 'blue';

/** "**QY-2026-008** 标题" with both parts escaped. */
export function taskRef(t: { code: string; title: string }): Md {
  return md`**${t.code}** ${t.title}`;
}

/** "完成时限 2026-10-03（遇节假日顺延至 2026-10-08）" / "节点「…」 2026-11-24". */
export function dueLabel(item: DueItem): Md {
  const shifted = item.effectiveDate !== item.date ? `（遇节假日顺延至 ${item.effectiveDate}）` : '';
  return item.kind === 'deadline' ? md`完成时限 ${item.date}${shifted}` : md`节点「${item.title}」 ${item.date}${shifted}`;
}

export function dueIn(n: number): Md {
  return n === 0 ? md`**今天到期**` : md`还有 **${n}** 个工作日`;
}

export function lastReportText(t: { lastReportOn?: IsoDate | null; lastPercent?: number | null }): string {
  if (!t.lastReportOn) return '尚未报送进展';
  return `${t.lastReportOn} 报送${t.lastPercent !== null && t.lastPercent !== undefined ? `，进度 ${t.lastPercent}%` : ''}`;
}

export function grey(text: MdPart): Md {
  return md`<font color='grey'>${text}</font>`;
}

/** Card JSON 2.0 table (≤ 5 per card): columns of plain text, paged by Feishu 10 rows at a time. */
export function table(columns: { name: string; label: string; width?: string }[], rows: Record<string, string | number>[], pageSize = 10): Card {
  return {
    tag: 'table',
    page_size: Math.min(10, Math.max(1, pageSize)),
    row_height: 'low',
    freeze_first_column: true,
    header_style: { text_align: 'left', text_size: 'normal', background_style: 'grey', text_color: 'default', bold: true, lines: 1 },
    columns: columns.map((c) => ({ name: c.name, display_name: c.label, data_type: 'text', width: c.width ?? 'auto' })),
    rows: rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)]))),
  };
}

/** The card's native chart (VChart spec): one bar per category. */
export function barChart(title: string, values: { name: string; value: number }[], unit = ''): Card {
  return {
    tag: 'chart',
    aspect_ratio: '16:9',
    chart_spec: {
      type: 'bar',
      title: { text: title },
      data: { values: values.map((v) => ({ name: v.name, value: v.value })) },
      xField: 'name',
      yField: 'value',
      label: { visible: true },
      axes: [{ orient: 'bottom', label: { autoRotate: true, autoHide: false } }, { orient: 'left', title: { visible: Boolean(unit), text: unit } }],
    },
  };
}

/**
 * A pie of a few categories (VChart spec). Give each a `colour` when the colour means something
 * (逾期 red, 已销号 green): it is bound to the category, so an empty one does not shift the rest.
 */
export function pieChart(title: string, values: { name: string; value: number; colour?: string }[]): Card {
  const coloured = values.every((v) => v.colour);
  return {
    tag: 'chart',
    aspect_ratio: '4:3',
    chart_spec: {
      type: 'pie',
      title: { text: title },
      data: { values: values.map((v) => ({ name: v.name, value: v.value })) },
      ...(coloured ? { color: { type: 'ordinal', domain: values.map((v) => v.name), range: values.map((v) => v.colour!) } } : {}),
      categoryField: 'name',
      valueField: 'value',
      outerRadius: 0.8,
      innerRadius: 0.5,
      label: { visible: true },
      legends: { visible: true, orient: 'right' },
    },
  };
}
