import { describe, expect, it } from 'vitest';
import {
  FeishuPayloadError,
  envelopeFromDispatcherData,
  normalizeBotAdded,
  normalizeCardAction,
  normalizeMessage,
  normalizeMessageRecalled,
  originOfMessage,
  parseEnvelope,
  stripMentions,
} from '../../src/feishu/normalize.js';
import { SUBSCRIBED_EVENTS } from '../../src/feishu/dispatch.js';
import { botAddedEvent, cardActionEvent, envelope, messageEvent, postContent, textContent } from '../../src/sandbox/fake-feishu-payloads.js';

const BOT = { openId: 'ou_bot', name: '台账助手' };
const ZHANG = { openId: 'ou_zhang', userId: 'zhangsan', name: '张三' };
const LI = { openId: 'ou_li', userId: 'lisi', name: '李四' };
const header = (eventType: string) => ({ eventId: 'ev1', eventType, token: 'tok', appId: 'cli_x', tenantKey: 'tk', createTime: '1763700000000' });

function msg(content: string, mentions: { key: string; who: typeof BOT }[], chatType: 'p2p' | 'group' = 'group', messageType: 'text' | 'post' = 'text') {
  return parseEnvelope(
    envelope(
      header('im.message.receive_v1'),
      messageEvent({ messageId: 'om_1', chatId: 'oc_1', chatType, sender: ZHANG, tenantKey: 'tk', createTimeMs: 1763700000123, messageType, content, mentions }),
    ),
  );
}

describe('normalizeMessage', () => {
  it('strips @ placeholders, detects the bot mention and keeps other mentions', () => {
    const env = msg(textContent('催办 LY-012  请本周内报送', ['@_user_1', '@_user_2']), [
      { key: '@_user_1', who: BOT },
      { key: '@_user_2', who: LI },
    ]);
    const m = normalizeMessage(env, { botOpenId: 'ou_bot' });
    expect(m).toEqual({
      tenantKey: 'tk',
      eventId: 'ev1',
      messageId: 'om_1',
      chatId: 'oc_1',
      chatType: 'group',
      sender: { openId: 'ou_zhang', userId: 'zhangsan' },
      text: '催办 LY-012 请本周内报送',
      mentionsBot: true,
      mentions: [{ key: '@_user_2', name: '李四', openId: 'ou_li' }],
      messageType: 'text',
      createdAt: new Date(1763700000123),
    });
  });

  it('a person @-mentioned inside the text keeps their name there; leading mentions are stripped (chat breaker: 「请@周敏 协调」 lost 周敏)', () => {
    const env = msg(textContent('问题 LY-012 编制不足，请@_user_2 协调', ['@_user_1']), [{ key: '@_user_1', who: BOT }, { key: '@_user_2', who: LI }]);
    expect(normalizeMessage(env, { botOpenId: 'ou_bot' }).text).toBe('问题 LY-012 编制不足，请@李四 协调');
    const leading = msg(textContent('进展 LY-012 推进中', ['@_user_2', '@_user_1']), [{ key: '@_user_1', who: BOT }, { key: '@_user_2', who: LI }]);
    expect(normalizeMessage(leading, { botOpenId: 'ou_bot' }).text).toBe('进展 LY-012 推进中');
  });

  it('does not treat another mention as the bot, and p2p messages need no mention', () => {
    const env = msg(textContent('你好', ['@_user_1']), [{ key: '@_user_1', who: LI }]);
    expect(normalizeMessage(env, { botOpenId: 'ou_bot' }).mentionsBot).toBe(false);
    const p2p = msg(textContent('我的任务', []), [], 'p2p');
    expect(normalizeMessage(p2p, { botOpenId: 'ou_bot' })).toMatchObject({ chatType: 'p2p', mentionsBot: false, text: '我的任务' });
  });

  it('falls back without the bot open_id: in a group a mention without user_id is the bot', () => {
    const env = msg(textContent('帮助', ['@_user_1', '@_user_2']), [
      { key: '@_user_1', who: LI },
      { key: '@_user_2', who: BOT },
    ]);
    const m = normalizeMessage(env);
    expect(m.mentionsBot).toBe(true);
    expect(m.mentions.map((x) => x.name)).toEqual(['李四']);
  });

  it('joins rich text (post) and strips its @ elements', () => {
    const env = msg(postContent('周报', ['进展 LY-012 完成方案起草', '下步征求意见 60%'], ['@_user_1'], ['台账助手']), [{ key: '@_user_1', who: BOT }], 'group', 'post');
    const m = normalizeMessage(env, { botOpenId: 'ou_bot' });
    expect(m.text).toBe('周报\n进展 LY-012 完成方案起草\n下步征求意见 60%');
    expect(m.mentionsBot).toBe(true);
    expect(m.messageType).toBe('post');
  });

  it('turns malformed payloads into FeishuPayloadError', () => {
    expect(() => normalizeMessage(msg('{not json', []))).toThrow(FeishuPayloadError);
    expect(() => normalizeMessage(msg(JSON.stringify({ nope: 1 }), []))).toThrow(/text/);
    expect(() => parseEnvelope({ schema: '2.0', header: {} })).toThrow(FeishuPayloadError);
    expect(() => parseEnvelope('x')).toThrow(FeishuPayloadError);
    const broken = parseEnvelope({ schema: '2.0', header: { event_id: 'e', event_type: 'im.message.receive_v1' }, event: { message: {} } });
    expect(() => normalizeMessage(broken)).toThrow(/消息事件格式不正确/);
  });

  it('strips full-width spaces and keeps line breaks', () => {
    expect(stripMentions('@_user_1\u3000进展：LY-1\n  下步 @_all ')).toBe('进展：LY-1\n下步');
  });
});

