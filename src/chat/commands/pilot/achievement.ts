// 成果 <编号> <类别> <说明>: a unit records an achievement on a task (获上级批示肯定, 主流媒体报道…);
// the office gets a 成果待确认 card (确认成果 / 不予认定 with a reason). Once per message.
import { md, txt } from '../../../cards/markup.js';
import { findCategory } from '../../../core/pilot/achievements.js';
import { findTaskByCode } from '../../../ledger/actions.js';
import { officeRecipients } from '../../../ledger/recipients.js';
import { achievementCategories, achievementReviewCard, recordAchievement } from '../../../pilot/achievements.js';
import type { CommandHandler } from '../../context.js';
import { noticeCard } from '../../cards.js';
import { card, sendTo, text } from '../../say.js';
import { refusedCommand } from '../report.js';

export const achievementCommand: CommandHandler<'achievement'> = async (ctx, command) => {
  const { db, app, tenant, actor, sourceRef } = ctx;
  const found = await findTaskByCode(db, tenant.id, command.codeText);
  if (!found.ok) return refusedCommand('成果', command.codeText, found.reason);
  const task = found.task;
  const categories = await achievementCategories(db, tenant.id);
  const [word = '', ...rest] = command.text.trim().split(/\s+/);
  const category = findCategory(categories, word);
  const names = categories.map((c) => c.key).join('、');
  if (!category) return refusedCommand('成果', task.code, `请在编号后写成果类别（${names}，可简写为 批示、刊物、媒体、试点、案例、品牌），再写说明。示例：成果 ${task.code} 批示 经验做法获市委主要领导批示肯定`);
  const description = rest.join(' ').trim();
  if (!description) return refusedCommand('成果', task.code, `请写明成果内容，如批示领导、刊物名称、报道媒体。示例：成果 ${task.code} ${word} 经验做法获市委主要领导批示肯定`);
  const [desc, evidence] = description.split(/证明材料[:：]/);
  const outcome = await recordAchievement(db, app.clock, actor, task, { category: category.key, description: desc!.trim(), evidence: evidence?.trim() || null, sourceRef }, async (tx, row) => {
    const office = await officeRecipients(tx, tenant.id);
    await sendTo(tx, tenant.id, office, `achievement:${row.id}`, card(achievementReviewCard(row, { code: task.code, taskTitle: task.title, unit: task.leadUnitName, reporter: actor.name, points: category.points })));
  });
  if (!outcome.ok) return refusedCommand('成果', task.code, outcome.reason);
  // The same 成果 again (re-delivered, or typed twice): a grey 此前已记录, as 进展 answers.
  if (!outcome.created) {
    return {
      ok: true,
      reply: card(noticeCard(`成果此前已记录：${task.code}`, md`${category.key}——${outcome.row.description}\n此前已记录，未重复登记；改革办确认后计入光荣榜（${category.points} 分）。`, 'grey')),
      summary: md`✓ 成果 ${task.code}：${category.key}，此前已记录`,
    };
  }
  return {
    ok: true,
    reply: text(txt`已记录成果：${task.code} ${category.key}——${outcome.row.description}。改革办确认后计入光荣榜（${category.points} 分）。`),
    summary: md`✓ 成果 ${task.code}：${category.key}，待改革办确认`,
  };
};
