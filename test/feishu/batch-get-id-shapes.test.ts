// The OpenAPI calls of import → start → dispatch as the docs describe them. batch_get_id, against the doc-only fake
// (https://open.feishu.cn/document/server-docs/contact-v3/user/batch_get_id): mobiles in the form
// the doc asks for, one kind per call of ≤ 50, answers matched whatever order they come in, resigned
// people told apart without the `status` field scope, user_ids only where the app may read them.
import { afterEach, describe, expect, it } from 'vitest';
import { createFeishuClient, getBotOpenId } from '../../src/feishu/client.js';
import { contactLookup, matchEntries } from '../../src/feishu/contact.js';
import { DocOnlyFeishu, type DocFakeOptions, type DocUser } from './doc-only-fake.js';

const users: DocUser[] = [
  { openId: 'ou_a', userId: 'u_a', name: '甲', mobile: '13800138000' },
  { openId: 'ou_b', userId: 'u_b', name: '乙', mobile: '13800138001', email: 'yi@example.org' },
  { openId: 'ou_c', userId: 'u_c', name: '丙', mobile: '+85291234567' },
  { openId: 'ou_gone', userId: 'u_gone', name: '丁', mobile: '13800138009', resigned: true },
];

let fake: DocOnlyFeishu | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});
async function lookupOn(opts: Partial<DocFakeOptions> = {}) {
  fake = await DocOnlyFeishu.start({ users, ...opts });
  return contactLookup(createFeishuClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url }));
}

