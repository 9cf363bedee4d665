// 案例主题 <主题> (office): the quarter's theme, announced to the all-hands group once per quarter
// with a 报送案例 button. 案例 [关联事项编号…] (a unit's people): the case form, privately, with the
// 关联事项 field filled in (each code checked now; the case links them and their achievements).
import { md, txt } from '../../../cards/markup.js';
import { allHandsRecipients } from '../../../ledger/recipients.js';
import { caseFormCard, quarterOf, setCaseTheme } from '../../../pilot/cases.js';
import { resolveCaseLinks } from '../../../pilot/case-links.js';
import { caseThemeNotice } from './case-notice.js';
import type { CommandHandler, CommandResult } from '../../context.js';
import { card, sendPrivately, sendTo, text } from '../../say.js';

const refuse = (label: string, reason: string): CommandResult => ({ ok: false, reply: text(txt`${reason}`), summary: md`✗ ${label}：${reason}` });

export const caseThemeCommand: CommandHandler<'caseTheme'> = async (ctx, command) => {
  const { db, app, tenant, actor, today } = ctx;
  const theme = command.text.trim().slice(0, 100);
  let told = 0;
  const out = await setCaseTheme(db, app.clock, actor, today, theme, async (tx, quarter) => {
    const to = await allHandsRecipients(tx, tenant.id);
    // The same message (same key) as the case-collection job's notice: whichever comes first is sent.
    told = await sendTo(tx, tenant.id, to, `case-theme:${quarter.key}`, card(caseThemeNotice(quarter.label, theme)));
  });
  if (!out.ok) return refuse('案例主题', out.reason);
  const announced = told > 0 ? '，已在全县改革工作群发布征集通知' : '（本季度征集通知此前已发布，不重复发送；如需告知各单位主题调整，请在工作群另行说明）';
  // Replacing a theme already set says so: the cases collected so far were collected under the old one.
  const said = out.previous !== null && out.changed
    ? txt`已将${out.quarter.label}案例征集主题由「${out.previous}」改为「${theme}」${announced}。此前已报送的案例保留，汇编时一并列出。`
    : txt`已设定${out.quarter.label}案例征集主题：${theme}${announced}。`;
  return { ok: true, reply: text(said), summary: md`✓ 案例主题：${theme}` };
};

export const caseFormCommand: CommandHandler<'caseForm'> = async (ctx, command) => {
  const { db, tenant, actor, today, sourceRef } = ctx;
  if (actor.unitId === null) return refuse('案例', '您没有所属单位，无法以单位名义报送案例。');
  if (!actor.openId) return refuse('案例', '您的人员信息中没有飞书账号，无法私信发送报送表单，请联系县委改革办补充。');
  const links = await resolveCaseLinks(db, tenant.id, command.text);
  if (!links.ok) return refuse('案例', links.reason);
  const codes = links.taskIds.length
    ? (await db.task.findMany({ where: { id: { in: links.taskIds } }, select: { id: true, code: true } })).sort((a, b) => links.taskIds.indexOf(a.id) - links.taskIds.indexOf(b.id)).map((t) => t.code).join('、')
    : '';
  const quarter = quarterOf(today);
  const theme = await db.caseTheme.findUnique({ where: { tenantId_quarter: { tenantId: tenant.id, quarter: quarter.key } } });
  await sendPrivately(db, tenant.id, actor.openId, `case-form:${sourceRef}`, card(caseFormCard(quarter.label, theme?.theme ?? '不限', actor.unitName ?? '本单位', codes)));
  // In the private chat the form is the next message: no need to say where it went.
  const where = ctx.msg.chatType === 'p2p' ? txt`案例报送表单已发到本对话，填写后点「提交案例」。` : txt`案例报送表单已私信发给您，请在与台账机器人的私聊中填写。`;
  return { ok: true, reply: text(where), summary: md`案例：表单已私信发送` };
};