describe('normalizeCardAction / normalizeBotAdded', () => {
  it('maps a card.action.trigger callback', () => {
    const env = parseEnvelope(
      envelope(
        header('card.action.trigger'),
        cardActionEvent({ operator: LI, tenantKey: 'tk', cardToken: 'c-123', messageId: 'om_card', chatId: 'oc_1', value: { action: 'sign', task: 'LY-012' }, formValue: { reason: '职责不符' }, name: 'dispute' }),
      ),
    );
    expect(normalizeCardAction(env)).toEqual({
      tenantKey: 'tk',
      operator: { openId: 'ou_li', userId: 'lisi' },
      messageId: 'om_card',
      chatId: 'oc_1',
      token: 'c-123',
      value: { action: 'sign', task: 'LY-012' },
      formValue: { reason: '职责不符' },
      tag: 'button',
      name: 'dispute',
    });
  });

  it('maps bot added to a chat', () => {
    const env = parseEnvelope(envelope(header('im.chat.member.bot.added_v1'), botAddedEvent({ chatId: 'oc_9', chatName: '专班群', operator: ZHANG, tenantKey: 'tk' })));
    expect(normalizeBotAdded(env)).toEqual({ tenantKey: 'tk', chatId: 'oc_9', chatName: '专班群', operatorOpenId: 'ou_zhang' });
  });

  it("rebuilds the envelope from the SDK dispatcher's flattened data (card token goes to the event)", () => {
    const card = envelope(header('card.action.trigger'), cardActionEvent({ operator: LI, tenantKey: 'tk', cardToken: 'c-9', messageId: 'om_c', chatId: 'oc_1', value: { a: 1 } }));
    const flat = { schema: '2.0', ...(card['header'] as object), ...(card['event'] as object) } as Record<string, unknown>;
    const rebuilt = envelopeFromDispatcherData(flat);
    expect(rebuilt.header.event_type).toBe('card.action.trigger');
    expect(normalizeCardAction(rebuilt).token).toBe('c-9');
    const m = envelope(header('im.message.receive_v1'), messageEvent({ messageId: 'om_2', chatId: 'oc_1', chatType: 'group', sender: ZHANG, tenantKey: 'tk', createTimeMs: 1, messageType: 'text', content: textContent('x', []), mentions: [] }));
    const flatMsg = { schema: '2.0', ...(m['header'] as object), ...(m['event'] as object) } as Record<string, unknown>;
    expect(envelopeFromDispatcherData(flatMsg)).toEqual(parseEnvelope(m));
  });
});

describe('normalizeMessageRecalled (im.message.recalled_v1)', () => {
  it('reads the doc page\'s example; the sender comes from what the inbox kept of the message', () => {
    // https://open.feishu.cn/document/server-docs/im-v1/message/events/recalled (事件体示例)
    const env = parseEnvelope({
      schema: '2.0',
      header: { event_id: '5e3702a84e847582be8db7fb73283c02', event_type: 'im.message.recalled_v1', create_time: '1608725989000', token: 'rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV', app_id: 'cli_9f5343c580712544', tenant_key: '2ca1d211f64f6438' },
      event: { message_id: 'om_dc13264520392913993dd051dba21dcf', chat_id: 'oc_5ad11d72b830411d72b836c20', recall_time: '1615380573411', recall_type: 'message_owner' },
    });
    expect(normalizeMessageRecalled(env, originOfMessage(msg(textContent('进展 LY-012 推进', []), [], 'p2p')))).toEqual({
      tenantKey: '2ca1d211f64f6438', eventId: '5e3702a84e847582be8db7fb73283c02', messageId: 'om_dc13264520392913993dd051dba21dcf',
      chatId: 'oc_5ad11d72b830411d72b836c20', recallTime: new Date(1615380573411), recallType: 'message_owner', senderOpenId: 'ou_zhang', chatType: 'p2p',
    });
    expect(() => normalizeMessageRecalled(parseEnvelope({ schema: '2.0', header: { event_id: 'e', event_type: 'im.message.recalled_v1' }, event: {} }))).toThrow(FeishuPayloadError);
    expect(SUBSCRIBED_EVENTS).toContain('im.message.recalled_v1');
  });
});
