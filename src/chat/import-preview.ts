// The 导入预览 card of a workbook the office sent: counts, what will be created, what will change
// (before → after, changed fields only), what is left alone, the units and lead leaders the file
// names, and 确认导入 / 取消. Built from the plan's preview (src/ledger/import/plan.ts), which is
// the import itself rolled back — so the card shows what 确认导入 writes.
import { joinMd, md, type Md } from '../cards/markup.js';
import { button, type Card } from '../cards/render.js';
import { listText, renderFitting } from '../cards/fitting.js';
import type { ImportChange, ImportPlan, ImportPreview } from '../ledger/import/plan.js';
import { formatProblem, type ImportProblem } from '../ledger/import/validate.js';
import { noticeCard } from './cards.js';
import { partTimeLines } from '../ledger/import/report.js';
import { partTimeReport } from '../ledger/import/part-time.js';

const FIELD_LABELS: Record<string, string> = {
  title: '改革事项', category: '类别', batch: '批次', leadUnit: '牵头单位', leadUnits: '牵头单位', collectives: '配合单位（统称）',
  dueAsWritten: '时限原文', longTerm: '长期事项', section: '分组', serialNo: '序号', remark: '备注', leadLeaders: '领衔领导', coUnits: '配合单位',
  ownerName: '责任人', deliverable: '成果形式', implementationPath: '实施路径', startDate: '开始时间', deadline: '完成时限',
  status: '状态', completedOn: '完成日期', closedOn: '销号日期', name: '名称', unit: '单位', roles: '角色', mobile: '手机',
  email: '邮箱', openId: '飞书ID', kind: '类型', parent: '上级单位', chatId: '工作群ID', dueDate: '完成时限', doneDate: '完成日期',
};
const ENTITY_LABELS: Record<string, string> = { unit: '单位', person: '人员', task: '事项', milestone: '节点', personUnit: '兼职' };

/** "王建国@" (a person's match key) → "王建国"; lists joined with 、; empty → 空. */
function show(v: unknown): string {
  if (v === null || v === undefined || v === '') return '空';
  if (Array.isArray(v)) return v.length ? v.map((x) => String(x).replace(/@.*$/, '')).join('、') : '空';
  return String(v);
}

function subject(c: ImportChange): string {
  const v = c.after ?? c.before ?? {};
  if (c.entity === 'task') return `${String(v['code'] ?? '')} ${String(v['title'] ?? '')}`.trim();
  if (c.entity === 'personUnit') return `${String(v['name'] ?? '')} 兼任 ${String(v['unit'] ?? '')}`;
  if (c.entity === 'person') return `${String(v['name'] ?? '')}${v['unit'] ? `（${String(v['unit'])}）` : ''}`;
  return String(v['name'] ?? v['title'] ?? '');
}

function createdLine(c: ImportChange): Md {
  const v = c.after ?? {};
  const detail = c.entity === 'task' ? `牵头单位 ${show(v['leadUnits'] ?? v['leadUnit'])}，完成时限 ${show(v['deadline'] ?? v['dueAsWritten'])}` : c.entity === 'milestone' ? `完成时限 ${show(v['dueDate'])}` : '';
  return md`· ${ENTITY_LABELS[c.entity] ?? c.entity} **${subject(c)}**${detail ? `　${detail}` : ''}`;
}

