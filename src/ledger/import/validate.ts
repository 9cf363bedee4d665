// Validates import sheets into a ledger draft. Every problem is collected (sheet + row + column +
// a Chinese reason) so the office fixes the whole file in one go; nothing is written unless the
// draft has no problems.
import { z } from 'zod';
import { codeKey, toHalfWidth } from '../../core/codes.js';
import { ROLE_BY_LABEL, ROLES, TASK_CATEGORIES, TASK_STATUSES, UNIT_KINDS, type Role, type TaskStatus } from '../../core/types.js';
import { parseLedgerDate } from './dates.js';
import { isLookupMobile, normalizeMobile } from '../../core/reach.js';
import { saysNone } from '../../core/tables/none-words.js';
import { cleanText, truncate } from '../../core/text.js';
import type { CellValue, RawRow, RawSheet } from './read.js';
import { columnLetter, type ClassifiedSource, type SheetReport } from './sheets.js';
import { ledgerTable } from './rows.js';
import { draftTasks, type KnownTask, type RowMatch } from './tasks.js';
import { partTimeReport, partTimeRows } from './part-time.js';

export interface ImportProblem {
  sheet: string;
  row: number;
  column: string;
  /** What happened, what the importer did, and the fix — in Chinese. */
  message: string;
  /** The cell (F12) when known. */
  cell?: string;
  /** A warning never blocks the import; an error does (unless --partial and it only concerns its row). */
  severity?: 'error' | 'warning';
  /** A problem of the whole file or sheet (no table, missing columns): --partial cannot skip it. */
  blocking?: boolean;
}

export const isError = (p: ImportProblem) => p.severity !== 'warning';

export function formatProblem(p: ImportProblem): string {
  const where = `「${p.sheet}」${p.row > 0 ? `第 ${p.row} 行` : ''}${p.column ? `「${p.column}」列` : ''}`;
  return `${p.severity === 'warning' ? '提示 ' : ''}${where}：${p.message}${p.cell ? `（单元格 ${p.cell}）` : ''}`;
}

export interface UnitDraft {
  name: string; kind: string; parentName: string | null; chatId: string | null; chatName?: string | null;
  /** Named in a published ledger (no 单位 sheet): created when missing, an existing unit is left as it is. */
  inferred?: boolean;
}
export interface PersonDraft {
  name: string; unitName: string | null; matchKey: string; roles: Role[];
  mobile: string | null; email: string | null; openId: string | null;
  /** 状态 column: 离岗 → false (kept with its history, no more messages). Absent = true. */
  active?: boolean;
  /** A leader named in a published ledger (no 人员 sheet): created when missing as 县级领导, otherwise left alone. */
  inferred?: boolean;
  /** 兼职: this row is a further unit of the person of the row with this key (part-time.ts). */
  partTimeOf?: string;
}
/**
 * A task as the file gives it. A field left undefined was not in the file (its column is absent):
 * the stored value stays — a re-import without a recognised column never wipes what is stored.
 */
export interface TaskDraft {
  code: string; codeKey: string; title: string;
  /** Lead units in the order written; the first is the primary lead (联合牵头 when several). */
  leadUnitNames: string[];
  status: TaskStatus | null;
  category?: string; batch?: string | null;
  leadLeaderKeys?: string[]; coUnitNames?: string[];
  /** Collectives kept by name (「各镇人民政府」) when they could not be expanded to units. */
  collectiveNames?: string[];
  ownerName?: string | null; deliverable?: string | null; implementationPath?: string | null;
  startDate?: string | null; deadline?: string | null;
  /** 完成时限 as written (「2026年6月底前」), and 长期事项 (no deadline, never overdue). */
  dueAsWritten?: string | null; longTerm?: boolean;
  /** 分组 (the heading above the row), 序号 as published, 备注. */
  section?: string | null; serialNo?: string | null; remark?: string | null;
  completedOn?: string | null; closedOn?: string | null;
}
export interface MilestoneDraft { codeKey: string; title: string; dueDate: string; doneDate: string | null }

export interface LedgerDraft {
  units: UnitDraft[];
  people: PersonDraft[];
  tasks: TaskDraft[];
  milestones: MilestoneDraft[];
  /** Sheets present in the source: an absent sheet leaves that part of the ledger alone. */
  present: { units: boolean; people: boolean; tasks: boolean; milestones: boolean };
}

/** What already exists in the database, for references the file itself does not define. */
export interface KnownLedger {
  unitNames: Set<string>;
  unitKinds: Map<string, string>;
  tasks: KnownTask[];
  people: { name: string; unitName: string | null; matchKey: string; roles: Role[]; openId?: string | null; active?: boolean }[];
  /** 兼职 stored (PersonUnit): 姓名@单位 → the row key of its person. */
  partTime?: { matchKey: string; partTimeOf: string }[];
  taskCodeKeys: Set<string>;
}

