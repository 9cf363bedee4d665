// Ledger rows (template 台账 or a published ledger) to task drafts (issue 12 §4–6): fields cleaned
// and parsed (units, leaders, deadlines as written), units and leaders resolved against the
// directory — or inferred from the ledger when the file has no 单位/人员 sheet —, and each row
// given its code: the 编号 written, else the task it matches (normalised title within its lead
// unit), else a new code `<prefix>-<year>-<NNN>`. Every row's match is reported.
import { codeKey, toHalfWidth } from '../../core/codes.js';
import { cellText as cellTextOf } from '../../core/cell-value.js';
import { cleanField, cleanTitle } from '../../core/section-heading.js';
import { parseLeaderCell } from '../../core/leader-cell.js';
import { TASK_CATEGORIES, TASK_STATUSES, type TaskStatus } from '../../core/types.js';
import { cleanText, truncate } from '../../core/text.js';
import { parseLedgerDate, parseStartDate } from './dates.js';
import { deadlineInText, normaliseTitle, parseDeadline, titleSimilarity, TITLE_SIMILARITY_THRESHOLD } from './parsers.js';
import { MAX_JOINT_LEADS, parseUnitCell } from '../../core/unit-cell.js';
import { saysNone } from '../../core/tables/none-words.js';

/** Collectives that stand for every unit of a kind (各镇人民政府 → every 乡镇). 「有关部门」 means some, not all: kept by name. */
const EXPANDABLE: Record<string, string[]> = { 乡镇: ['乡镇'], 街道: ['街道'], 乡镇街道: ['乡镇', '街道'] };
import type { CellValue } from './read.js';
import type { LedgerRow, LedgerTable } from './rows.js';
import type { ImportProblem, PersonDraft, TaskDraft, UnitDraft } from './validate.js';

export interface KnownTask { codeKey: string; code: string; title: string; leadUnitName: string; serialNo: string | null }

export interface RowMatch {
  sheet: string;
  row: number;
  code: string;
  title: string;
  /** 编号: by the code written; 标题: same title (normalised) and lead unit; 相近标题: a similar title
   * in the same lead unit; 标题（牵头单位已变）: same title, another lead unit; 新增: a new task. */
  matchedBy: '编号' | '标题' | '相近标题' | '标题（牵头单位已变）' | '新增';
  note?: string;
  /** The units as read from the row (`--check --verbose` shows them so the office can check the cells' reading). */
  leads?: string[];
  cos?: string[];
}

export interface TaskDraftContext {
  knownTasks: KnownTask[];
  /** Unit names that exist (file's 单位 sheet, database, and invalid rows of the sheet). */
  unitExists: (name: string) => boolean;
  /** Unit kinds known (file and database): a collective expands to the units of its kind. */
  unitsByKind: Map<string, string[]>;
  /** The file has a 单位 sheet: a unit it does not list is an error (as in the template). */
  strictUnits: boolean;
  /** Resolves a leader by name to a person key, or an error message, or null when unknown. */
  resolveLeader: (name: string) => { key: string } | { error: string } | { skip: true } | null;
  /** The file has a 人员 sheet: an unknown leader is an error. */
  strictPeople: boolean;
  codePrefix: string;
  importYear: number;
}

export interface TaskDraftResult {
  tasks: TaskDraft[];
  inferredUnits: UnitDraft[];
  inferredPeople: PersonDraft[];
  problems: ImportProblem[];
  matches: RowMatch[];
  /** Deadlines found only in the task text, offered by --check. */
  suggestions: { sheet: string; row: number; phrase: string; date: string }[];
  /** First row of each code (for the 节点 sheet and duplicate reports). */
  rowOfCode: Map<string, number>;
}

const q = (v: unknown) => truncate(String(v), 30);
/** A cell as text, safe to store (no NUL or control characters: PostgreSQL text cannot hold 0x00). */
const text = (v: CellValue | undefined): string | null => {
  const t = v === undefined ? null : cellTextOf(v).text;
  return t === null ? null : cleanText(t).trim() || null;
};
const flat = (s: string | null) => (s === null ? null : s.replace(/\s+/g, ' ').trim() || null);

function guessKind(name: string): string {
  if (/街道(办事处)?$/.test(name)) return '街道';
  if (/(镇|乡)(人民政府)?$/.test(name)) return '乡镇';
  if (/(局|委|办|院|部|中心|厅|处|署|会|所|队|站|公司|集团|政府)(\(.*\))?$/.test(name)) return '部门';
  return '其他';
}