function updatedLine(c: ImportChange): Md {
  if (c.action === 'delete') return md`· 删除${ENTITY_LABELS[c.entity] ?? c.entity} **${subject(c)}**`;
  const before = c.before ?? {};
  const after = c.after ?? {};
  const fields = Object.keys(after).filter((k) => k !== 'code' && JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  const diffs = fields.map((k) => `${FIELD_LABELS[k] ?? k} ${show(before[k])} → ${show(after[k])}`).join('；');
  return md`· ${ENTITY_LABELS[c.entity] ?? c.entity} **${subject(c)}**：${diffs}`;
}

export function importPreviewCard(fileName: string, plan: ImportPlan, preview: ImportPreview, previewId: number): Card {
  const r = preview.result;
  const created = preview.changes.filter((c) => c.action === 'create');
  const updated = preview.changes.filter((c) => c.action !== 'create');
  const leaders = [...new Set(plan.draft.tasks.flatMap((t) => (t.leadLeaderKeys ?? []).map((k) => k.replace(/@.*$/, ''))))];
  const leadUnits = [...new Set(plan.draft.tasks.flatMap((t) => t.leadUnitNames))];
  const newUnits = created.filter((c) => c.entity === 'unit').map((c) => subject(c));
  const nothing = created.length === 0 && updated.length === 0;
  const title = nothing ? `导入预览：${fileName} 与台账一致` : `导入预览：${fileName}`;
  return renderFitting(
    'import-preview',
    (max) => ({
      summary: title,
      title,
      subtitle: '请核对后点「确认导入」；确认时按此预览写入，不再重读文件',
      colour: nothing ? 'grey' : 'blue',
      counts: md`事项：新增 **${r.tasks.created}**，修改 **${r.tasks.updated}**，不变 ${r.tasks.unchanged}\n单位：新增 ${r.units.created}，修改 ${r.units.updated}　人员：新增 ${r.people.created}，修改 ${r.people.updated}　节点：新增 ${r.milestones.created}，修改 ${r.milestones.updated}，删除 ${r.milestones.deleted}`,
      createdCount: created.length,
      createdLines: listText(created.map(createdLine), max),
      updatedCount: updated.length,
      updatedLines: listText(updated.map(updatedLine), max),
      unchangedText: `事项 ${r.tasks.unchanged} 项、单位 ${r.units.unchanged} 个、人员 ${r.people.unchanged} 人、节点 ${r.milestones.unchanged} 个（文件中没有的事项不会删除）`,
      inferredLines: joinMd([
        md`牵头单位（${leadUnits.length} 个）：${leadUnits.slice(0, max * 2).join('、') || '无'}${leadUnits.length > max * 2 ? ` 等 ${leadUnits.length} 个` : ''}`,
        md`领衔领导按姓名对应到人员名单（${leaders.length} 位）：${leaders.slice(0, max * 2).join('、') || '无'}`,
        ...(newUnits.length ? [md`新建单位：${newUnits.join('、')}`] : []),
        ...partTimeLines({ partTime: partTimeReport(plan.draft.people) }).slice(0, max).map((l) => md`兼职：${l}`),
      ]),
      actions: nothing ? [] : [
        {
          tag: 'column_set',
          horizontal_spacing: 'small',
          columns: [
            { tag: 'column', width: 'auto', elements: [button('确认导入', { a: 'import_confirm', t: previewId }, 'primary')] },
            { tag: 'column', width: 'auto', elements: [button('取消', { a: 'import_cancel', t: previewId }, 'default')] },
          ],
        },
      ],
      footer: nothing ? '文件与台账完全一致，无需导入' : '仅县委改革办可以确认；确认后新增事项的任务交办单随即发出',
    }),
    20,
  );
}

/** The check found problems: every one with its sheet, row and column (cut with 等 N 项 past the card's budget). */
export function importProblemsCard(fileName: string, problems: ImportProblem[]): Card {
  return renderFitting(
    'notice',
    (max) => ({
      title: `导入检查未通过：${fileName}（${problems.length} 处问题）`,
      body: md`文件未导入，台账没有任何改动。请改正以下问题后重新发送：\n${listText(problems.map((p) => md`· ${formatProblem(p)}`), max * 3)}`,
      headerColor: 'orange',
      extra: [],
    }),
    30,
  );
}

/** The card after 确认导入 / 取消 (replaces the preview for everyone who sees it). */
export function importDoneCard(fileName: string, outcome: 'applied' | 'cancelled' | 'stale', who: string, when: string, counts?: ImportPreview['result']): Card {
  if (outcome === 'cancelled') return noticeCard(`导入已取消：${fileName}`, md`${who} · ${when} 取消，台账未改动。`, 'grey');
  if (outcome === 'stale') return noticeCard(`导入未执行：${fileName}`, md`预览之后台账已有变化，为免覆盖，本次未导入。请重新发送文件，核对新的预览后再确认。`, 'orange');
  const c = counts!;
  return noticeCard(
    `已导入：${fileName}`,
    md`${who} · ${when} 确认导入。\n事项：新增 ${c.tasks.created}，修改 ${c.tasks.updated}，不变 ${c.tasks.unchanged}；单位新增 ${c.units.created}、修改 ${c.units.updated}；人员新增 ${c.people.created}、修改 ${c.people.updated}；节点新增 ${c.milestones.created}、修改 ${c.milestones.updated}、删除 ${c.milestones.deleted}。\n每项改动已记入审计日志；新增事项的任务交办单已发出。`,
    'green',
  );
}