export const SHEET_COLUMNS = {
  单位: { required: ['单位名称'], optional: ['类型', '上级单位', '工作群ID', '工作群'] },
  人员: { required: ['姓名', '角色'], optional: ['单位', '手机', '邮箱', '飞书ID', '状态'] },
  台账: {
    required: ['编号', '改革事项', '牵头单位'],
    optional: ['类别', '批次', '领衔领导', '配合单位', '责任人', '成果形式', '实施路径', '开始时间', '完成时限', '状态', '完成日期', '销号日期'],
  },
  节点: { required: ['编号', '节点名称', '完成时限'], optional: ['完成日期'] },
} as const;
type SheetName = keyof typeof SHEET_COLUMNS;

export const personMatchKey = (name: string, unitName: string | null) => `${name}@${unitName ?? ''}`;

/** Splits a list cell: 、，,；; / and newlines all separate. */
export function splitList(value: string | null): string[] {
  if (!value) return [];
  return [...new Set(toHalfWidth(value).split(/[、,;；/\n]+/).map((s) => s.trim()).filter(Boolean))];
}

const text = (v: CellValue): string | null => {
  if (v === null || v === undefined) return null;
  const s = cleanText(v instanceof Date ? v.toISOString().slice(0, 10) : String(v)).replace(/\s+/g, ' ').trim();
  return s === '' ? null : s;
};

/** A cell quoted in a problem message: enough to find it, never the whole of a huge cell. */
const q = (v: unknown) => truncate(String(v), 30);

// Field-level rules; cross-references are checked afterwards against the whole draft.
const requiredText = (label: string) => z.string({ error: `${label}不能为空` }).min(1, `${label}不能为空`).max(500, `${label}过长（最多 500 字）`);
const optionalText = (max = 2000) => z.string().max(max, `内容过长（最多 ${max} 字）`).nullable();
const isoDateField = (label: string) =>
  z.custom<CellValue>().transform((v, ctx) => {
    if (v === null || v === '') return null;
    const d = parseLedgerDate(v);
    if (!d) {
      ctx.addIssue({ code: 'custom', message: `${label}「${q(v instanceof Date ? v.toISOString() : v)}」不是有效日期，应写作 2026-06-30、2026/6/30 或 2026年6月30日` });
      return z.NEVER;
    }
    return d;
  });

const unitRow = z.object({
  单位名称: requiredText('单位名称'),
  类型: z.string().nullable().transform((v, ctx) => {
    if (!v) return '其他';
    if (!(UNIT_KINDS as readonly string[]).includes(v)) {
      ctx.addIssue({ code: 'custom', message: `单位类型「${q(v)}」无效，应为：${UNIT_KINDS.join('、')}` });
      return z.NEVER;
    }
    return v;
  }),
  上级单位: optionalText(100),
  工作群: optionalText(100),
  工作群ID: z.string().nullable().refine((v) => v === null || /^oc_[A-Za-z0-9_-]+$/.test(v), '工作群ID 应以 oc_ 开头'),
});

/** 「无」「/」「—」 in an optional cell (a person without email, a leader without unit) is an empty cell (tables/none-words.ts). */
const noneIsEmpty = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (typeof v === 'string' && saysNone(v) ? null : v), schema);

const personRow = z.object({
  姓名: requiredText('姓名').max(50, '姓名过长'),
  单位: noneIsEmpty(optionalText(100)),
  角色: z.string({ error: '角色不能为空' }).transform((v, ctx) => {
    const roles: Role[] = [];
    for (const label of splitList(v)) {
      // Object.hasOwn: a cell saying "constructor" is not a role.
      const role = Object.hasOwn(ROLE_BY_LABEL, label) ? ROLE_BY_LABEL[label] : (ROLES as readonly string[]).includes(label.toUpperCase()) ? (label.toUpperCase() as Role) : undefined;
      if (!role) {
        ctx.addIssue({ code: 'custom', message: `角色「${q(label)}」无效，应为：${Object.keys(ROLE_BY_LABEL).join('、')}（多个用、分隔）` });
        return z.NEVER;
      }
      if (!roles.includes(role)) roles.push(role);
    }
    if (roles.length === 0) {
      ctx.addIssue({ code: 'custom', message: '角色不能为空' });
      return z.NEVER;
    }
    return roles;
  }),
  // Stored as batch_get_id asks for it (core/reach.ts normalizeMobile): 138 0013 8000、+86-138…、（办） all work.
  手机: noneIsEmpty(z.string().nullable().transform((v) => (v && v.trim() ? normalizeMobile(v) : null))
    .refine((v) => v === null || isLookupMobile(v), '手机号格式不对，应为 11 位手机号（境外号码加 + 和国家码）')),
  邮箱: noneIsEmpty(z.string().nullable().refine((v) => v === null || /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v), '邮箱格式不对')),
  飞书ID: noneIsEmpty(z.string().nullable().refine((v) => v === null || /^ou_[A-Za-z0-9_-]+$/.test(v), '飞书ID 应为 ou_ 开头的 open_id')),
  状态: z.string().nullable().refine((v) => v === null || ['在岗', '离岗', '停用', '离职'].includes(v.trim()), '状态应为 在岗 或 离岗（离岗的人保留历史记录，不再接收消息）'),
});

