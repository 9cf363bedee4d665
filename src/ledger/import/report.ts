// The import report as lines of Chinese text, for `taizhang import --check` and after an import:
// which sheets were read as what (and which row was the header), the mapping 表头 → 字段, columns
// not recognised, how rows were matched to stored tasks, units and leaders inferred from the
// ledger (for the office to confirm), deadlines found in task text, then every problem.
import { formatProblem, isError, type ImportProblem, type SourceReport } from './validate.js';
import { ROLE_LABELS } from '../../core/types.js';

const MAX_LISTED = 200;

/** 兼职 rows in Chinese: 「王芳 兼任 石堡镇改革联络员（本职单位：县发展改革局）」, 离岗 ones as such. */
export function partTimeLines(report: Pick<SourceReport, 'partTime'>): string[] {
  return (report.partTime ?? []).map((p) =>
    `${p.name} 兼任 ${p.unit}${p.roles.map((r) => ROLE_LABELS[r]).join('、')}${p.primaryUnit ? `（本职单位：${p.primaryUnit}，同一飞书账号）` : ''}${p.active ? '' : '——状态 离岗，该兼职停用'}`);
}

export function formatReport(report: SourceReport, problems: ImportProblem[], opts: { verbose?: boolean } = {}): string[] {
  const lines: string[] = [];
  for (const s of report.sheets) {
    lines.push(`工作表「${s.sheet}」（${s.file}）：${s.readAs === '未读取' ? `未读取——${s.note ?? ''}` : `按「${s.readAs}」读取，表头在第 ${s.headerRow} 行`}`);
  }
  for (const t of report.tables) {
    lines.push(`「${t.sheet}」表头 → 字段：${t.mapping.map((m) => `${m.header}（${m.column}）→ ${m.field}${m.rule === 'responsible-unit-is-lead' ? '（无牵头单位列，责任单位即牵头单位）' : m.rule === 'responsible-unit-is-co' ? '（已有牵头单位列，责任单位作配合单位）' : ''}`).join('；')}`);
    if (t.unrecognised.length) lines.push(`「${t.sheet}」未识别的列（不导入）：${t.unrecognised.map((u) => `${u.header}（${u.column}）`).join('、')}`);
    lines.push(`「${t.sheet}」事项 ${t.taskRows} 行，分组标题 ${t.headings} 行${t.footnotes ? `，表注 ${t.footnotes} 行（不导入）` : ''}${t.titleYear ? `；标题中的年份 ${t.titleYear}` : ''}`);
  }
  const by = new Map<string, number>();
  for (const m of report.matches) by.set(m.matchedBy, (by.get(m.matchedBy) ?? 0) + 1);
  if (report.matches.length) lines.push(`事项匹配：${[...by].map(([k, n]) => `${k} ${n}`).join('，')}`);
  const notable = report.matches.filter((m) => opts.verbose || (m.matchedBy !== '编号' && m.matchedBy !== '新增') || m.note);
  const units = (m: (typeof notable)[number]) => (opts.verbose && m.leads ? `；牵头：${m.leads.join('、') || '—'}${m.cos?.length ? `；配合：${m.cos.join('、')}` : ''}` : '');
  for (const m of notable.slice(0, MAX_LISTED)) lines.push(`  「${m.sheet}」第 ${m.row} 行 → ${m.code}（${m.matchedBy}${m.note ? `：${m.note}` : ''}${units(m)}）`);
  if (notable.length > MAX_LISTED) lines.push(`  ……另有 ${notable.length - MAX_LISTED} 行`);
  if (report.inferredUnits.length) lines.push(`将按台账新建单位 ${report.inferredUnits.length} 个（请改革办确认名称与类型）：${report.inferredUnits.join('、')}`);
  if (report.inferredLeaders.length) lines.push(`将按台账新建县级领导 ${report.inferredLeaders.length} 人（请改革办确认）：${report.inferredLeaders.join('、')}`);
  for (const line of partTimeLines(report)) lines.push(line);
  for (const s of report.suggestions.slice(0, MAX_LISTED)) lines.push(`建议：「${s.sheet}」第 ${s.row} 行未填完成时限，任务内容写有「${s.phrase}」，可填 ${s.date}`);
  const errors = problems.filter(isError);
  const warnings = problems.filter((p) => !isError(p));
  if (errors.length || warnings.length) lines.push(`问题：错误 ${errors.length} 处，提示 ${warnings.length} 处`);
  for (const p of [...errors, ...warnings].slice(0, MAX_LISTED * 2)) lines.push(`  ${formatProblem(p)}`);
  if (errors.length + warnings.length > MAX_LISTED * 2) lines.push(`  ……另有 ${errors.length + warnings.length - MAX_LISTED * 2} 处`);
  return lines;
}
