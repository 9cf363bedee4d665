// contact/v3/users/batch_get_id through the SDK client against the fake: documented batches of at
// most 50 mobiles or 50 emails per call; a missing scope is an error naming its code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeFeishu } from '../../src/sandbox/fake-feishu.js';
import { createFeishuClient } from '../../src/feishu/client.js';
import { contactLookup } from '../../src/feishu/contact.js';

describe('batch_get_id lookup', () => {
  let fake: FakeFeishu;
  beforeAll(async () => {
    const users = Array.from({ length: 120 }, (_, i) => ({ openId: `ou_user_${i}`, name: `用户${i}`, mobile: `1370000${String(1000 + i)}`, ...(i < 70 ? { email: `u${i}@example.org` } : {}) }));
    fake = await FakeFeishu.start({ users });
  });
  afterAll(async () => fake?.close());

  it('asks in batches of ≤ 50 mobiles + ≤ 50 emails and maps every answer', async () => {
    const client = createFeishuClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url });
    const mobiles = Array.from({ length: 120 }, (_, i) => `1370000${String(1000 + i)}`);
    const emails = Array.from({ length: 70 }, (_, i) => `u${i}@example.org`);
    const found = await contactLookup(client).byMobileAndEmail([...mobiles, '13999999999'], emails);
    expect(found.mobiles.size).toBe(120);
    expect(found.emails.size).toBe(70);
    expect(found.mobiles.get('13700001005')).toEqual({ openId: 'ou_user_5', resigned: false });
    expect(found.mobiles.has('13999999999')).toBe(false);
    // One kind per call (answers told apart, feishu/contact.ts): 121 mobiles in 3, the one unknown
    // again with include_resigned, 70 emails in 2.
    expect(fake.requestsFor('contact.user.batch_get_id', { ok: true })).toHaveLength(6);
  });
});