describe('batch_get_id request and answer shapes', () => {
  it('sends mobiles as the doc asks (mainland without country code, others with +) and finds each typed form', async () => {
    const lookup = await lookupOn();
    const typed = ['138 0013 8000', '138-0013-8000', '+86 13800138000', '+8613800138000', '86-13800138000', '１３８００１３８０００', '13800138000（办）', '+852 9123 4567'];
    const found = await lookup.byMobileAndEmail(typed, []);
    expect(found.mobiles.get('13800138000')).toEqual({ openId: 'ou_a', resigned: false });
    expect(found.mobiles.get('+85291234567')).toEqual({ openId: 'ou_c', resigned: false });
    // Exactly two distinct numbers went out, in the documented form, in `mobiles` only.
    const sent = fake!.batchCalls.flatMap((c) => c.body.mobiles ?? []);
    expect(new Set(sent)).toEqual(new Set(['13800138000', '+85291234567']));
    expect(fake!.batchCalls.every((c) => c.body.emails === undefined && c.userIdType === 'open_id')).toBe(true);
  });

  it('matches answers by the echoed value whatever their order, and by position when nothing is echoed', async () => {
    let lookup = await lookupOn({ order: 'reversed' });
    let found = await lookup.byMobileAndEmail(['13800138000', '13800138001', '13900000000'], ['yi@example.org']);
    expect(found.mobiles.get('13800138000')?.openId).toBe('ou_a');
    expect(found.mobiles.get('13800138001')?.openId).toBe('ou_b');
    expect(found.mobiles.has('13900000000')).toBe(false);
    expect(found.emails.get('yi@example.org')?.openId).toBe('ou_b');
    await fake!.close();
    lookup = await lookupOn({ echo: 'absent' });
    found = await lookup.byMobileAndEmail(['13900000000', '13800138001', '13800138000'], ['YI@example.org']);
    expect(found.mobiles.get('13800138000')?.openId).toBe('ou_a');
    expect(found.mobiles.get('13800138001')?.openId).toBe('ou_b');
    expect(found.mobiles.has('13900000000')).toBe(false);
    expect(found.emails.get('yi@example.org')?.openId).toBe('ou_b');
  });

  it('matchEntries: the echo as sent, then normalised, then the position', () => {
    const sent = ['13800138000', '+85291234567'];
    expect(matchEntries('mobiles', sent, [{ mobile: '+85291234567', user_id: 'ou_c' }, { mobile: '+86 138 0013 8000', user_id: 'ou_a' }]).get('13800138000')?.user_id).toBe('ou_a');
    expect(matchEntries('mobiles', sent, [{ user_id: 'ou_a' }, { user_id: 'ou_c' }]).get('+85291234567')?.user_id).toBe('ou_c');
    // The doc's own example answers with masked numbers ("130xxxx1111"): one entry per value sent, so by position.
    const masked = matchEntries('mobiles', ['13011111111', '13022222222'], [{ mobile: '130xxxx1111', user_id: 'ou_1' }, { mobile: '130xxxx2222', user_id: 'ou_2' }]);
    expect([masked.get('13011111111')?.user_id, masked.get('13022222222')?.user_id]).toEqual(['ou_1', 'ou_2']);
    // A list of another length without echoes: nothing is guessed.
    expect(matchEntries('mobiles', sent, [{ user_id: 'ou_a' }]).size).toBe(0);
  });

  it('tells a resigned account apart without the status field scope (include_resigned false first)', async () => {
    const lookup = await lookupOn({ scopes: ['contact:user.id:readonly', 'im:message:send_as_bot'] });
    const found = await lookup.byMobileAndEmail(['13800138000', '13800138009', '13900000000'], []);
    expect(found.mobiles.get('13800138000')).toEqual({ openId: 'ou_a', resigned: false });
    expect(found.mobiles.get('13800138009')).toEqual({ openId: 'ou_gone', resigned: true });
    expect(found.mobiles.has('13900000000')).toBe(false);
    expect(fake!.batchCalls.map((c) => [c.body.include_resigned, c.body.mobiles])).toEqual([
      [false, ['13800138000', '13800138009', '13900000000']],
      [true, ['13800138009', '13900000000']],
    ]);
  });

  it('asks at most 50 values of one kind per call', async () => {
    const lookup = await lookupOn();
    const many = Array.from({ length: 120 }, (_, i) => `1370000${String(1000 + i)}`);
    const emails = Array.from({ length: 60 }, (_, i) => `u${i}@example.org`);
    await lookup.byMobileAndEmail([...many, '13800138000'], emails);
    for (const c of fake!.batchCalls) {
      expect((c.body.mobiles?.length ?? 0) + (c.body.emails?.length ?? 0)).toBeLessThanOrEqual(50);
      expect(c.body.mobiles !== undefined && c.body.emails !== undefined).toBe(false);
    }
    expect(fake!.batchCalls.flatMap((c) => (c.body.include_resigned ? [] : c.body.mobiles ?? []))).toHaveLength(121);
  });

  it('user_ids where the scope allows; a missing scope (99991672) is a note, not an error', async () => {
    let lookup = await lookupOn();
    const ids = await lookup.userIds(['138 0013 8000'], ['yi@example.org']);
    expect(ids.skipped).toBeUndefined();
    expect(ids.mobiles.get('13800138000')).toBe('u_a');
    expect(ids.emails.get('yi@example.org')).toBe('u_b');
    expect(fake!.batchCalls.every((c) => c.userIdType === 'user_id')).toBe(true);
    await fake!.close();
    lookup = await lookupOn({ scopes: ['contact:user.id:readonly'] });
    const none = await lookup.userIds(['13800138000'], []);
    expect(none.mobiles.size).toBe(0);
    expect(none.skipped).toContain('contact:user.employee_id:readonly');
  });
});

describe('token and bot info as documented', () => {
  it('the bot finds its own open_id in bot/v3/info (`bot.open_id`, not `data`), with a token from tenant_access_token/internal', async () => {
    fake = await DocOnlyFeishu.start({ users });
    const client = createFeishuClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url });
    expect(await getBotOpenId(client)).toBe(fake.botOpenId);
    expect(fake.refused).toEqual([]);
  });
  it('a wrong secret: no token, and the bot info call fails with Feishu\'s words, not silently', async () => {
    fake = await DocOnlyFeishu.start({ users });
    const client = createFeishuClient({ appId: fake.appId, appSecret: 'wrong', domain: fake.url });
    await expect(getBotOpenId(client)).rejects.toThrow();
  });
});