export function draftTasks(tables: LedgerTable[], ctx: TaskDraftContext): TaskDraftResult {
  const out: TaskDraftResult = { tasks: [], inferredUnits: [], inferredPeople: [], problems: [], matches: [], suggestions: [], rowOfCode: new Map() };
  const inferredUnits = new Map<string, UnitDraft>();
  const inferredPeople = new Map<string, PersonDraft>();
  const knownByKey = new Map(ctx.knownTasks.map((t) => [t.codeKey, t]));
  const claimed = new Set<string>();
  const byTitleLead = new Map<string, KnownTask[]>();
  const byTitle = new Map<string, KnownTask[]>();
  const byLead = new Map<string, KnownTask[]>();
  /** Rows of this file by (normalised title, lead units): the same task written twice is said. */
  const seenInFile = new Map<string, { sheet: string; row: number }>();
  for (const t of ctx.knownTasks) {
    const n = normaliseTitle(t.title);
    push(byTitleLead, `${n}\u0000${t.leadUnitName}`, t);
    push(byTitle, n, t);
    push(byLead, t.leadUnitName, t);
  }
  // Codes written in the file are claimed first, so a row without 编号 never takes them.
  for (const table of tables) for (const r of table.rows) {
    const c = text(r.values.编号);
    if (c) claimed.add(codeKey(c));
  }
  const nextSerial = new Map<string, number>();
  const newCode = (year: number) => {
    const stem = `${ctx.codePrefix}-${year}-`;
    const stemKey = codeKey(stem);
    if (!nextSerial.has(stemKey)) {
      let max = 0;
      for (const k of [...knownByKey.keys(), ...claimed]) {
        if (k.startsWith(stemKey) && /^\d+$/.test(k.slice(stemKey.length))) max = Math.max(max, Number(k.slice(stemKey.length)));
      }
      nextSerial.set(stemKey, max + 1);
    }
    let n = nextSerial.get(stemKey)!;
    let code = `${stem}${String(n).padStart(3, '0')}`;
    while (claimed.has(codeKey(code)) || knownByKey.has(codeKey(code))) code = `${stem}${String(++n).padStart(3, '0')}`;
    nextSerial.set(stemKey, n + 1);
    return code;
  };

  for (const table of tables) {
    const col = (f: string) => (table.columnOf as Record<string, string>)[f] ?? '';
    const has = (f: string) => (table.fields as Set<string>).has(f);
    const years = { title: table.titleYear, import: ctx.importYear };
    const yearless: number[] = [];
    for (const r of table.rows) {
      const rowProblems: ImportProblem[] = [];
      const err = (column: string, message: string) => rowProblems.push({ sheet: r.sheet, row: r.rowNumber, column, message, ...(col(column) ? { cell: `${col(column)}${r.rowNumber}` } : {}) });
      const warn = (column: string, message: string) => out.problems.push({ sheet: r.sheet, row: r.rowNumber, column, message, severity: 'warning' });

      // 改革事项 and 序号
      const { number, title } = cleanTitle(text(r.values.改革事项));
      const serialNo = flat(text(r.values.序号))?.replace(/[、.．﹒]$/, '') ?? number;
      if (!title) {
        err('改革事项', '改革事项为空：这一行有内容但没有任务名称。请填写任务名称，或删除这一行');
        out.problems.push(...rowProblems);
        continue;
      }
      if (title.length > 1000) err('改革事项', '改革事项过长（最多 1000 字），请精简');

      // 牵头单位 / 配合单位: several leads are a joint lead; `X牵头，Y配合` splits; collectives.
      const leadCell = parseUnitCell(text(r.values.牵头单位), 'lead');
      const coCell = parseUnitCell(text(r.values.配合单位), 'co');
      const leadNames: string[] = [];
      const coNames: string[] = [];
      const collectives: string[] = [];
      const place = (ref: { name: string; alias?: string }, asLead: boolean) => {
        const name = !ctx.unitExists(ref.name) && ref.alias && ctx.unitExists(ref.alias) ? ref.alias : ref.name;
        if (!name) return;
        if (!ctx.unitExists(name) && !inferredUnits.has(name)) {
          if (ctx.strictUnits) {
            err(asLead ? '牵头单位' : '配合单位', `${asLead ? '牵头' : '配合'}单位「${q(name)}」不存在，请先在「单位」表中列出（或删去「单位」表，由台账自动建立单位）`);
            return;
          }
          inferredUnits.set(name, { name, kind: guessKind(name), parentName: null, chatId: null, inferred: true });
        }
        (asLead ? leadNames : coNames).push(name);
      };
      // A collective (各镇人民政府) expands to the units of its kind when the directory has them;
      // otherwise it is kept by name as a co-unit (shown, not reminded) — or, named alone as the
      // lead, becomes a unit of that name for the office to confirm.
      const placeCollective = (c: { name: string; unitKind?: string; role: 'lead' | 'co' }, asLead: boolean) => {
        const kinds = c.unitKind ? EXPANDABLE[c.unitKind] ?? [] : [];
        const expanded = kinds.flatMap((k) => ctx.unitsByKind.get(k) ?? []);
        if (expanded.length > 0) {
          for (const u of expanded) (asLead ? leadNames : coNames).push(u);
          warn(asLead ? '牵头单位' : '配合单位', `「${q(c.name)}」已展开为${asLead ? '联合牵头单位' : '配合单位'} ${expanded.length} 个（${kinds.join('、')}类单位）`);
        } else if (!asLead) collectives.push(c.name);
        else pendingLeadCollectives.push(c.name);
      };
      const pendingLeadCollectives: string[] = [];
      for (const u of leadCell.leads) place(u, true);
      for (const c of leadCell.collectives) placeCollective(c, c.role === 'lead');
      for (const u of [...leadCell.cos, ...coCell.leads, ...coCell.cos]) place(u, false);
      for (const c of coCell.collectives) placeCollective(c, false);
      if (leadNames.length === 0) for (const name of pendingLeadCollectives) place({ name }, true);
      else collectives.push(...pendingLeadCollectives);
      if (leadCell.notes.includes('too-many-leads')) warn('牵头单位', `牵头单位超过 ${MAX_JOINT_LEADS} 个，均按联合牵头导入；请确认是否有配合单位写在了牵头单位列`);
      const leads = [...new Set(leadNames)];
      const sameKey = `${normaliseTitle(title)}\u0000${[...leads].sort().join('、')}`;
      const earlier = leads.length ? seenInFile.get(sameKey) : undefined;
      if (earlier) warn('改革事项', `与「${earlier.sheet}」第 ${earlier.row} 行的事项同名、同牵头单位，将作为两项分别导入；如是同一事项（例如「重点任务」单元格向下合并、各行写的是具体举措，或同一事项列在两张表里），请合并为一行`);
      else if (leads.length) seenInFile.set(sameKey, { sheet: r.sheet, row: r.rowNumber });
      const cos = [...new Set(coNames)].filter((u) => !leads.includes(u));
      const leadText = (text(r.values.牵头单位) ?? '').trim();
      if (leads.length === 0 && rowProblems.length === 0) {
        err('牵头单位', !has('牵头单位')
          ? '台账没有「牵头单位」列（或「责任单位」「牵头部门」等），无法确定牵头单位。请加上这一列'
          : leadText && saysNone(leadText)
            ? `牵头单位写作「${q(leadText)}」：每项改革任务都须有牵头单位，请填写（几个单位联合牵头用、分隔）`
            : leadText
            ? `牵头单位「${q(leadText)}」中没有可识别的单位名称（只有标点、括号或编号）。请填写牵头单位（几个单位联合牵头用、分隔）`
            : '牵头单位为空。请填写牵头单位（几个单位联合牵头用、分隔）');
      }
      const coText = (text(r.values.配合单位) ?? '').trim();
      // 「无」「/」「—」 say there is none; anything else that yields no unit is worth a word.
      if (coText && !saysNone(coText) && !coCell.leads.length && !coCell.cos.length && !coCell.collectives.length) {
        warn('配合单位', `配合单位「${q(coText)}」中没有可识别的单位名称（只有标点、括号或编号），已忽略`);
      }

      // 领衔领导: the row's own, else those named by its heading.
      const leaderNames = has('领衔领导') && text(r.values.领衔领导) ? parseLeaderCell(text(r.values.领衔领导)) : r.sectionLeaders;
      const leaderKeys: string[] = [];
      for (const name of leaderNames) {
        const found = ctx.resolveLeader(name);
        if (found && 'key' in found) leaderKeys.push(found.key);
        else if (found && 'skip' in found) continue;
        else if (found) err('领衔领导', found.error);
        else if (ctx.strictPeople) err('领衔领导', `领衔领导「${q(name)}」不在人员名单中，请在「人员」表中列出（角色：县级领导）`);
        else {
          const key = `${name}@`;
          if (!inferredPeople.has(key)) inferredPeople.set(key, { name, unitName: null, matchKey: key, roles: ['LEADER'], mobile: null, email: null, openId: null, inferred: true });
          leaderKeys.push(key);
        }
      }

      // 完成时限: a date, a phrase (kept as written), 长期事项, or text reported as a warning.
      let deadline: string | null | undefined;
      let dueAsWritten: string | null | undefined;
      let longTerm: boolean | undefined;
      if (has('完成时限')) {
        const raw = r.values.完成时限 ?? null;
        const written = flat(text(raw));
        const parsed = written === null ? null : parseDeadline(raw, years);
        deadline = parsed?.date ?? null;
        longTerm = parsed?.longTerm ?? false;
        // Kept as written unless it is a plain date; the export's 时限原文 column gives it back.
        dueAsWritten = raw instanceof Date || typeof raw === 'number' || written === null || parseLedgerDate(written) ? null : written;
        const dueText = table.extraColumns.has('dueText') ? flat(text(r.extra.dueText)) : null;
        if (dueText && deadline) dueAsWritten = dueText;
        if (parsed?.unparsed && written && /^\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?$/.test(toHalfWidth(written))) {
          err('完成时限', `完成时限「${q(written)}」不是有效日期，应写作 2026-06-30、2026/6/30 或 2026年6月30日`);
        } else if (parsed?.unparsed) warn('完成时限', `完成时限「${q(written)}」无法识别为日期，已按原文保存、不计逾期。如需提醒，请写作 2026年6月30日 或 2026年6月底前`);
        else if (parsed && parsed.date && parsed.yearFrom !== 'cell' && dueAsWritten) yearless.push(r.rowNumber);
      }
      if (!deadline && !longTerm) {
        const found = deadlineInText(title, years);
        if (found) out.suggestions.push({ sheet: r.sheet, row: r.rowNumber, phrase: found.phrase, date: found.date });
      }

      const dateField = (f: '开始时间' | '完成日期' | '销号日期'): string | null | undefined => {
        if (!has(f)) return undefined;
        const v = r.values[f] ?? null;
        if (v === null || (typeof v === 'string' && v.trim() === '')) return null;
        // A start may be written to the month (「2026年1月」): its first day.
        const d = f === '开始时间' ? parseStartDate(v) : parseLedgerDate(v);
        if (!d) err(f, `${f}「${q(text(v))}」不是有效日期，应写作 2026-06-30、2026/6/30 或 2026年6月30日${f === '开始时间' ? '（或只写年月：2026年1月）' : ''}`);
        return d;
      };
      const startDate = dateField('开始时间');
      const completedOn = dateField('完成日期');
      const closedOn = dateField('销号日期');
      if (startDate && deadline && startDate > deadline) err('完成时限', `完成时限 ${deadline} 早于开始时间 ${startDate}`);

      let status: TaskStatus | null = null;
      const statusText = flat(text(r.values.状态));
      if (statusText) {
        if ((TASK_STATUSES as readonly string[]).includes(statusText)) status = statusText as TaskStatus;
        else err('状态', `状态「${q(statusText)}」无效，应为：${TASK_STATUSES.join('、')}`);
      }
      // 类别: one of the ledger's categories; a published ledger's own grouping (经济体制改革…) becomes the section.
      let category: string | undefined;
      let section = table.extraColumns.has('section') ? cleanField(flat(text(r.extra.section))) ?? r.section : r.section;
      if (has('类别')) {
        const c = cleanField(flat(text(r.values.类别)));
        if (!c) category = '其他';
        else if ((TASK_CATEGORIES as readonly string[]).includes(c)) category = c;
        else {
          category = '其他';
          section = section ? `${c} / ${section}` : c;
        }
      }
      const field = (f: '批次' | '责任人' | '成果形式' | '实施路径' | '备注', max: number) => {
        if (!has(f)) return undefined;
        const v = cleanField(flat(text(r.values[f])));
        if (v && v.length > max) err(f, `${f}过长（最多 ${max} 字）`);
        return v;
      };
      const batch = field('批次', 50);
      const ownerName = field('责任人', 50);
      const deliverable = field('成果形式', 2000);
      const implementationPath = field('实施路径', 2000);
      const remark = field('备注', 2000);

      // 编号, or the task this row matches, or a new code.
      const written = flat(text(r.values.编号));
      let code: string;
      let match: RowMatch['matchedBy'];
      let note: string | undefined;
      if (written) {
        code = toHalfWidth(written).replace(/\s/g, '');
        if (code.length > 50 || !/^[\p{L}\p{N}\-_－—.]+$/u.test(code)) err('编号', '编号只能包含字母、数字和连字符（最多 50 个字符）');
        match = '编号';
      } else {
        const n = normaliseTitle(title);
        const free = (list: KnownTask[] | undefined) => (list ?? []).filter((t) => !claimed.has(t.codeKey));
        let found: KnownTask | undefined;
        const exact = free(byTitleLead.get(`${n}\u0000${leads[0] ?? ''}`));
        if (exact.length > 0) {
          found = exact.find((t) => serialNo && t.serialNo === serialNo) ?? exact[0]!;
          match = '标题';
          if (exact.length > 1) note = `有 ${exact.length} 项同名事项（${exact.map((t) => t.code).join('、')}），按序号取 ${found.code}；如不对，请在「编号」列写明编号`;
        } else {
          const anyLead = free(byTitle.get(n));
          if (anyLead.length === 1) {
            found = anyLead[0]!;
            match = '标题（牵头单位已变）';
          } else {
            const scored = free(byLead.get(leads[0] ?? '')).map((t) => ({ t, s: titleSimilarity(title, t.title) })).filter((x) => x.s >= TITLE_SIMILARITY_THRESHOLD).sort((a, b) => b.s - a.s);
            if (scored.length > 0 && (scored.length === 1 || scored[0]!.s - scored[1]!.s >= 0.05)) {
              found = scored[0]!.t;
              match = '相近标题';
              note = `原标题「${q(found.title)}」`;
            } else {
              match = '新增';
              if (scored.length > 1) note = `与 ${scored.slice(0, 3).map((x) => x.t.code).join('、')} 标题相近，无法确定是哪一项，已作为新事项；如是原有事项，请在「编号」列写明编号`;
            }
          }
        }
        code = found ? found.code : newCode(years.title ?? ctx.importYear);
      }
      const key = codeKey(code);
      if (match! !== '编号') claimed.add(key);
      if (note) warn(match! === '新增' ? '改革事项' : '编号', `${match!}匹配：${note}`);
      if (out.rowOfCode.has(key)) {
        err('编号', `编号「${q(code)}」重复（第 ${out.rowOfCode.get(key)} 行已有）`);
      }
      out.matches.push({ sheet: r.sheet, row: r.rowNumber, code, title, matchedBy: match!, ...(note ? { note } : {}), leads, cos: [...cos, ...collectives] });
      if (rowProblems.length > 0) {
        out.problems.push(...rowProblems);
        if (!out.rowOfCode.has(key)) out.rowOfCode.set(key, -r.rowNumber);
        continue;
      }
      out.rowOfCode.set(key, r.rowNumber);
      out.tasks.push({
        code, codeKey: key, title, leadUnitNames: leads, status,
        ...(category !== undefined ? { category } : {}),
        ...(batch !== undefined ? { batch } : {}),
        // Without a leaders column, a heading's leaders are given to new tasks only: a re-import never
        // replaces leaders stored for a task by the heading's.
        ...(has('领衔领导') || (r.sectionLeaders.length && !knownByKey.has(key)) ? { leadLeaderKeys: leaderKeys } : {}),
        ...(has('配合单位') || leadCell.cos.length || collectives.length ? { coUnitNames: cos, collectiveNames: collectives } : {}),
        ...(ownerName !== undefined ? { ownerName } : {}),
        ...(deliverable !== undefined ? { deliverable } : {}),
        ...(implementationPath !== undefined ? { implementationPath } : {}),
        ...(remark !== undefined ? { remark } : {}),
        ...(startDate !== undefined ? { startDate } : {}),
        ...(deadline !== undefined ? { deadline, dueAsWritten, longTerm } : {}),
        ...(completedOn !== undefined ? { completedOn } : {}),
        ...(closedOn !== undefined ? { closedOn } : {}),
        ...(has('序号') || serialNo ? { serialNo } : {}),
        ...(table.headings.length > 0 || has('类别') || table.extraColumns.has('section') ? { section } : {}),
      });
    }
    if (yearless.length > 0) {
      const source = table.titleYear ? `标题中的年份 ${table.titleYear}` : `导入年份 ${ctx.importYear}`;
      out.problems.push({ sheet: table.sheet, row: table.headerRow, column: '完成时限', severity: 'warning', message: `${yearless.length} 行的完成时限没有写年份（第 ${yearless.slice(0, 10).join('、')}${yearless.length > 10 ? ' 等' : ''} 行），均按${source} 年计算；如不对，请在完成时限中写明年份` });
    }
  }
  out.inferredUnits = [...inferredUnits.values()];
  out.inferredPeople = [...inferredPeople.values()];
  return out;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V) {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

export type { LedgerRow };
