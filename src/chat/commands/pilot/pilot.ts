// 试点: the 试点争取台账 and progress ledger by stage (anyone); office only:
//   试点 <编号> <级别> [批准单位]   — registers the task as a pilot (争取中)
//   试点 <编号> <阶段> [理由]      — moves it one stage on (back one stage with a reason)
import { md, txt } from '../../../cards/markup.js';
import { isPilotLevel, isPilotStage, nextStage, PILOT_LEVELS, PILOT_STAGES } from '../../../core/pilot/stages.js';
import { findTaskByCode } from '../../../ledger/actions.js';
import { changePilotStage, createPilot, listPilots } from '../../../pilot/pilots.js';
import { noticeCard } from '../../cards.js';
import type { CommandHandler, CommandResult } from '../../context.js';
import { card, text } from '../../say.js';
import { refusedCommand } from '../report.js';

export const pilotCommand: CommandHandler<'pilot'> = async (ctx, command) => {
  const { db, app, tenant, actor } = ctx;
  const words = (command.text ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return listAll(ctx.db, tenant.id);
  const [codeText, second, ...rest] = words as [string, string | undefined, ...string[]];
  const found = await findTaskByCode(db, tenant.id, codeText);
  if (!found.ok) return refusedCommand('试点', codeText, found.reason);
  const task = found.task;
  if (!second) {
    const p = (await listPilots(db, tenant.id)).find((x) => x.taskId === task.id);
    if (!p) return refusedCommand('试点', task.code, ctx.actor.roles.includes('ADMIN') ? `${task.code} 还不是试点。登记示例：试点 ${task.code} 省级 批准单位名称` : `${task.code} 还不是试点。`);
    const next = nextStage(p.stage);
    return {
      ok: true,
      reply: card(noticeCard(`试点 · ${task.code}`, md`**${task.title}**\n${p.level} · 批准单位：${p.approvingBody ?? '—'} · 牵头单位：${task.leadUnitName}\n当前阶段：**${p.stage}**（${PILOT_STAGES.join(' → ')}）\n申报/批复材料：${p.documents || '—'}\n对接情况：${p.contacts || '—'}${next && ctx.actor.roles.includes('ADMIN') ? md`\n\n推进到下一阶段：试点 ${task.code} ${next}` : md``}`)),
      summary: md`试点 ${task.code}：${p.stage}`,
    };
  }
  if (isPilotLevel(second)) {
    const out = await createPilot(db, app.clock, actor, task, second, rest.join(' ') || null);
    if (!out.ok) return refusedCommand('试点', task.code, out.reason);
    return {
      ok: true,
      reply: text(out.changed ? txt`已登记试点：${task.code} ${task.title}（${second}，争取中）。` : txt`${task.code} 已是试点（${out.pilot.level}，${out.pilot.stage}），未重复登记。`),
      summary: md`✓ 试点 ${task.code}：${out.changed ? '已登记' : '已是试点'}`,
    };
  }
  if (isPilotStage(second)) {
    const out = await changePilotStage(db, app.clock, actor, task, second, rest.join(' ') || null);
    if (!out.ok) return refusedCommand('试点', task.code, out.reason);
    return { ok: true, reply: text(txt`${task.code} 试点阶段已变更为「${second}」，已记入台账。`), summary: md`✓ 试点 ${task.code}：${second}` };
  }
  return refusedCommand('试点', task.code, `没看懂「${second}」：级别为 ${PILOT_LEVELS.join('、')}，阶段为 ${PILOT_STAGES.join('、')}。示例：试点 ${task.code} 已获批`);
};

async function listAll(db: Parameters<typeof listPilots>[0], tenantId: number): Promise<CommandResult> {
  const pilots = await listPilots(db, tenantId);
  if (!pilots.length) return { ok: true, reply: text(txt`台账中还没有登记试点。改革办可发送「试点 <编号> 省级 批准单位」登记。`), summary: md`试点：暂无` };
  const blocks = PILOT_STAGES.map((stage) => {
    const of = pilots.filter((p) => p.stage === stage);
    if (!of.length) return md`**${stage}**（0）`;
    return md`**${stage}**（${of.length}）\n${of.map((p) => md`· ${p.code} ${p.title}　<font color='grey'>${p.level} · ${p.unitName}${p.approvingBody ? ` · ${p.approvingBody}` : ''}</font>`).reduce((a, b) => md`${a}\n${b}`)}`;
  });
  return {
    ok: true,
    reply: card(noticeCard(`试点台账（${pilots.length} 项）`, blocks.reduce((a, b) => md`${a}\n\n${b}`))),
    summary: md`试点台账：${pilots.length} 项`,
  };
}