const milestoneRow = z.object({
  编号: requiredText('编号'),
  节点名称: requiredText('节点名称').max(200, '节点名称过长'),
  完成时限: isoDateField('完成时限'),
  完成日期: isoDateField('完成日期'),
});

function rowInput(row: RawRow, columns: readonly string[], dateColumns: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    const v = row.cells[c] ?? null;
    out[c] = dateColumns.includes(c) ? (typeof v === 'string' && v.trim() === '' ? null : v) : text(v);
  }
  return out;
}

export interface ValidateOptions {
  codePrefix: string;
  importYear: number;
}

export interface SourceReport {
  sheets: SheetReport[];
  tables: { sheet: string; file: string; headerRow: number; mapping: { header: string; field: string; column: string; rule?: string }[]; unrecognised: { column: string; header: string }[]; headings: number; taskRows: number; footnotes: number; titleYear: number | null }[];
  matches: RowMatch[];
  inferredUnits: string[];
  inferredLeaders: string[];
  suggestions: { sheet: string; row: number; phrase: string; date: string }[];
  /** 兼职 rows: the person, the further unit and its roles, and the person's primary unit. */
  partTime?: { name: string; unit: string; roles: Role[]; primaryUnit: string | null; active: boolean }[];
}

export function validateSource(source: ClassifiedSource, known: KnownLedger, opts: ValidateOptions): { draft: LedgerDraft; problems: ImportProblem[]; report: SourceReport } {
  const problems: ImportProblem[] = [...source.problems];
  const add = (sheet: string, row: number, column: string, message: string) => problems.push({ sheet, row, column, message });
  const block = (sheet: string, row: number, column: string, message: string) => problems.push({ sheet, row, column, message, blocking: true });
  const tables = source.ledgers.map(ledgerTable);
  const report: SourceReport = {
    sheets: source.reports,
    tables: tables.map((t) => ({
      sheet: t.sheet, file: t.file, headerRow: t.headerRow,
      mapping: t.mapping.map((m) => ({ header: m.header.replace(/\s+/g, ' '), field: m.field, column: columnLetter(m.column), ...(m.rule ? { rule: m.rule } : {}) })),
      unrecognised: t.unrecognised, headings: t.headings.length, taskRows: t.rows.length, footnotes: t.footnotes, titleYear: t.titleYear,
    })),
    matches: [], inferredUnits: [], inferredLeaders: [], suggestions: [],
  };
  const dir = source.directory;
  if (tables.length === 0 && !dir.单位 && !dir.人员 && !dir.节点 && !problems.some((p) => p.blocking)) {
    const seen = source.reports.map((r) => `「${r.sheet}」${r.note ? `（${r.note}）` : ''}`).join('；');
    block(source.reports[0]?.sheet ?? '（无）', 1, '', `没有找到台账：任何工作表的前几行都没有台账表头。表头应含任务名称列（改革事项/改革任务/重点任务/工作任务…）和牵头单位、完成时限等列。已查看：${seen || '（无工作表）'}`);
  }
  // A file whose only ledger sheets hold nothing but headings (一、/（一）…) or blanks: nothing to
  // import, said so rather than previewed as 「与台账一致」. (An empty 台账 next to 单位/人员 sheets is
  // a directory update and stays allowed.)
  const directoryOnly = Boolean(dir.单位 || dir.人员 || dir.节点);
  for (const t of directoryOnly ? [] : tables) {
    if (t.rows.length === 0) block(t.sheet, t.headerRow + 1, '', `表头下没有找到改革事项${t.headings.length ? `（只有 ${t.headings.length} 行分组标题）` : ''}：每项任务应占一行，写明任务名称和牵头单位`);
  }
  for (const t of tables) {
    for (const d of t.duplicateColumns) problems.push({ sheet: t.sheet, row: t.headerRow, column: d.field, message: `有 ${d.headers.length} 列都表示「${d.field}」（${d.headers.join('、')}），只读取了第一列「${d.headers[0]}」`, severity: 'warning' });
  }
  for (const [name, sheet] of Object.entries(dir) as [SheetName, RawSheet][]) {
    const spec = SHEET_COLUMNS[name];
    for (const col of spec.required) if (!sheet.headers.includes(col)) block(name, 1, col, `缺少必需的列「${col}」`);
  }
  const draft: LedgerDraft = {
    units: [], people: [], tasks: [], milestones: [],
    present: { units: Boolean(dir.单位), people: Boolean(dir.人员), tasks: tables.length > 0, milestones: Boolean(dir.节点) },
  };
  if (problems.some((p) => p.blocking)) return { draft, problems, report };

  // Names from rows that failed still count as existing, so one bad row is reported once and
  // not again by every row that refers to it.
  const invalidNames = { units: new Set<string>(), people: [] as KnownLedger['people'], codes: new Set<string>() };
  const rawText = (row: RawRow, col: string) => text(row.cells[col] ?? null);
  const noteInvalid = (sheetName: SheetName, row: RawRow) => {
    if (sheetName === '单位') { const n = rawText(row, '单位名称'); if (n) invalidNames.units.add(n); }
    if (sheetName === '人员') {
      const n = rawText(row, '姓名');
      if (n) invalidNames.people.push({ name: n, unitName: rawText(row, '单位'), matchKey: personMatchKey(n, rawText(row, '单位')), roles: ['LEADER'] });
    }
  };
  const parseRows = <T>(sheetName: SheetName, schema: z.ZodType<T>, dateColumns: string[], each: (v: T, row: RawRow) => void) => {
    const s = dir[sheetName as keyof typeof dir];
    if (!s) return;
    const spec = SHEET_COLUMNS[sheetName];
    for (const row of s.rows) {
      if (Object.values(row.cells).every((c) => c === null || c === '')) continue;
      const parsed = schema.safeParse(rowInput(row, [...spec.required, ...spec.optional], dateColumns));
      if (!parsed.success) {
        for (const issue of parsed.error.issues) add(sheetName, row.rowNumber, String(issue.path[0] ?? ''), issue.message);
        noteInvalid(sheetName, row);
      } else each(parsed.data, row);
    }
  };

  // 单位
  const unitRows = new Map<string, number>();
  parseRows('单位', unitRow, [], (v, row) => {
    if (unitRows.has(v.单位名称)) return add('单位', row.rowNumber, '单位名称', `单位「${q(v.单位名称)}」重复（第 ${unitRows.get(v.单位名称)} 行已有）`);
    unitRows.set(v.单位名称, row.rowNumber);
    draft.units.push({ name: v.单位名称, kind: v.类型, parentName: v.上级单位, chatId: v.工作群ID, chatName: v.工作群 ?? null });
  });
  const unitExists = (name: string) => unitRows.has(name) || known.unitNames.has(name) || invalidNames.units.has(name);
  for (const u of draft.units) {
    if (u.parentName === null) continue;
    if (u.parentName === u.name) add('单位', unitRows.get(u.name)!, '上级单位', '上级单位不能是本单位');
    else if (!unitExists(u.parentName)) add('单位', unitRows.get(u.name)!, '上级单位', `上级单位「${q(u.parentName)}」不存在，请先在「单位」表中列出`);
  }

  // 人员
  const personRows = new Map<string, number>();
  parseRows('人员', personRow, [], (v, row) => {
    if (v.单位 !== null && !unitExists(v.单位)) add('人员', row.rowNumber, '单位', `单位「${q(v.单位)}」不存在，请先在「单位」表中列出`);
    const matchKey = personMatchKey(v.姓名, v.单位);
    if (personRows.has(matchKey)) return add('人员', row.rowNumber, '姓名', `${v.单位 ?? ''}${v.姓名}重复（第 ${personRows.get(matchKey)} 行已有）`);
    personRows.set(matchKey, row.rowNumber);
    draft.people.push({ name: v.姓名, unitName: v.单位, matchKey, roles: v.角色, mobile: v.手机, email: v.邮箱, openId: v.飞书ID, active: v.状态 === null || v.状态.trim() === '在岗' });
  });
  // 兼职: the same person under another unit (same name and 飞书ID/手机/邮箱) is one person.
  const partTime = partTimeRows(draft.people, [...known.people, ...(known.partTime ?? [])]);
  for (const p of draft.people) {
    const of = partTime.get(p.matchKey);
    if (of) p.partTimeOf = of;
  }
  report.partTime = partTimeReport(draft.people);
  const openIds = new Map<string, string>();
  for (const p of draft.people) {
    if (!p.openId || p.partTimeOf) continue;
    if (openIds.has(p.openId)) add('人员', personRows.get(p.matchKey)!, '飞书ID', `飞书ID 与「${openIds.get(p.openId)}」重复`);
    openIds.set(p.openId, p.name);
    // Held in the database by someone this file does not list: that would be two people, one account.
    const holder = known.people.find((k) => k.openId === p.openId && k.matchKey !== p.matchKey && partTime.get(k.matchKey) !== p.matchKey);
    if (holder && !personRows.has(holder.matchKey)) {
      add('人员', personRows.get(p.matchKey)!, '飞书ID', `飞书ID 已登记给「${holder.unitName ?? ''}${holder.name}」，一个飞书账号只能对应一人`);
    }
  }
  // A person in the file replaces the database's version of the same person.
  const allPeople = [
    ...known.people.filter((p) => !personRows.has(p.matchKey)),
    ...draft.people.filter((p) => !p.partTimeOf).map((p) => ({ name: p.name, unitName: p.unitName, matchKey: p.matchKey, roles: p.roles })),
  ];
  const invalidPeopleKeys = new Set(invalidNames.people.map((p) => p.matchKey));

  // 台账 (template or published)
  const unitsByKind = new Map<string, string[]>();
  const kinds = new Map<string, string>([...known.unitKinds, ...draft.units.map((u) => [u.name, u.kind] as const)]);
  for (const [name, kind] of kinds) if (kind === '乡镇' || kind === '街道') unitsByKind.set(kind, [...(unitsByKind.get(kind) ?? []), name]);
  const drafted = draftTasks(tables, {
    knownTasks: known.tasks, unitExists, unitsByKind, strictUnits: draft.present.units, strictPeople: draft.present.people,
    codePrefix: opts.codePrefix, importYear: opts.importYear,
    resolveLeader: (name) => {
      if (invalidNames.people.some((p) => p.name === name) && !allPeople.some((p) => p.name === name)) return { skip: true };
      const byNameAll = allPeople.filter((p) => p.name === name && !invalidPeopleKeys.has(p.matchKey));
      const leaders = byNameAll.filter((p) => p.roles.includes('LEADER'));
      const pick = leaders.length > 0 ? leaders : byNameAll;
      if (pick.length === 0) return null;
      if (pick.length > 1) return { error: `领衔领导「${q(name)}」有重名（${pick.map((p) => p.unitName ?? '无单位').join('、')}），请在人员表中区分` };
      return { key: pick[0]!.matchKey };
    },
  });
  problems.push(...drafted.problems);
  draft.tasks = drafted.tasks;
  draft.units.push(...drafted.inferredUnits);
  draft.people.push(...drafted.inferredPeople);
  report.matches = drafted.matches;
  report.inferredUnits = drafted.inferredUnits.map((u) => u.name);
  report.inferredLeaders = drafted.inferredPeople.map((p) => p.name);
  report.suggestions = drafted.suggestions;
  const taskRows = drafted.rowOfCode;
  for (const [k, row] of taskRows) if (row < 0) invalidNames.codes.add(k);

  // 节点
  const milestoneRows = new Map<string, number>();
  parseRows('节点', milestoneRow, ['完成时限', '完成日期'], (v, row) => {
    const key = codeKey(v.编号);
    if (invalidNames.codes.has(key)) return;
    if (!taskRows.has(key) && !known.taskCodeKeys.has(key)) return add('节点', row.rowNumber, '编号', `编号「${q(v.编号)}」在台账中不存在`);
    if (!v.完成时限) return add('节点', row.rowNumber, '完成时限', '节点的完成时限不能为空');
    const mk = `${key}\u0000${v.节点名称}`;
    if (milestoneRows.has(mk)) return add('节点', row.rowNumber, '节点名称', `同一事项的节点「${q(v.节点名称)}」重复（第 ${milestoneRows.get(mk)} 行已有）`);
    milestoneRows.set(mk, row.rowNumber);
    draft.milestones.push({ codeKey: key, title: v.节点名称, dueDate: v.完成时限, doneDate: v.完成日期 });
  });

  const order = (sheet: string) => { const i = Object.keys(SHEET_COLUMNS).indexOf(sheet); return i < 0 ? 1.5 : i; };
  problems.sort((a, b) => (a.sheet === b.sheet ? a.row - b.row : order(a.sheet) - order(b.sheet)));
  return { draft, problems, report };
}
