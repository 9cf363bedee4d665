// Cards of the office's work from Feishu (issue 14): the 延期 form and its 审批 card, the 问题反映
// card with 回复 / 已协调 / 转办, the 交办异议 card with the office's answer, and 查看's task card.
// Ledger text goes in as plain strings (escaped by the renderer) or as Md built with md`…`.
import { renderCard, type Card } from '../cards/render.js';
import { joinMd, md, type Md } from '../cards/markup.js';
import { shanghaiShort } from '../core/dates.js';
import type { TaskRecord } from '../ledger/actions.js';
import type { ExtensionRecord, ProblemReport } from '../ledger/office.js';
import { noticeCard, type CardOutcome } from './cards.js';

export function extensionFormCard(task: TaskRecord): Card {
  return renderCard('extension-form', { code: task.code, title: task.title, leadUnit: task.leadUnitName, deadline: task.deadline ?? '—', taskId: task.id });
}

export function extensionReviewCard(task: TaskRecord, req: ExtensionRecord, done?: CardOutcome): Card {
  const title = !done ? '延期审批' : req.status === '已同意' ? '延期审批 · 已同意' : req.status === '已驳回' ? '延期审批 · 已驳回' : '延期审批 · 已处理';
  return renderCard('extension-review', {
    code: task.code, title: task.title, leadUnit: task.leadUnitName, fromDeadline: req.fromDeadline ?? '—', toDeadline: req.toDeadline,
    reason: req.reason, requester: req.requesterName, requestedAt: shanghaiShort(req.requestedAt), taskId: task.id, requestId: req.id,
    headerTitle: title, headerColor: done?.colour ?? 'orange', done: Boolean(done), doneText: done?.text ?? '',
  });
}

export function problemCard(task: TaskRecord, p: ProblemReport, done?: CardOutcome): Card {
  return renderCard('problem', {
    code: task.code, title: task.title, leadUnit: task.leadUnitName, reporter: p.reporterName, reportedAt: shanghaiShort(p.reportedAt),
    text: p.text, taskId: task.id, reportId: p.id,
    headerTitle: done ? `问题反映 · 已处理：${task.code}` : `问题反映：${task.code}`, headerColor: done?.colour ?? 'orange', done: Boolean(done), doneText: done?.text ?? '',
  });
}

/** 交办异议 for the office: the unit's reason, and a form for the answer (and a new lead unit). */
export function disputeCard(task: TaskRecord, by: string, reason: string): Card {
  const form: Card = {
    tag: 'form', name: 'resolve_form', elements: [
      { tag: 'input', name: 'answer', input_type: 'multiline_text', placeholder: { tag: 'plain_text', content: '改革办答复（发给牵头单位）' }, max_length: 500 },
      { tag: 'input', name: 'unit', placeholder: { tag: 'plain_text', content: '改由哪个单位牵头（需要时填写），如 县大数据中心' }, max_length: 50 },
      { tag: 'button', name: 'resolve_keep', text: { tag: 'plain_text', content: '维持交办（重新交办）' }, type: 'primary', form_action_type: 'submit', behaviors: [{ type: 'callback', value: { a: 'resolve', t: task.id, to: '待签收' } }] },
      { tag: 'button', name: 'resolve_go', text: { tag: 'plain_text', content: '按推进中处理' }, type: 'default', form_action_type: 'submit', behaviors: [{ type: 'callback', value: { a: 'resolve', t: task.id, to: '推进中' } }] },
    ],
  };
  return noticeCard(`交办异议：${task.code}`, md`**${task.title}**\n${task.leadUnitName} · ${by} 提出异议\n理由：${reason}\n\n填写答复后选择处理方式；填写了新的牵头单位时，改由该单位牵头并重新交办。也可发送「异议处理 ${task.code} 维持 答复内容」。`, 'orange', [form]);
}

export interface TimelineEntry { at: Date; text: Md }

export function taskViewCard(task: TaskRecord & { originalDeadline: string | null }, fields: { milestones: string[]; latest: Md; timeline: TimelineEntry[] }): Card {
  const deadline = task.originalDeadline && task.originalDeadline !== task.deadline ? `${task.deadline ?? '—'}（原时限 ${task.originalDeadline}，已延期）` : task.deadline ?? '—';
  const lines = [
    md`类别：${task.category}`, md`牵头单位：${task.leadUnitName}`, md`配合单位：${task.coUnitNames.join('、') || '—'}`,
    md`领衔领导：${task.leadLeaderNames.join('、') || '—'}`, md`责任人：${task.ownerName ?? '—'}`, md`完成时限：${deadline}`,
    md`成果形式：${task.deliverable ?? '—'}`, ...(fields.milestones.length ? [md`节点：${fields.milestones.join('；')}`] : []),
  ];
  const shown = fields.timeline.slice(-30);
  const cut = fields.timeline.length - shown.length;
  const timeline = shown.length ? joinMd([...(cut ? [md`（前 ${cut} 条从略）`] : []), ...shown.map((e) => md`${shanghaiShort(e.at)}　${e.text}`)]) : md`暂无记录`;
  const colour = task.status === '已销号' ? 'green' : task.status === '有异议' || task.status === '待销号' ? 'orange' : task.status === '暂缓' ? 'grey' : 'blue';
  return renderCard('task-view', { code: task.code, title: task.title, status: task.status, leadUnit: task.leadUnitName, fields: joinMd(lines), latest: fields.latest, timeline, headerColor: colour });
}

/** 调整 (with the task's fields filled in; its title is the header's subtitle, not repeated below) or 新增事项 (empty); `done` once submitted. */
export function taskFormCard(task: (TaskRecord & { milestones: string }) | null, done?: CardOutcome): Card {
  return renderCard('task-edit', {
    heading: task ? `调整事项：${task.code}` : '新增事项', subtitle: task ? task.title : '县委改革办', isNew: task === null,
    intro: task ? md`改需要调整的项，填写理由后提交；牵头单位、配合单位和领衔领导会收到改动前后的对照。` : md`填写后提交，事项进入台账（待签收），任务交办单发给牵头单位。`,
    deadline: task?.deadline || undefined, leadUnit: task?.leadUnitName || undefined, coUnits: task?.coUnitNames.join('、') || undefined,
    leaders: task?.leadLeaderNames.join('、') || undefined, owner: task?.ownerName || undefined, milestones: task?.milestones || undefined,
    submitText: task ? '提交调整' : '新增', submitValue: task ? { a: 'submit_edit', t: task.id } : { a: 'submit_new_task' },
    headerColor: done?.colour ?? 'blue', done: Boolean(done), doneText: done?.text ?? '',
  });
}
