// Files through the durable outbox and the fake's file APIs, over real HTTP through the SDK, on
// SQLite and PostgreSQL: enqueueFile stores the bytes with the row (exactly once per key), the
// sender uploads once and sends msg_type "file" (a retry after a failed send re-uses the upload),
// the fake refuses what Feishu refuses (empty, over 30 MB, a file the bot did not upload), and a
// file a user sent is downloaded through the message resource API.
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type * as lark from '@larksuiteoapi/node-sdk';
import { createFeishuClient } from '../../src/feishu/client.js';
import { downloadMessageResource, ResourceDownloadError } from '../../src/feishu/resources.js';
import { Sender } from '../../src/feishu/sender.js';
import { enqueueFile, fileTypeFor, FileRefusedError, type OutboxRow } from '../../src/outbox/index.js';
import { FakeFeishu } from '../../src/sandbox/fake-feishu.js';
import { describeEachDatabase } from '../helpers/db.js';
import { silentLogger } from './helpers.js';

const USER = { openId: 'ou_files0000000000000000000000001', name: '改革办' };
const OTHER = { openId: 'ou_files0000000000000000000000002', name: '联络员' };
const GROUP = 'oc_files_group_000000000000000001';
const NO_BOT = 'oc_files_nobot_000000000000000001';

