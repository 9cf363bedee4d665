// The 推广动态简报 card: the same figures as the Word document (src/documents/brief.ts), for the
// office's 「简报」 command and the monthly promotion-brief job.
import { md, type Md } from '../cards/markup.js';
import type { Card } from '../cards/render.js';
import { noticeCard } from '../chat/cards.js';
import type { BriefSummary } from '../documents/brief.js';

const lines = (items: Md[]): Md => items.reduce((a, b) => md`${a}\n${b}`, md``);

export function briefCard(monthLabel: string, planCount: number, s: BriefSummary, fileName: string): Card {
  const batches = lines(s.byBatch.map((b) => md`· ${b.batch}：${b.units} 个单位，已报送 ${b.reported} 个`));
  const adaptations = lines(s.adaptations.slice(0, 10).map((a) => md`· ${a.unitName}：${a.text}`));
  const problems = lines(s.problems.slice(0, 10).map((p) => md`· ${p.unitName}：${p.text}`));
  const missing = s.missing.map((m) => m.unitName).join('、');
  return noticeCard(
    `推广动态简报 · ${monthLabel}`,
    md`推广方案 ${planCount} 项，推广单位 ${s.units} 个，已报送 ${s.reported} 个。\n\n**分批次进展**${batches}\n\n**适应性调整**${s.adaptations.length ? adaptations : md`\n本期无`}\n\n**共性问题**${s.problems.length ? problems : md`\n本期无`}${missing ? md`\n\n**未报送**：${missing}` : md``}\n\n<font color='grey'>Word 文件「${fileName}」随后发出。</font>`,
    'blue',
  );
}
