// The sandbox's web API without a browser: the real bot behind the fake Feishu, driven the way the
// page drives it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_HANDS_CHAT_ID } from '../../src/demo/ledger.js';
import { request as httpRequest } from 'node:http';
import { isLocalHost, parseSandboxTime, type MessageView } from '../../src/sandbox/web/server.js';
import { startSandboxHarness, waitFor, type SandboxHarness } from './harness.js';

const LIAISON = 'ou_demo_shibao_liaison'; // 程功, 石堡镇
const CG_LIAISON = 'ou_demo_chengguan_liaison'; // 袁媛, 城关街道
const SHIBAO = 'oc_demo_shibao';
const CHENGGUAN = 'oc_demo_chengguan';

const title = (m: MessageView | undefined) => (m?.content as { header?: { title?: { content?: string } } } | undefined)?.header?.title?.content ?? '';

describe('sandbox web API', () => {
  let h: SandboxHarness;
  beforeAll(async () => {
    h = await startSandboxHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const get = async (url: string) => {
    const res = await fetch(`${h.base}${url}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const post = async (url: string, body: unknown) => {
    const res = await fetch(`${h.base}${url}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const messages = async (chat: string) => (await get(`/api/chats/${encodeURIComponent(chat)}/messages`)).body['messages'] as MessageView[];

  it('serves the page and the state: demo people by unit, their groups, the jobs', async () => {
    const page = await fetch(`${h.base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('台账 · 飞书沙箱');
    for (const asset of ['/app.js', '/cards.js', '/style.css']) expect((await fetch(`${h.base}${asset}`)).status).toBe(200);

    const { body } = await get('/api/state');
    const people = body['people'] as { openId: string; name: string; unit: string; roles: string }[];
    expect(people.find((p) => p.openId === LIAISON)).toMatchObject({ name: '程功', unit: '石堡镇', roles: '改革联络员' });
    expect(people[0]!.unit).toBe('县级领导');
    const chats = body['chats'] as { chatId: string; name: string; memberOpenIds: string[] }[];
    expect(chats.find((c) => c.chatId === SHIBAO)).toMatchObject({ name: '石堡镇工作群' });
    expect(chats.find((c) => c.chatId === SHIBAO)!.memberOpenIds).toEqual(expect.arrayContaining([LIAISON, 'ou_demo_office_zhou']));
    expect(chats.find((c) => c.chatId === ALL_HANDS_CHAT_ID)!.memberOpenIds).toHaveLength(people.length);
    expect((body['jobs'] as { name: string }[]).map((j) => j.name)).toEqual(['reminders', 'overdue', 'nudges', 'digest', 'honour-roll', 'quarterly', 'half-year', 'year-end', 'calendar', 'reissue',
      'outposts', 'suggestion-digest', 'call-reminders', 'lookback', 'lookback-list', 'assessment', // 改革闭环
      'case-collection', 'promotion-nudges', 'promotion-brief']); // 试点与复制推广
    expect(body['jobsEnabled']).toBe(true);
    expect(body['bot']).toMatchObject({ name: '台账机器人' });
  });

  it('a group message with @bot reaches the bot signed and encrypted; the receipt card shows in the chat', async () => {
    const sent = await post('/api/messages', { asOpenId: LIAISON, chatId: SHIBAO, text: '进展 QY-2026-018 已完成执法事项目录初稿 70%', mentionBot: true });
    expect(sent.status).toBe(202);
    const messageId = sent.body['messageId'] as string;
    const receipt = await waitFor(async () => (await messages(SHIBAO)).find((m) => m.parentId === messageId), 10_000, '回执卡片');
    expect(receipt.msgType).toBe('interactive');
    expect(title(receipt)).toBe('进展已记录');
    expect(receipt.replyTo).toMatchObject({ senderName: '程功' });
    const mine = (await messages(SHIBAO)).find((m) => m.messageId === messageId)!;
    expect(mine.text).toBe('@台账机器人 进展 QY-2026-018 已完成执法事项目录初稿 70%');
    // It really went through the webhook: the bot verified and acknowledged a delivery.
    const deliveries = h.sandbox.fake.requests.filter((r) => r.api === 'im.message.reply' && r.code === 0);
    expect(deliveries.length).toBeGreaterThan(0);
  });

  it('private chat: no @ needed; the help card arrives in the p2p chat', async () => {
    const sent = await post('/api/messages', { asOpenId: LIAISON, p2p: true, text: '帮助' });
    expect(sent.status).toBe(202);
    const p2p = sent.body['chatId'] as string;
    expect(p2p).toBe(h.sandbox.fake.p2pChatId(LIAISON));
    const reply = await waitFor(async () => (await messages(`p2p:${LIAISON}`)).find((m) => m.sender.type === 'bot'), 10_000, '帮助卡片');
    expect(title(reply)).toContain('使用说明');
  });

  it('群列表 names every group the sandbox bot is in (recorded at start as Feishu\'s bot-added events would)', async () => {
    const OFFICE = 'ou_demo_office_zhou';
    await post('/api/messages', { asOpenId: OFFICE, p2p: true, text: '群列表' });
    const reply = await waitFor(async () => (await messages(`p2p:${OFFICE}`)).find((m) => m.sender.type === 'bot' && JSON.stringify(m.content).includes('机器人所在的群')), 10_000, '群列表');
    const text = JSON.stringify(reply.content);
    expect(text).not.toContain('未知群名');
    expect(text).toMatch(/石堡镇[^（]*工作群（oc_demo_shibao）：已绑定 石堡镇/);
  });

  it('clicking 签收 on a 任务交办单 updates the card in place', async () => {
    const dispatch = await waitFor(async () => (await messages(CHENGGUAN)).find((m) => title(m) === '任务交办单'), 10_000, '任务交办单');
    const button = JSON.stringify(dispatch.content).match(/"value":\{"a":"sign","t":(\d+)\}/);
    expect(button).not.toBeNull();
    const denied = await post('/api/cards/click', { asOpenId: LIAISON, messageId: dispatch.messageId, value: { a: 'sign', t: Number(button![1]) } });
    expect(denied.status).toBe(403); // 程功 is not in 城关街道工作群
    const r = await post('/api/cards/click', { asOpenId: CG_LIAISON, messageId: dispatch.messageId, value: { a: 'sign', t: Number(button![1]) } });
    expect(r.status).toBe(200);
    expect(r.body['toast']).toMatchObject({ type: 'success', content: '已签收' });
    expect(r.body['updated']).toBe(true);
    const after = (await messages(CHENGGUAN)).find((m) => m.messageId === dispatch.messageId)!;
    expect(after.version).toBe(1);
    expect(JSON.stringify(after.content)).toContain('已签收 · 袁媛');
  });

  it('clock and jobs: jump to 2026-07-01 10:00 and run the half-year tally into the all-hands group', async () => {
    const bad = await post('/api/clock', { at: '七月一日' });
    expect(bad.status).toBe(400);
    expect(bad.body['error']).toContain('北京时间');
    const jumped = await post('/api/clock', { at: '2026-07-01T10:00' });
    expect(jumped.status).toBe(200);
    expect(Math.abs(new Date(jumped.body['now'] as string).getTime() - Date.parse('2026-07-01T02:00:00Z'))).toBeLessThan(5_000);
    expect(Math.abs(h.clock.now().getTime() - Date.parse('2026-07-01T02:00:00Z'))).toBeLessThan(5_000);

    const run = await post('/api/jobs/half-year/run', {});
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ name: 'half-year', label: '半年一通报' });
    const tally = await waitFor(async () => (await messages(ALL_HANDS_CHAT_ID)).find((m) => m.sender.type === 'bot'), 10_000, '半年通报');
    expect(tally.msgType).toBe('interactive');
    expect(JSON.stringify(tally.content)).toMatch(/半年/);
    // A preview afterwards sends nothing new and says so.
    const preview = await post('/api/jobs/half-year/run', { dryRun: true });
    expect(preview.status).toBe(200);
    expect((preview.body['summary'] as string[])[0]).toMatch(/^预览：将发送 0 条消息（另有 \d+ 条此前已发送，不会重复）/);
    expect(preview.body['sends']).toEqual(expect.arrayContaining([expect.stringMatching(/^全体工作群：半年一通报.*（此前已发送）$/)]));
    expect(JSON.stringify(preview.body['result'])).not.toContain('"schema":"2.0"'); // cards by title only

    const unknown = await post('/api/jobs/weekly/run', {});
    expect(unknown.status).toBe(404);
    expect(unknown.body['error']).toContain('没有这个定时任务');
    await post('/api/clock', { at: 'now' });
  });

  // The outbox runs on real time (runJob's outboxClock defaults to the system clock), so what a job
  // queues after a jump FORWARD is due at once, not when real time reaches the business time.
  it('clock forward: jump to 2026-12-01 10:00 and the honour roll arrives in the all-hands group', async () => {
    const before = (await messages(ALL_HANDS_CHAT_ID)).filter((m) => m.sender.type === 'bot').length;
    expect((await post('/api/clock', { at: '2026-12-01T10:00' })).status).toBe(200);
    try {
      const run = await post('/api/jobs/honour-roll/run', {});
      expect(run.status).toBe(200);
      expect((run.body['summary'] as string[])[0]).toMatch(/本次新发送 [1-9]/);
      const roll = await waitFor(
        async () => (await messages(ALL_HANDS_CHAT_ID)).filter((m) => m.sender.type === 'bot').slice(before).find((m) => title(m).includes('光荣榜')),
        4_000,
        '光荣榜',
      );
      expect(roll.msgType).toBe('interactive');
    } finally {
      await post('/api/clock', { at: 'now' });
    }
  });

  it('answers bad requests in Chinese', async () => {
    const cases: [string, unknown, number, string][] = [
      ['/api/messages', { asOpenId: LIAISON, chatId: SHIBAO, text: '   ' }, 400, '请输入消息内容'],
      ['/api/messages', { asOpenId: LIAISON, text: '帮助' }, 400, '二者选一'],
      ['/api/messages', { asOpenId: 'ou_nobody', p2p: true, text: '帮助' }, 400, '沙箱里没有这个人'],
      ['/api/messages', { asOpenId: LIAISON, chatId: CHENGGUAN, text: '帮助' }, 403, '不在「城关街道工作群」中'],
      ['/api/messages', { asOpenId: LIAISON, chatId: 'oc_nope', text: '帮助' }, 404, '没有这个群'],
      ['/api/cards/click', { asOpenId: LIAISON, messageId: 'om_nope', value: {} }, 404, '没有这张卡片'],
      ['/api/cards/click', { messageId: 'om_nope' }, 400, '缺少操作人'],
    ];
    for (const [url, body, status, text] of cases) {
      const r = await post(url, body);
      expect(r.status, `${url} ${JSON.stringify(body)}`).toBe(status);
      expect(r.body['error']).toContain(text);
    }
    const raw = await fetch(`${h.base}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{not json' });
    expect(raw.status).toBe(400);
    expect(((await raw.json()) as { error: string }).error).toBe('请求体不是有效的 JSON');
    expect((await get('/api/chats/oc_nope/messages')).status).toBe(404);
  });

  it('streams bot messages and card updates over Server-Sent Events', async () => {
    const ac = new AbortController();
    const res = await fetch(`${h.base}/api/events`, { signal: ac.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let buffer = '';
    const seen: { event: string; data: MessageView }[] = [];
    const pump = (async () => {
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let i;
        while ((i = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event && data) seen.push({ event, data: JSON.parse(data) as MessageView });
        }
      }
    })();
    const sent = await post('/api/messages', { asOpenId: LIAISON, chatId: SHIBAO, text: '我的任务' });
    const id = sent.body['messageId'] as string;
    await waitFor(() => seen.find((e) => e.event === 'message' && e.data.messageId === id), 5_000, '用户消息事件');
    const reply = await waitFor(() => seen.find((e) => e.event === 'message' && e.data.parentId === id), 10_000, '机器人回复事件');
    expect(title(reply.data)).toContain('在办事项');
    ac.abort();
    await pump;
  });

  it('parses the clock input as Beijing time', () => {
    expect(parseSandboxTime('2026-07-01T10:00')?.toISOString()).toBe('2026-07-01T02:00:00.000Z');
    expect(parseSandboxTime('2026-07-01 10:00:30')?.toISOString()).toBe('2026-07-01T02:00:30.000Z');
    expect(parseSandboxTime('2026-07-01')?.toISOString()).toBe('2026-06-30T16:00:00.000Z');
    expect(parseSandboxTime('2026-07-01T10:00:00Z')?.toISOString()).toBe('2026-07-01T10:00:00.000Z');
    expect(parseSandboxTime('明天')).toBeUndefined();
    expect(parseSandboxTime('2026-13-45T10:00')).toBeUndefined();
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin, for reading and for acting as someone', async () => {
    const port = new URL(h.base).port;
    const raw = (method: string, path: string, headers: Record<string, string>, body?: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on('error', reject);
        req.end(body);
      });
    const say = JSON.stringify({ asOpenId: LIAISON, chatId: SHIBAO, text: '进展 QY-2026-018 恶意网页代发 90%', mentionBot: true });
    const json = { 'content-type': 'application/json' };
    for (const host of [`rebind.attacker.example:${port}`, `attacker.example`, `127.0.0.1.attacker.example:${port}`]) {
      const state = await raw('GET', '/api/state', { host });
      expect(state.status, host).toBe(403);
      expect(JSON.parse(state.body).msg).toContain('沙箱页面只接受本机地址访问');
      expect((await raw('POST', '/api/messages', { host, ...json }, say)).status).toBe(403);
      expect((await raw('GET', '/', { host })).status).toBe(403);
    }
    const before = (await messages(SHIBAO)).length;
    const crossSite = await raw('POST', '/api/messages', { host: `127.0.0.1:${port}`, origin: 'https://attacker.example', ...json }, say);
    expect(crossSite.status).toBe(403);
    expect(JSON.parse(crossSite.body).msg).toBe('沙箱页面不接受其他网站发来的请求');
    expect(await messages(SHIBAO)).toHaveLength(before);
    // This machine, by any local name, and the page's own origin: served.
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) expect((await raw('GET', '/api/state', { host })).status, host).toBe(200);
    expect((await raw('POST', '/api/clock', { host: `localhost:${port}`, origin: `http://localhost:${port}`, ...json }, JSON.stringify({ at: 'now' }))).status).toBe(200);
    expect(isLocalHost(undefined)).toBe(false);
  });

  it('a person recalls their own message: the bot withdraws what it recorded and the receipt says so', async () => {
    const sent = await post('/api/messages', { asOpenId: LIAISON, chatId: SHIBAO, text: '进展 QY-2026-011 发错了的进展 95%', mentionBot: true });
    const messageId = sent.body['messageId'] as string;
    const receipt = await waitFor(async () => (await messages(SHIBAO)).find((m) => m.parentId === messageId), 10_000, '回执卡片');
    expect(title(receipt)).toBe('进展已记录');
    expect((await post(`/api/messages/${messageId}/recall`, { asOpenId: CG_LIAISON })).status).toBe(403);
    const recalled = await post(`/api/messages/${messageId}/recall`, { asOpenId: LIAISON });
    expect(recalled.status).toBe(202);
    expect(recalled.body['message']).toMatchObject({ recalled: true });
    const updated = await waitFor(async () => (await messages(SHIBAO)).find((m) => m.messageId === receipt.messageId && m.version > 0), 10_000, '撤回后的回执');
    expect(title(updated)).toBe('进展已撤回');
    expect((await post(`/api/messages/${messageId}/recall`, { asOpenId: LIAISON })).status).toBe(409);
  });
});
