// Builds the chat cards from the templates in cards/ (what the bot shows; the handlers decide when).
// Ledger text goes into the templates as plain strings: the renderer escapes it in markdown
// (src/cards/markup.ts); markup built here is `Md`, made with md`…`.
import { button, renderCard, markdownElement, truncateList, LEVEL_TAG, LEVEL_HEADER, type Card } from '../cards/render.js';
import { md, joinMd, type Md } from '../cards/markup.js';
import { shanghaiShort } from '../core/dates.js';
import { truncate } from '../core/text.js';
import { formatPercent, type GroupStats } from '../core/stats.js';
import type { SupervisionLevel } from '../core/types.js';
import type { TaskRecord } from '../ledger/actions.js';
import type { TaskWithLevel } from '../ledger/overview.js';

const LEVEL_NAMES: Record<SupervisionLevel, string> = { red: '红色', yellow: '黄色', blue: '蓝色', none: '正常' };
const dash = (v: string | null | undefined) => (v && v.trim() ? v : '—');

/** "已签收 · 张三 · 11-21 09:30": what a card says after its button was used. */
export function doneLine(what: string, who: string, at: Date, reason?: string | null): Md {
  return md`${what} · ${who} · ${shanghaiShort(at)}${reason ? md`\n理由：${reason}` : ''}`;
}

/** What happened to a card's subject, and the header colour that says it. */
export interface CardOutcome {
  text: Md;
  /** header.template: green = done as hoped, orange = sent back or disputed, grey = withdrawn or no longer current. */
  colour: 'green' | 'orange' | 'red' | 'grey' | 'blue';
}

/** 牵头单位 as shown: several lead units are a joint lead (联合牵头). */
export function leadUnitsText(task: Pick<TaskRecord, 'leadUnitName' | 'jointLeadUnitNames'>): string {
  const all = [task.leadUnitName, ...(task.jointLeadUnitNames ?? [])];
  return all.length > 1 ? `${all.join('、')}（联合牵头）` : task.leadUnitName;
}

/** 完成时限 as shown: the date with how the ledger wrote it, or 长期事项 (never overdue). */
export function deadlineText(task: Pick<TaskRecord, 'deadline' | 'dueAsWritten' | 'longTerm'>): string {
  if (task.longTerm) return `长期事项（${task.dueAsWritten ?? '长期'}）`;
  if (task.deadline) return task.dueAsWritten ? `${task.deadline}（${task.dueAsWritten}）` : task.deadline;
  return task.dueAsWritten ? `${task.dueAsWritten}（未识别为日期）` : '—';
}

export function dispatchCard(task: TaskRecord, milestones: { title: string; dueDate: string }[], done?: CardOutcome): Card {
  return renderCard('task-dispatch', {
    code: task.code, title: task.title, leadUnit: leadUnitsText(task),
    category: task.section ? `${task.category} · ${task.section}` : task.category,
    coUnits: dash([...task.coUnitNames, ...(task.collectiveNames ?? [])].join('、')), leaders: dash(task.leadLeaderNames.join('、')),
    owner: dash(task.ownerName), deadline: deadlineText(task), deliverable: dash(task.deliverable), taskId: task.id,
    milestones: milestones.length ? [markdownElement(md`节点：\n${joinMd(milestones.map((m) => md`· ${m.title}（${m.dueDate}）`))}`)] : [],
    headerColor: done?.colour ?? 'blue', done: Boolean(done), doneText: done?.text ?? '',
  });
}

export type ReportKindLabel = '进展' | '问题' | '完成';

export function receiptCard(input: {
  kind: ReportKindLabel; task: TaskRecord; reporter: string; at: Date; text: string;
  percent?: number | null; problems?: string | null; nextSteps?: string | null; duplicate?: boolean;
  /** Said under the report (e.g. the percent fell sharply and the office was told). */
  note?: string | null;
  /** The report was withdrawn (the message recalled): the card says so. */
  withdrawn?: Md | null;
}): Card {
  const what = input.kind === '完成' ? '完成报告' : input.kind === '问题' ? '问题反映' : '进展';
  const heading = input.withdrawn ? `${what}已撤回`
    : input.duplicate ? `${what}此前已记录`
    : input.kind === '完成' ? '完成情况已提交' : input.kind === '问题' ? '问题已记录' : '进展已记录';
  const footer = input.withdrawn ? input.withdrawn
    : input.duplicate ? md`这条报送此前已记录，未重复登记。`
    : input.kind === '完成' ? md`已提交改革办销号审核，审核结果会通知您。回复本消息附上佐证材料（文件或图片）。`
    : input.kind === '问题' ? md`已转改革办，协调结果会通知您。`
    : md`感谢报送。回复本消息附上佐证材料（文件或图片）；发送「我的任务」查看本单位全部事项。`;
  return renderCard('receipt', {
    heading, code: input.task.code, reporter: input.reporter, when: shanghaiShort(input.at), title: input.task.title,
    kindLabel: input.kind === '完成' ? '完成情况' : input.kind === '问题' ? '存在问题' : '工作进展', text: input.text,
    percentText: input.percent !== null && input.percent !== undefined ? `${input.percent}%` : '',
    problems: input.problems ?? '', nextSteps: input.nextSteps ?? '', note: input.note ?? '',
    headerColor: input.withdrawn || input.duplicate ? 'grey' : input.kind === '问题' ? 'orange' : 'green', footer,
  });
}

