// Feishu's documented codes, classified as the docs say: permanent ones fail at once (not ~12
// retries over six minutes), 230049 is retried, and the delayed card update reads its own table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFeishuClient } from '../../src/feishu/client.js';
import { Sender } from '../../src/feishu/sender.js';
import { enqueueMessage } from '../../src/outbox/index.js';
import { FakeFeishu } from '../../src/sandbox/fake-feishu.js';
import { describeEachDatabase } from '../helpers/db.js';
import { silentLogger } from './helpers.js';
import { CARD_UPDATE_ERROR_CODES, FEISHU_ERROR_DOCS, PERMANENT_ERROR_CODES, RETRYABLE_ERROR_CODES } from '../../src/feishu/error-codes.js';
import { classifyResponse, deliveryCauseOf, describeFailure, outcomeOfError } from '../../src/feishu/errors.js';

// The codes the audit found retried although Feishu documents them as final.
const MESSAGE_PERMANENT = [99992361, 99992351, 99992352, 99992354, 99992402, 230018, 230019, 230022, 230027, 230028, 230029, 230035, 230038, 230054, 230075, 230110, 232009];
const CARD_UPDATE_PERMANENT = [300020, 300030, 300040, 200000, 200310, 11311, 10002, 100000, 100030];

describe('Feishu error codes', () => {
  it('fails the permanent message codes after one attempt, on every message API', () => {
    for (const code of MESSAGE_PERMANENT) {
      for (const api of ['send', 'reply', 'patch'] as const) {
        expect(classifyResponse(400, { code, msg: 'x' }, {}, 1000, api), `${code} ${api}`).toMatchObject({ kind: 'permanent', code });
      }
      // Also when axios threw on the HTTP 400 (the SDK's usual way).
      expect(outcomeOfError({ response: { status: 400, data: { code, msg: 'x' } } }, 1000, 'send')).toMatchObject({ kind: 'permanent', code });
    }
  });

  it("fails the delayed card update's own codes after one attempt", () => {
    for (const code of CARD_UPDATE_PERMANENT) {
      expect(classifyResponse(200, { code, msg: 'x' }, {}, 1000, 'card_update'), String(code)).toMatchObject({ kind: 'permanent', code });
      expect(deliveryCauseOf(code, 'card_update').key).toBe('card_update_failed');
    }
    // The same number means different things on different APIs (doc pages differ).
    expect(describeFailure(10002, 'x', 'card_update')).toContain('card 参数校验错误');
    expect(describeFailure(10002, 'x', 'send')).toContain('机器人不在会话中');
    expect(deliveryCauseOf(10002, 'send').key).toBe('bot_not_in_chat');
    expect(describeFailure(11311, 'x', 'card_update')).toContain('卡片格式不符合要求');
  });

  it('retries 230049 (being sent), rate limits and unknown codes', () => {
    expect(classifyResponse(400, { code: 230049, msg: 'The message is being sent.' }, {}, 1000, 'send')).toMatchObject({ kind: 'transient', code: 230049 });
    expect(classifyResponse(400, { code: 230020, msg: 'x' }, {}, 1000, 'send')).toMatchObject({ kind: 'rate_limited', scope: 'recipient' });
    expect(classifyResponse(500, { code: 1, msg: 'x' }, {}, 1000, 'send')).toMatchObject({ kind: 'transient' });
    expect(deliveryCauseOf(1, 'send').key).toBe('unreachable');
    expect(deliveryCauseOf(null, 'send').key).toBe('unreachable');
  });

  it('keeps every code with its meaning from the doc and the page it comes from', () => {
    for (const table of [PERMANENT_ERROR_CODES, CARD_UPDATE_ERROR_CODES, RETRYABLE_ERROR_CODES]) {
      for (const [code, entry] of Object.entries(table)) {
        expect(entry.meaning, code).toMatch(/[\u4e00-\u9fff]/);
        expect(FEISHU_ERROR_DOCS[entry.doc], code).toMatch(/^https:\/\/open\.feishu\.cn\/document\//);
      }
    }
    for (const code of MESSAGE_PERMANENT) expect(PERMANENT_ERROR_CODES[code], String(code)).toBeDefined();
    for (const code of CARD_UPDATE_PERMANENT) expect(CARD_UPDATE_ERROR_CODES[code], String(code)).toBeDefined();
    expect(PERMANENT_ERROR_CODES[99992361]!.meaning).toContain('open_id 不属于当前应用');
  });
});

describeEachDatabase('permanent codes against the fake Feishu', (ctx) => {
  let fake: FakeFeishu;
  let tenantId: number;
  beforeAll(async () => {
    fake = await FakeFeishu.start({ users: [{ openId: 'ou_codes_user', name: '程功' }] });
    tenantId = (await ctx().prisma.tenant.upsert({ where: { key: fake.tenantKey }, create: { key: fake.tenantKey, name: '测试' }, update: {} })).id;
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('each permanent code is one request, not a dozen retries over six minutes; 230049 is tried again', async () => {
    const client = createFeishuClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url });
    const failed: number[] = [];
    const sender = new Sender({ db: ctx(), client, logger: silentLogger, pollIntervalMs: 20, retryBaseMs: 20, concurrency: 1, onPermanentFailure: (row) => void failed.push(row.errorCode!) });
    sender.start();
    try {
      for (const code of [...MESSAGE_PERMANENT.filter((c) => c !== 230110), 230049]) {
        fake.resetTraffic();
        fake.injectFault({ api: 'im.message.create', count: 1, status: 400, code, msg: 'injected' });
        await enqueueMessage(ctx().prisma, { tenantId, dedupeKey: `code-${code}`, kind: 'send', receiveIdType: 'open_id', receiveId: 'ou_codes_user', message: { msgType: 'text', content: { text: String(code) } } });
        sender.wake();
        await sender.waitUntilIdle(10_000);
        const row = await ctx().prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: `code-${code}` } });
        if (code === 230049) {
          expect(row).toMatchObject({ status: 'sent', attempts: 2 });
        } else {
          expect(row, String(code)).toMatchObject({ status: 'failed', errorCode: code, attempts: 1 });
          expect(fake.requestsFor('im.message.create'), String(code)).toHaveLength(1);
        }
      }
    } finally {
      await sender.stop();
    }
    expect(failed).toHaveLength(MESSAGE_PERMANENT.length - 1);
  });
});
