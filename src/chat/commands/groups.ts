// Binding Feishu groups to units, in the group itself (ordinary users cannot see chat ids):
//   绑定 石堡镇   the office (ADMIN) or that unit's head (UNIT_HEAD): this group becomes the unit's 工作群
//   解绑          the office, or the head of the unit bound here: this group is no longer a unit's
//   群列表        the office: the groups the bot is in and their bindings (= `taizhang groups`)
// Every change is audited (ledger/groups.ts); the reply confirms it in the group.
import { bindUnit, fillGroupNames, groupLines, listGroups } from '../../ledger/groups.js';
import { senderDirectory } from '../../feishu/directory.js';
import { md, txt } from '../../cards/markup.js';
import { truncate } from '../../core/text.js';
import type { CommandHandler, CommandResult, MessageContext } from '../context.js';
import { text } from '../say.js';
import { inUnit } from '../../core/permissions.js';

const ok = (reply: string, summary = reply): CommandResult => ({ ok: true, reply: text(txt`${reply}`), summary: md`✓ ${truncate(summary, 80)}` });
const no = (reply: string): CommandResult => ({ ok: false, reply: text(txt`${reply}`), summary: md`✗ ${truncate(reply, 80)}` });
const isOffice = (ctx: MessageContext) => ctx.actor.roles.includes('ADMIN');

export const bindGroupCommand: CommandHandler<'bindGroup'> = async (ctx, command) => {
  if (ctx.msg.chatType !== 'group') return no('请在要绑定的单位工作群里 @机器人 发送「绑定 单位名称」，如：绑定 石堡镇');
  const name = (command.text ?? '').trim();
  if (!name) return no('请说明绑定到哪个单位，如：绑定 石堡镇');
  const unit = await ctx.db.unit.findFirst({ where: { tenantId: ctx.tenant.id, name, active: true } });
  if (!unit) return no(`台账中没有单位「${truncate(name, 30)}」，请核对单位全称（与台账「单位」表一致）`);
  const mayBind = isOffice(ctx) || inUnit(ctx.actor, unit.id, ['UNIT_HEAD']);
  if (!mayBind) return no(`只有县委改革办或${unit.name}的一把手可以绑定本单位工作群`);
  if (unit.chatId === ctx.msg.chatId) return ok(`本群已是「${unit.name}」的工作群，无需重复绑定`);
  const previous = unit.chatId;
  await ctx.db.$transaction(async (tx) => {
    await bindUnit(tx, ctx.tenant.id, unit.id, ctx.msg.chatId, `person:${ctx.actor.personId}`);
    await tx.feishuChat.upsert({
      where: { tenantId_chatId: { tenantId: ctx.tenant.id, chatId: ctx.msg.chatId } },
      create: { tenantId: ctx.tenant.id, chatId: ctx.msg.chatId, addedAt: ctx.app.clock.now() },
      update: { removedAt: null },
    });
  });
  return ok(`已将本群绑定为「${unit.name}」工作群：今后该单位的任务交办单、提醒和督办消息会发到本群${previous ? '（原工作群不再接收）' : ''}。`, `本群已绑定为「${unit.name}」工作群`);
};

export const unbindGroupCommand: CommandHandler<'unbindGroup'> = async (ctx) => {
  if (ctx.msg.chatType !== 'group') return no('请在要解绑的工作群里 @机器人 发送「解绑」');
  const bound = await ctx.db.unit.findMany({ where: { tenantId: ctx.tenant.id, chatId: ctx.msg.chatId }, orderBy: { id: 'asc' } });
  if (bound.length === 0) return no('本群没有绑定任何单位');
  const mine = isOffice(ctx) ? bound : bound.filter((u) => inUnit(ctx.actor, u.id, ['UNIT_HEAD']));
  if (mine.length === 0) return no(`只有县委改革办或${bound.map((u) => u.name).join('、')}的一把手可以解绑本群`);
  await ctx.db.$transaction(async (tx) => {
    for (const u of mine) await bindUnit(tx, ctx.tenant.id, u.id, null, `person:${ctx.actor.personId}`);
  });
  const names = mine.map((u) => u.name).join('、');
  return ok(`本群已不再是「${names}」的工作群，机器人不再向本群发送该单位的消息。`, `本群已解绑「${names}」`);
};

export const groupListCommand: CommandHandler<'groupList'> = async (ctx) => {
  if (!isOffice(ctx)) return no('群列表仅县委改革办可以查看');
  const rows = await listGroups(ctx.db, ctx.tenant.id);
  // Groups bound by id without a bot-added event: their names from the chat API (not in the sandbox).
  const lookup = senderDirectory(ctx.app)(ctx.tenant.key);
  if (lookup) await fillGroupNames(ctx.db, ctx.tenant.id, rows, (chatId) => lookup.chatName(chatId), ctx.app.clock.now());
  const lines = groupLines(rows);
  return ok(`机器人所在的群及绑定情况：\n${lines.join('\n')}`, '群列表：见回复');
};
