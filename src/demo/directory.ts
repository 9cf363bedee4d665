// The demo county's people and groups as FakeFeishu's directory.
import { ALL_HANDS_CHAT_ID, demoPeople, demoUnits } from './ledger.js';
import type { FakeChat, FakeUser } from '../sandbox/fake-feishu.js';

export function demoDirectory(): { users: FakeUser[]; chats: FakeChat[] } {
  const users: FakeUser[] = demoPeople.map((p) => ({ openId: p.openId, name: p.name }));
  const office = demoPeople.filter((p) => p.roles.includes('改革办')).map((p) => p.openId);
  const chats: FakeChat[] = demoUnits
    .filter((u) => u.chatId)
    .map((u) => ({ chatId: u.chatId!, name: `${u.name}工作群`, memberOpenIds: [...new Set([...demoPeople.filter((p) => p.unit === u.name).map((p) => p.openId), ...office])] }));
  chats.push({ chatId: ALL_HANDS_CHAT_ID, name: '全县改革工作群', memberOpenIds: demoPeople.map((p) => p.openId) });
  return { users, chats };
}