export interface CompletionInfo {
  text: string; reporter: string; completedOn: string; onTime: boolean;
  /** 佐证材料 of the completion report (each with a 获取 button) and whether 销号 needs them. */
  evidence?: { id: number; fileName: string }[]; requireEvidence?: boolean;
}

/**
 * 销号审核. Open: orange, with 同意销号 / 退回. Decided: green when closed out, orange when sent
 * back, grey when the completion was withdrawn or the task moved on — the colour says what happened.
 */
export function reviewCard(task: TaskRecord, c: CompletionInfo, done?: CardOutcome): Card {
  const evidence = c.evidence ?? [];
  return renderCard('review', {
    evidenceText: evidence.length
      ? md`${evidence.length} 份（${evidence.map((e) => e.fileName).join('、')}），点下方按钮由机器人私聊发送`
      : md`暂无${c.requireEvidence ? md`（<font color='red'>本县要求附佐证材料后才能销号</font>）` : md``}，牵头单位可回复完成回执附上文件或图片`,
    evidenceButtons: evidence.slice(0, 10).map((e) => button(`获取 ${truncate(e.fileName, 20)}`, { a: 'evidence_get', t: e.id }, 'default')),
    code: task.code, title: task.title, leadUnit: leadUnitsText(task), deadline: deadlineText(task),
    completedOn: c.completedOn, onTimeText: c.onTime ? '按时' : '超期', text: c.text, reporter: c.reporter, taskId: task.id,
    headerTitle: done ? (done.colour === 'green' ? '销号审核 · 已销号' : done.colour === 'orange' ? '销号审核 · 已退回' : '销号审核 · 已撤回') : '销号审核',
    headerColor: done?.colour ?? 'orange', done: Boolean(done), doneText: done?.text ?? '',
  });
}

export function noticeCard(title: string, body: Md, color = 'blue', extra: Card[] = []): Card {
  return renderCard('notice', { title, body, headerColor: color, extra });
}

/** `identity`: who the asker is (「石堡镇 联络员；县发展改革局 一把手」), every unit when 兼职. */
export function helpCard(isOffice: boolean, code: string, identity?: string): Card {
  return renderCard('help', { isOffice, code, shortCode: shortCodeOf(code), identity });
}

/** "QY-2026-012" → "012": the serial people may type alone. */
export function shortCodeOf(code: string): string {
  const last = code.split(/[-_－]/).filter(Boolean).pop();
  return last && last !== code ? last : code;
}

const worst = (levels: SupervisionLevel[]): SupervisionLevel =>
  (['red', 'yellow', 'blue'] as const).find((l) => levels.includes(l)) ?? 'none';

export function myTasksCard(unit: string, today: string, tasks: TaskWithLevel[]): Card {
  const count = (l: SupervisionLevel) => tasks.filter((t) => t.supervision.level === l).length;
  const order: Record<SupervisionLevel, number> = { red: 0, yellow: 1, blue: 2, none: 3 };
  const sorted = [...tasks].sort((a, b) => order[a.supervision.level] - order[b.supervision.level] || (a.deadline ?? '9').localeCompare(b.deadline ?? '9'));
  const { shown, moreText } = truncateList(sorted, 15);
  const rows = shown.map((t) => {
    const next = t.supervision.nextDue ? `下一时限 ${t.supervision.nextDue.date}（${t.supervision.nextDue.title}）` : t.deadline ? `完成时限 ${t.deadline}` : '无时限';
    const reason = t.supervision.reasons[0] ? md`\n<font color='grey'>${t.supervision.reasons[0]}</font>` : '';
    return markdownElement(md`${LEVEL_TAG[t.supervision.level]} **${t.code}** ${t.title}\n${t.status} · ${next}${reason}`);
  });
  return renderCard('my-tasks', {
    unit, today, openCount: tasks.length, headerColor: LEVEL_HEADER[worst(tasks.map((t) => t.supervision.level))],
    counts: md`红色 **${count('red')}**　黄色 **${count('yellow')}**　蓝色 **${count('blue')}**　正常 **${count('none')}**`,
    rows, moreText, empty: tasks.length === 0,
  });
}

