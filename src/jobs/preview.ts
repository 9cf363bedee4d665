// Card JSON → readable lines, for `taizhang job … --dry-run` and for tests that check what a card
// says: header, markdown (tags stripped, escapes undone), table rows, chart titles, buttons.
import type { Card } from './cards.js';

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', sim: '~' };

export function plainMarkdown(text: string): string {
  return text
    .replace(/<text_tag[^>]*>(.*?)<\/text_tag>/g, '[$1]')
    .replace(/<\/?font[^>]*>/g, '')
    .replace(/\*\*/g, '')
    // Escapes (src/cards/markup.ts writes numeric ones) undone last, so escaped text stays text.
    .replace(/&(#\d{1,7}|[a-z]{2,5});/g, (m, e: string) => (e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : NAMED[e] ?? m));
}

export function cardText(card: Card): string[] {
  const out: string[] = [];
  const header = card['header'] as { title?: { content?: string }; subtitle?: { content?: string }; template?: string } | undefined;
  if (header?.title?.content) out.push(`【${header.title.content}】${header.template ? `（${header.template}）` : ''}`);
  if (header?.subtitle?.content) out.push(header.subtitle.content);
  const body = card['body'] as { elements?: unknown[] } | undefined;
  walk(body?.elements ?? [], out);
  return out;
}

function walk(elements: unknown[], out: string[]): void {
  for (const el of elements) {
    const e = el as Record<string, unknown>;
    switch (e['tag']) {
      case 'markdown':
        out.push(...plainMarkdown(String(e['content'] ?? '')).split('\n'));
        break;
      case 'hr':
        out.push('────');
        break;
      case 'button':
        out.push(`[按钮：${(e['text'] as { content?: string } | undefined)?.content ?? ''}]`);
        break;
      case 'column_set': {
        const buttons: string[] = [];
        for (const col of (e['columns'] as { elements?: unknown[] }[] | undefined) ?? []) walk(col.elements ?? [], buttons);
        out.push(buttons.join(' '));
        break;
      }
      case 'table': {
        const cols = (e['columns'] as { name: string; display_name: string }[] | undefined) ?? [];
        const rows = (e['rows'] as Record<string, string>[] | undefined) ?? [];
        out.push(`表格（${rows.length} 行）：${cols.map((c) => c.display_name).join(' | ')}`);
        for (const r of rows) out.push(`  ${cols.map((c) => r[c.name] ?? '').join(' | ')}`);
        break;
      }
      case 'chart': {
        const spec = e['chart_spec'] as { title?: { text?: string }; data?: { values?: unknown[] } } | undefined;
        out.push(`图表：${spec?.title?.text ?? ''}（${spec?.data?.values?.length ?? 0} 项数据）`);
        break;
      }
      default:
        out.push(`[${String(e['tag'])}]`);
    }
  }
}