describeEachDatabase('files through the outbox and the fake', (ctx) => {
  let fake: FakeFeishu;
  let client: lark.Client;
  let tenantId: number;
  let sender: Sender | undefined;
  let failures: OutboxRow[];

  beforeAll(async () => {
    fake = await FakeFeishu.start({
      users: [USER, OTHER],
      chats: [
        { chatId: GROUP, name: '改革办群', memberOpenIds: [USER.openId, OTHER.openId] },
        { chatId: NO_BOT, name: '没有机器人的群', memberOpenIds: [USER.openId], botIsMember: false },
      ],
    });
    tenantId = (await ctx().prisma.tenant.upsert({ where: { key: fake.tenantKey }, create: { key: fake.tenantKey, name: '测试' }, update: {} })).id;
  });
  afterAll(async () => fake?.close());
  beforeEach(async () => {
    await ctx().prisma.outboxFile.deleteMany();
    await ctx().prisma.outboxMessage.deleteMany();
    fake.messages.length = 0;
    fake.resetTraffic();
    failures = [];
    client = createFeishuClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url });
  });
  afterEach(async () => {
    await sender?.stop();
    sender = undefined;
  });

  function startSender(): Sender {
    sender = new Sender({ db: ctx(), client, logger: silentLogger, pollIntervalMs: 50, retryBaseMs: 50, onPermanentFailure: (r) => void failures.push(r) });
    sender.start();
    return sender;
  }

  it('file types follow the upload page (xlsx → xls, docx → doc, the rest stream)', () => {
    expect(fileTypeFor('清源县改革台账.xlsx')).toBe('xls');
    expect(fileTypeFor('通报.DOCX')).toBe('doc');
    expect(fileTypeFor('a.pdf')).toBe('pdf');
    expect(fileTypeFor('名单.csv')).toBe('stream');
    expect(fileTypeFor('无扩展名')).toBe('stream');
  });

  it('a queued file is uploaded once and sent as msg_type file, exactly once per dedupe key', async () => {
    const bytes = Buffer.from('台账内容 '.repeat(1000));
    const input = { tenantId, dedupeKey: 'export:om_1', receiveIdType: 'open_id' as const, receiveId: USER.openId, fileName: '清源县改革台账.xlsx', bytes };
    const a = await enqueueFile(ctx().prisma, input);
    const b = await enqueueFile(ctx().prisma, input);
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(await ctx().prisma.outboxFile.count()).toBe(1);
    await startSender().waitUntilIdle(10_000);
    const sent = fake.botMessages({ openId: USER.openId });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.msgType).toBe('file');
    const key = (sent[0]!.content as { file_key: string }).file_key;
    expect(fake.files.get(key)?.bytes.equals(bytes)).toBe(true);
    expect(fake.files.get(key)?.fileName).toBe('清源县改革台账.xlsx');
    expect(fake.files.get(key)?.fileType).toBe('xls');
    expect(fake.requestsFor('im.file.create', { ok: true })).toHaveLength(1);
    const row = await ctx().prisma.outboxFile.findUniqueOrThrow({ where: { dedupeKey: 'export:om_1' } });
    expect(row.fileKey).toBe(key);
  });

  it('an image is uploaded through im/v1/images once and sent as msg_type image; over 10 MB is refused before queueing', async () => {
    const bytes = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(2000, 7)]);
    const input = { tenantId, dedupeKey: 'chart:om_1', receiveIdType: 'chat_id' as const, receiveId: GROUP, fileName: '得分.png', bytes, image: true };
    expect((await enqueueFile(ctx().prisma, input)).created).toBe(true);
    expect((await enqueueFile(ctx().prisma, input)).created).toBe(false);
    fake.injectFault({ api: 'im.message.create', count: 1, status: 500, code: 1, msg: 'internal error' });
    await startSender().waitUntilIdle(10_000);
    const sent = fake.botMessages({ chatId: GROUP });
    expect(sent.map((m) => m.msgType)).toEqual(['image']);
    const key = (sent[0]!.content as { image_key: string }).image_key;
    expect(fake.images.get(key)?.bytes.equals(bytes)).toBe(true);
    expect(fake.images.get(key)?.imageType).toBe('message');
    expect(fake.requestsFor('im.image.create', { ok: true })).toHaveLength(1); // the retry re-used the upload
    expect(fake.requestsFor('im.file.create')).toHaveLength(0);
    await expect(enqueueFile(ctx().prisma, { ...input, dedupeKey: 'chart:big', bytes: Buffer.alloc(10 * 1024 * 1024 + 1, 1) })).rejects.toThrow(/超过 10 MB/);
  });

  it('a send that fails after the upload is retried with the same upload (no second upload)', async () => {
    fake.injectFault({ api: 'im.message.create', count: 2, status: 500, code: 1, msg: 'internal error' });
    await enqueueFile(ctx().prisma, { tenantId, dedupeKey: 'export:retry', receiveIdType: 'chat_id', receiveId: GROUP, fileName: '导出.xlsx', bytes: Buffer.from('x') });
    await startSender().waitUntilIdle(10_000);
    expect(fake.botMessages({ chatId: GROUP })).toHaveLength(1);
    expect(fake.requestsFor('im.file.create')).toHaveLength(1);
    expect(fake.requestsFor('im.message.create').length).toBe(3);
  });

  it('inside a caller transaction the row and its bytes commit or roll back together', async () => {
    await expect(
      ctx().prisma.$transaction(async (tx) => {
        await enqueueFile(tx, { tenantId, dedupeKey: 'export:rollback', receiveId: USER.openId, fileName: 'a.xlsx', bytes: Buffer.from('x') });
        throw new Error('回滚');
      }),
    ).rejects.toThrow('回滚');
    expect(await ctx().prisma.outboxMessage.count({ where: { dedupeKey: 'export:rollback' } })).toBe(0);
    expect(await ctx().prisma.outboxFile.count({ where: { dedupeKey: 'export:rollback' } })).toBe(0);
  });

  it('enqueueFile refuses an empty file and one over 30 MB before anything is queued', async () => {
    await expect(enqueueFile(ctx().prisma, { tenantId, dedupeKey: 'e:0', receiveId: USER.openId, fileName: 'a.xlsx', bytes: Buffer.alloc(0) })).rejects.toBeInstanceOf(FileRefusedError);
    await expect(enqueueFile(ctx().prisma, { tenantId, dedupeKey: 'e:big', receiveId: USER.openId, fileName: 'a.xlsx', bytes: Buffer.alloc(30 * 1024 * 1024 + 1) })).rejects.toBeInstanceOf(FileRefusedError);
    expect(await ctx().prisma.outboxMessage.count()).toBe(0);
  });

  it('the fake answers the upload page codes: 234010 empty, 234006 over 30 MB, 234001 bad file_type', async () => {
    const upload = (file: Buffer, type = 'stream') => client.im.v1.file.create({ data: { file_type: type as 'stream', file_name: 'a.bin', file } });
    const code = async (p: Promise<unknown>) => p.then(() => 0, (e: { response?: { data?: { code?: number } } }) => e.response?.data?.code);
    expect(await code(upload(Buffer.alloc(0)))).toBe(234010);
    expect(await code(upload(Buffer.alloc(30 * 1024 * 1024 + 1)))).toBe(234006);
    expect(await code(upload(Buffer.from('x'), 'xlsx'))).toBe(234001);
    expect((await upload(Buffer.alloc(30 * 1024 * 1024)))?.file_key).toMatch(/^file_v3_/);
  });

  it('a file the bot did not upload cannot be sent (230017): the row fails permanently', async () => {
    const { fileKey } = await fake.sendUserFile({ senderOpenId: USER.openId, fileName: '别人的.xlsx', bytes: Buffer.from('y'), push: false });
    await ctx().prisma.outboxMessage.create({
      data: { tenantId, dedupeKey: 'fwd:1', uuid: 'u-fwd-1', kind: 'send', receiveIdType: 'open_id', receiveId: OTHER.openId, msgType: 'file', content: JSON.stringify({ file_key: fileKey }) },
    });
    await startSender().waitUntilIdle(10_000);
    expect(failures.map((f) => f.errorCode)).toEqual([230017]);
  });

  it('a file a user sent is downloaded through the message resource API; the documented refusals', async () => {
    const bytes = Buffer.from('单位名称,类型\n石堡镇,乡镇\n');
    const p2p = await fake.sendUserFile({ senderOpenId: USER.openId, fileName: '单位.csv', bytes, push: false });
    const received = fake.messages.find((m) => m.messageId === p2p.messageId)!;
    expect(received.msgType).toBe('file');
    expect(received.content).toEqual({ file_key: p2p.fileKey, file_name: '单位.csv' });
    expect((await downloadMessageResource(client, { messageId: p2p.messageId, fileKey: p2p.fileKey })).equals(bytes)).toBe(true);

    const refusal = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => (e instanceof ResourceDownloadError ? e.code : -1));
    // A key of another message.
    const other = await fake.sendUserFile({ senderOpenId: OTHER.openId, fileName: 'b.csv', bytes, push: false });
    expect(await refusal(downloadMessageResource(client, { messageId: p2p.messageId, fileKey: other.fileKey }))).toBe(234003);
    // A group the bot is not in (Feishu pushes nothing from it; the message is only stored).
    const outside = await fake.sendUserFile({ senderOpenId: USER.openId, chatId: NO_BOT, fileName: 'c.csv', bytes, push: false });
    expect(await refusal(downloadMessageResource(client, { messageId: outside.messageId, fileKey: outside.fileKey }))).toBe(234004);
    // A card has no resources (234043).
    const card = fake.messages.find((m) => m.msgType === 'interactive');
    expect(card).toBeUndefined();
  });
});