/** A unit's task in 台账 <单位>: led by it or co-operated on (marked). */
export interface UnitTaskRow { code: string; title: string; role: '牵头' | '配合'; status: string; deadline: string | null; level: SupervisionLevel }

/** `stale`: tasks still counted with an earlier day's colour (the day's recompute is under way). */
export function ledgerSummaryCard(scope: string, today: string, overall: GroupStats, units: { name: string; stats: GroupStats }[], tasks: UnitTaskRow[] = [], stale = 0): Card {
  const chart = overall.total > 0 ? {
    type: 'pie', innerRadius: 0.5, outerRadius: 0.9, valueField: 'value', categoryField: 'type',
    data: { values: [
      { type: '红色', value: overall.byLevel.red }, { type: '黄色', value: overall.byLevel.yellow },
      { type: '蓝色', value: overall.byLevel.blue }, { type: '正常', value: overall.byLevel.none },
    ].filter((v) => v.value > 0) },
    // Colour by category, so a category with no tasks does not shift the others' colours.
    color: { type: 'ordinal', domain: ['红色', '黄色', '蓝色', '正常'], range: ['#f54a45', '#ff8800', '#3370ff', '#34c724'] },
    legends: { visible: true, orient: 'right' },
    label: { visible: true },
  } : undefined;
  const ranked = [...units].sort((a, b) => b.stats.byLevel.red - a.stats.byLevel.red || b.stats.total - a.stats.total);
  const { shown, moreText } = truncateList(ranked, 20);
  const table = shown.length > 1 ? [{
    tag: 'table', page_size: 10, row_height: 'low', header_style: { bold: true, background_style: 'grey' },
    columns: [
      { name: 'unit', display_name: '单位', data_type: 'text', width: 'auto' },
      { name: 'total', display_name: '事项', data_type: 'number' },
      { name: 'done', display_name: '已销号', data_type: 'number' },
      { name: 'rate', display_name: '完成率', data_type: 'text' },
      { name: 'red', display_name: '红', data_type: 'number' },
      { name: 'yellow', display_name: '黄', data_type: 'number' },
    ],
    rows: shown.map((u) => ({ unit: u.name, total: u.stats.total, done: u.stats.completed, rate: formatPercent(u.stats.completionRate), red: u.stats.byLevel.red, yellow: u.stats.byLevel.yellow })),
  }] : [];
  const listed = truncateList(tasks, 50);
  const taskTable = tasks.length ? [{
    tag: 'table', page_size: 10, row_height: 'low', header_style: { bold: true, background_style: 'grey' },
    columns: [
      { name: 'code', display_name: '编号', data_type: 'text', width: 'auto' },
      { name: 'title', display_name: '事项', data_type: 'text' },
      { name: 'role', display_name: '本单位', data_type: 'text' },
      { name: 'status', display_name: '状态', data_type: 'text' },
      { name: 'deadline', display_name: '完成时限', data_type: 'text' },
      { name: 'level', display_name: '督办', data_type: 'text' },
    ],
    rows: listed.shown.map((t) => ({ code: t.code, title: truncate(t.title, 40), role: t.role, status: t.status, deadline: t.deadline ?? '—', level: LEVEL_NAMES[t.level] })),
  }] : [];
  return renderCard('ledger-summary', {
    scope, today, total: overall.total, completed: overall.completed, reported: overall.reported, open: overall.open, paused: overall.paused,
    completionRate: formatPercent(overall.completionRate), onTimeRate: formatPercent(overall.onTimeRate),
    red: overall.byLevel.red, yellow: overall.byLevel.yellow, blue: overall.byLevel.blue, none: overall.byLevel.none,
    headerColor: overall.byLevel.red ? 'red' : overall.byLevel.yellow ? 'orange' : 'blue', chart, table: [...table, ...taskTable], moreText: [moreText, listed.moreText].filter(Boolean).join('；'),
    staleNote: stale > 0 ? `其中 ${stale} 项的督办颜色正在按今日重新计算，暂按上次结果统计，请稍后再查看。` : undefined,
  });
}

export function progressFormCard(unit: string, tasks: { id: number; code: string; title: string }[], initialTaskId?: number): Card {
  const { shown } = truncateList(tasks, 50);
  return renderCard('progress-form', {
    unit, empty: tasks.length === 0,
    initialTask: initialTaskId !== undefined && shown.some((t) => t.id === initialTaskId) ? String(initialTaskId) : undefined,
    options: shown.map((t) => ({ text: { tag: 'plain_text', content: truncate(`${t.code} ${t.title}`, 60) }, value: String(t.id) })),
  });
}
