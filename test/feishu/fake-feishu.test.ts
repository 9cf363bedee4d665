// The fake platform itself, driven by the real SDK client: the documented behaviours tests rely on.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type * as lark from '@larksuiteoapi/node-sdk';
import { createFeishuClient, getBotOpenId, invalidateTenantToken } from '../../src/feishu/client.js';
import { FakeFeishu } from '../../src/sandbox/fake-feishu.js';
import { decryptPayload, verifySignature } from '../../src/feishu/signature.js';
import { encryptForBot, signatureHeaders } from '../../src/sandbox/fake-feishu-payloads.js';
import { sampleCard } from './helpers.js';

const A = { openId: 'ou_a000000000000000000000000000001', userId: 'a', name: '甲', mobile: '13800000001', email: 'a@gov.example' };
const B = { openId: 'ou_b000000000000000000000000000002', name: '乙', blockedBot: true };
const GROUP = 'oc_fake_group_00000000000000000001';

describe('fake Feishu', () => {
  let fake: FakeFeishu;
  let client: lark.Client;
  beforeAll(async () => {
    fake = await FakeFeishu.start({
      users: [A, B, ...Array.from({ length: 25 }, (_, i) => ({ openId: `ou_m${String(i).padStart(30, '0')}`, name: `成员${i}` }))],
      chats: [{ chatId: GROUP, name: '群', memberOpenIds: [A.openId, ...Array.from({ length: 25 }, (_, i) => `ou_m${String(i).padStart(30, '0')}`)] }],
      limits: { perUserPerSecond: 2 },
    });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.resetTraffic();
    client = createFeishuClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url });
  });

  const errorOf = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      const r = (e as { response?: { status: number; data: { code: number } } }).response;
      return { status: r?.status, code: r?.data.code };
    }
    return undefined;
  };

  it('encrypts like Feishu (docs test vector decrypts with the SDK AESCipher) and signs over raw bytes', () => {
    expect(decryptPayload('test key', 'P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=')).toBe('hello world');
    const enc = encryptForBot('k', '{"a":1}');
    expect(decryptPayload('k', enc)).toBe('{"a":1}');
    const raw = '{ "encrypt":"x" }';
    const h = signatureHeaders('k', raw, 1700000000);
    const headers = { timestamp: h['X-Lark-Request-Timestamp']!, nonce: h['X-Lark-Request-Nonce']!, signature: h['X-Lark-Signature']! };
    expect(verifySignature(headers, 'k', Buffer.from(raw))).toBe(true);
    expect(verifySignature(headers, 'k', Buffer.from('{"encrypt":"x"}'))).toBe(false);
  });

  it('checks the bearer token (99991663) and the SDK recovers after its cache is dropped', async () => {
    expect(await getBotOpenId(client)).toBe(fake.bot.openId);
    fake.revokeTokens();
    const send = () => client.im.v1.message.create({ params: { receive_id_type: 'open_id' }, data: { receive_id: A.openId, msg_type: 'text', content: '{"text":"x"}' } });
    expect(await errorOf(send())).toEqual({ status: 400, code: 99991663 });
    await invalidateTenantToken(client);
    expect((await send()).code).toBe(0);
  });

  it('rejects unreachable users and groups with the documented codes', async () => {
    const to = (type: 'open_id' | 'chat_id', id: string) =>
      errorOf(client.im.v1.message.create({ params: { receive_id_type: type }, data: { receive_id: id, msg_type: 'text', content: '{"text":"x"}' } }));
    expect(await to('open_id', B.openId)).toEqual({ status: 400, code: 230053 });
    expect(await to('open_id', 'ou_nobody')).toEqual({ status: 400, code: 230034 });
    fake.addChat({ chatId: 'oc_nobot', name: 'x', memberOpenIds: [], botIsMember: false });
    expect(await to('chat_id', 'oc_nobot')).toEqual({ status: 400, code: 230002 });
    const tooLong = JSON.stringify({ text: 'x'.repeat(151 * 1024) });
    expect(await errorOf(client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: GROUP, msg_type: 'text', content: tooLong } }))).toEqual({ status: 400, code: 230025 });
    expect(await errorOf(client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: GROUP, msg_type: 'interactive', content: '{"header":{}}' } }))).toEqual({ status: 400, code: 230099 });
  });

  it('limits messages to one user per second with 230020', async () => {
    const send = () => client.im.v1.message.create({ params: { receive_id_type: 'open_id' }, data: { receive_id: A.openId, msg_type: 'text', content: '{"text":"x"}' } });
    // The token first, so that the three sends fall in one second even on a busy machine.
    await client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: GROUP, msg_type: 'text', content: '{"text":"x"}' } });
    const outcomes = await Promise.all([send(), send(), send()].map((p) => errorOf(p)));
    expect(outcomes.filter((o) => o?.code === 230020)).toEqual([{ status: 400, code: 230020 }]);
  });

  it('patches only shared cards, uploads images, pages chat members and looks up ids', async () => {
    const oneZero = { config: { update_multi: false }, elements: [{ tag: 'div', text: { tag: 'plain_text', content: 'x' } }] };
    const sent = await client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: GROUP, msg_type: 'interactive', content: JSON.stringify(oneZero) } });
    const id = sent.data!.message_id!;
    expect(await errorOf(client.im.v1.message.patch({ path: { message_id: id }, data: { content: JSON.stringify(oneZero) } }))).toEqual({ status: 400, code: 230001 });
    const shared = await client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: GROUP, msg_type: 'interactive', content: JSON.stringify(sampleCard('a')) } });
    expect((await client.im.v1.message.patch({ path: { message_id: shared.data!.message_id! }, data: { content: JSON.stringify(sampleCard('b')) } })).code).toBe(0);
    expect(fake.getMessage(shared.data!.message_id!)!.updates).toHaveLength(1);

    const img = await client.im.v1.image.create({ data: { image_type: 'message', image: Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]) } });
    expect(img?.image_key).toMatch(/^img_v3_/);
    expect(fake.images.get(img!.image_key!)!.bytes).toHaveLength(7);
    const withImage = await client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: GROUP, msg_type: 'image', content: JSON.stringify({ image_key: img!.image_key }) } });
    expect(withImage.code).toBe(0);

    const ids: string[] = [];
    for await (const page of await client.im.v1.chatMembers.getWithIterator({ path: { chat_id: GROUP }, params: { member_id_type: 'open_id', page_size: 10 } })) {
      for (const item of page?.items ?? []) ids.push(item.member_id!);
    }
    expect(ids).toHaveLength(26);

    const found = await client.contact.v3.user.batchGetId({ params: { user_id_type: 'open_id' }, data: { emails: [A.email, 'x@y.z'], mobiles: ['+8613800000001'] } });
    expect(found.data!.user_list).toEqual([
      expect.objectContaining({ email: A.email, user_id: A.openId }),
      { email: 'x@y.z' },
      expect.objectContaining({ mobile: '+8613800000001', user_id: A.openId }),
    ]);
  });

  it('reports delivered messages through its event emitter', async () => {
    const seen: string[] = [];
    fake.on('message', (m: { messageId: string }) => seen.push(m.messageId));
    const r = await client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: GROUP, msg_type: 'text', content: '{"text":"广播"}' } });
    expect(seen).toContain(r.data!.message_id);
    fake.removeAllListeners('message');
  });
});
