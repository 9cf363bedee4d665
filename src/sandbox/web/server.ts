// The sandbox's web chat page and its small JSON API (express), on top of the fake platform.
//
//   GET  /                          the page (static files in ./public, no build step)
//   GET  /api/state                 who can be picked, the groups, the sandbox time, the jobs
//   GET  /api/chats/:chatId/messages  a group (oc_…), a p2p chat id, or "p2p:<open_id>"
//   POST /api/messages              {asOpenId, chatId | p2p, text, mentionBot} → a real signed +
//                                   encrypted im.message.receive_v1 webhook to the bot
//   POST /api/cards/click           {asOpenId, messageId, value, formValue?} → card.action.trigger
//   POST /api/clock                 {at: "2026-07-01T10:00"} (北京时间) or {at: "now"}
//   POST /api/jobs/:name/run        {dryRun?} → runJob(name, clock.now(), {dryRun})
//   GET  /api/events                Server-Sent Events: message, update, delivery, clock, job
//
// The page never talks to the bot directly: everything goes through FakeFeishu, so what the page
// shows is what Feishu would show.
import path from 'node:path';
import type { Server, ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { OffsetClock } from '../../clock.js';
import type { FakeFeishu, FakeMessage, FakeMessageUpdate } from '../fake-feishu.js';
import { randomId } from '../fake-feishu-payloads.js';

export interface SandboxPerson {
  openId: string;
  name: string;
  /** Unit name, or 县级领导 for leaders without a unit. */
  unit: string;
  /** Role labels as the office writes them, e.g. 改革联络员. */
  roles: string;
  isOffice: boolean;
  mobile?: string;
  email?: string;
}

export interface SandboxChat {
  chatId: string;
  name: string;
  unit?: string;
  memberOpenIds: string[];
}

export interface SandboxDirectory {
  people: SandboxPerson[];
  chats: SandboxChat[];
}

export interface SandboxWebOptions {
  fake: FakeFeishu;
  clock: OffsetClock;
  directory: SandboxDirectory;
  jobs: { name: string; label: string }[];
  runJob?: (name: string, at: Date, opts: { dryRun: boolean }) => Promise<unknown>;
  tenantName: string;
  logger: Logger;
}

export const PUBLIC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'public');

/** What the page gets for one message. */
export interface MessageView {
  /** A file message: name, size and the page's download link. */
  file?: { key: string; name: string; size: number; url: string };
  seq: number;
  messageId: string;
  chatId: string;
  chatType: 'p2p' | 'group';
  peerOpenId?: string;
  sender: { type: 'bot'; name: string } | { type: 'user'; openId: string; name: string };
  msgType: string;
  /** Text and post messages: the text as a person reads it (@-mentions by name). */
  text?: string;
  /** Parsed content (the card JSON for interactive messages), latest version. */
  content: unknown;
  createdAt: string;
  updatedAt?: string;
  updatedVia?: FakeMessageUpdate['via'];
  version: number;
  parentId?: string;
  replyTo?: { senderName: string; snippet: string };
  /** The sender recalled it (撤回): shown as 「此消息已撤回」. */
  recalled?: boolean;
}

const CLIENT_ERRORS: Record<number, string> = {
  200341: '机器人未在 3 秒内响应（200341），请稍后重试',
  200671: '机器人返回了错误状态（200671）',
  200672: '机器人返回的内容格式有误（200672）',
  200673: '机器人返回的卡片无法显示（200673）',
  200830: '卡片 JSON 2.0 不能更新为 1.0（200830）',
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const str = (what: string) => z.string({ error: `缺少${what}` }).min(1, { error: `缺少${what}` });

const fileBody = z.object({
  asOpenId: str('发送人（asOpenId）'),
  chatId: z.string({ error: 'chatId 应为字符串' }).min(1, { error: 'chatId 不能为空' }).optional(),
  p2p: z.boolean({ error: 'p2p 应为 true 或 false' }).optional(),
  fileName: z.string({ error: '缺少文件名（fileName）' }).trim().min(1, { error: '缺少文件名' }).max(200, { error: '文件名最多 200 字' }),
  base64: z.string({ error: '缺少文件内容（base64）' }),
  /** Reply to this message (a 回执: the file becomes 佐证材料). */
  parentId: z.string().min(1).optional(),
});

const messageBody = z
  .object({
    asOpenId: str('发送人（asOpenId）'),
    chatId: z.string({ error: 'chatId 应为字符串' }).min(1, { error: 'chatId 不能为空' }).optional(),
    p2p: z.boolean({ error: 'p2p 应为 true 或 false' }).optional(),
    text: z
      .string({ error: '缺少消息内容（text）' })
      .trim()
      .min(1, { error: '请输入消息内容' })
      .max(2000, { error: '消息最多 2000 字' }),
    mentionBot: z.boolean({ error: 'mentionBot 应为 true 或 false' }).optional(),
  })
  .refine((b) => Boolean(b.chatId) !== Boolean(b.p2p), { error: '请指定群（chatId）或私聊（p2p: true），二者选一' });

const clickBody = z.object({
  asOpenId: str('操作人（asOpenId）'),
  messageId: str('卡片消息 ID（messageId）'),
  value: z.unknown(),
  formValue: z.record(z.string(), z.unknown(), { error: 'formValue 应为对象' }).optional(),
  tag: z.string().optional(),
  name: z.string().optional(),
});

const clockBody = z.object({ at: str('时间（at）') });
const recallBody = z.object({ asOpenId: str('撤回人（asOpenId）') });

const jobBody = z.object({ dryRun: z.boolean({ error: 'dryRun 应为 true 或 false' }).optional() });

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw new HttpError(400, r.error.issues[0]?.message ?? '请求内容有误');
  return r.data;
}

/** "2026-07-01T10:00" (北京时间, from <input type=datetime-local>), or an ISO instant with offset. */
export function parseSandboxTime(at: string): Date | undefined {
  const s = at.trim();
  const local = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?$/.exec(s);
  const iso = local ? `${local[1]}T${local[2]}${local[3] ?? ':00'}+08:00` : /^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00+08:00` : s;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(iso)) return undefined;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Job results go to the page as JSON: no BigInt, no cycles, cards by title only, not too big. */
function jsonSafe(value: unknown): unknown {
  const seen = new WeakSet<object>();
  try {
    const text = JSON.stringify(value, (k, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (k === 'card' && v && typeof v === 'object' && (v as Record<string, unknown>)['schema'] === '2.0') return '[卡片 JSON 2.0]';
      if (v instanceof Map) return Object.fromEntries(v);
      if (v instanceof Set) return [...v];
      if (v && typeof v === 'object') {
        if (seen.has(v)) return '[循环引用]';
        seen.add(v);
      }
      return v;
    });
    if (text === undefined) return null;
    return text.length > 100_000 ? { 提示: '结果过大，未显示' } : (JSON.parse(text) as unknown);
  } catch {
    return String(value);
  }
}

/** A job report (src/jobs: JobRunReport) in a few Chinese lines for the page. */
export function describeJobResult(result: unknown, dryRun: boolean): { summary: string[]; sends: string[] } {
  const r = result as { messages?: unknown; enqueued?: unknown; alreadyQueued?: unknown; notes?: unknown } | null;
  if (!r || typeof r !== 'object' || !Array.isArray(r.messages)) return { summary: [], sends: [] };
  const msgs = r.messages as { title?: string; recipient?: { label?: string }; alreadyQueued?: boolean }[];
  const already = typeof r.alreadyQueued === 'number' ? r.alreadyQueued : msgs.filter((m) => m.alreadyQueued).length;
  const summary = [
    dryRun
      ? `预览：将发送 ${msgs.length - already} 条消息${already ? `（另有 ${already} 条此前已发送，不会重复）` : ''}，未实际发送`
      : `计划 ${msgs.length} 条消息，本次新发送 ${typeof r.enqueued === 'number' ? r.enqueued : '?'} 条${already ? `，${already} 条此前已发送（不重复发送）` : ''}`,
    ...(Array.isArray(r.notes) ? r.notes.filter((n): n is string => typeof n === 'string') : []),
  ];
  const sends = msgs.slice(0, 50).map((m) => `${m.recipient?.label ?? '—'}：${m.title ?? '—'}${m.alreadyQueued ? '（此前已发送）' : ''}`);
  if (msgs.length > 50) sends.push(`…共 ${msgs.length} 条`);
  return { summary, sends };
}

export function createSandboxWebApp(opts: SandboxWebOptions): { app: express.Express; dispose(): void } {
  const { fake, clock, directory, logger } = opts;
  const people = new Map(directory.people.map((p) => [p.openId, p]));
  const groups = new Map(directory.chats.map((c) => [c.chatId, c]));
  const jobs = new Map(opts.jobs.map((j) => [j.name, j]));

  // Arrival order (the clock can jump backwards, so createdAt does not order messages).
  const seqs = new WeakMap<FakeMessage, number>();
  let nextSeq = 1;
  const seqOf = (m: FakeMessage) => {
    let s = seqs.get(m);
    if (s === undefined) {
      s = nextSeq++;
      seqs.set(m, s);
    }
    return s;
  };
  for (const m of fake.messages) seqOf(m);
  /** Sandbox (business) time when each message arrived and was last updated: the fake runs on real time. */
  const sandboxTimes = new WeakMap<FakeMessage, { createdAt: Date; updatedAt?: Date }>();
  /** Names for the @_user_N placeholders of messages typed on the page. */
  const mentionNames = new Map<string, string[]>();
  /** event_id → where to show delivery problems. */
  const pendingEvents = new Map<string, { chatId: string; messageId: string }>();

  const nameOf = (openId: string) => people.get(openId)?.name ?? fake.users.get(openId)?.name ?? openId;

  function displayText(m: FakeMessage): string | undefined {
    const c = m.content as Record<string, unknown> | null;
    if (!c || typeof c !== 'object') return undefined;
    if (m.msgType === 'text' && typeof c['text'] === 'string') {
      const names = mentionNames.get(m.messageId);
      return (c['text'] as string)
        .replace(/@_user_(\d+)/g, (all, n: string) => {
          const name = names?.[Number(n) - 1];
          return name ? `@${name}` : m.sender.type === 'user' && n === '1' ? `@${fake.bot.name}` : all;
        })
        .replace(/<at user_id="all"><\/at>/g, '@所有人')
        .replace(/<at user_id="([^"]*)">([^<]*)<\/at>/g, (_all, id: string, name: string) => `@${name || nameOf(id)}`);
    }
    if (m.msgType === 'post') {
      const title = typeof c['title'] === 'string' ? c['title'] : '';
      const lines = Array.isArray(c['content'])
        ? (c['content'] as unknown[]).map((line) =>
            Array.isArray(line)
              ? line
                  .map((el: Record<string, unknown>) => (el['tag'] === 'at' ? `@${String(el['user_name'] ?? '')}` : String(el['text'] ?? '')))
                  .join('')
              : '',
          )
        : [];
      return [title, ...lines].filter(Boolean).join('\n');
    }
    if (m.msgType === 'image') return '[图片]';
    if (m.msgType === 'file') return '[文件]';
    return undefined;
  }

  function snippet(m: FakeMessage): string {
    const t = displayText(m);
    if (t !== undefined) return t.replace(/\s+/g, ' ').slice(0, 60);
    const c = m.content as Record<string, unknown> | null;
    const title = ((c?.['header'] as Record<string, unknown> | undefined)?.['title'] as Record<string, unknown> | undefined)?.['content'];
    return typeof title === 'string' ? `[卡片] ${title}` : `[${m.msgType}]`;
  }

  function view(m: FakeMessage): MessageView {
    const parent = m.parentId ? fake.getMessage(m.parentId) : undefined;
    const last = m.updates.at(-1);
    const text = displayText(m);
    const times = sandboxTimes.get(m);
    const updatedAt = last ? (times?.updatedAt ?? last.at) : undefined;
    return {
      seq: seqOf(m),
      messageId: m.messageId,
      chatId: m.chatId,
      chatType: m.chatType,
      ...(m.peerOpenId ? { peerOpenId: m.peerOpenId } : {}),
      sender: m.sender.type === 'bot' ? { type: 'bot', name: fake.bot.name } : { type: 'user', openId: m.sender.openId, name: nameOf(m.sender.openId) },
      msgType: m.msgType,
      ...(text !== undefined ? { text } : {}),
      content: m.content,
      createdAt: (times?.createdAt ?? m.createdAt).toISOString(),
      ...(last && updatedAt ? { updatedAt: updatedAt.toISOString(), updatedVia: last.via } : {}),
      version: m.updates.length,
      ...(m.parentId ? { parentId: m.parentId } : {}),
      ...(parent ? { replyTo: { senderName: parent.sender.type === 'bot' ? fake.bot.name : nameOf(parent.sender.openId), snippet: snippet(parent) } } : {}),
      ...(m.recalledAt ? { recalled: true } : {}),
      ...fileOf(m),
    };
  }

  /** A file message: its name and size and where the page downloads it (GET /api/files/:key). */
  function fileOf(m: FakeMessage): { file?: { key: string; name: string; size: number; url: string } } {
    if (m.msgType !== 'file') return {};
    const key = (m.content as { file_key?: unknown } | null)?.file_key;
    const stored = typeof key === 'string' ? fake.files.get(key) : undefined;
    if (!stored || typeof key !== 'string') return {};
    return { file: { key, name: stored.fileName, size: stored.bytes.length, url: `/api/files/${encodeURIComponent(key)}` } };
  }

  function requirePerson(openId: string) {
    const p = people.get(openId);
    if (!p) throw new HttpError(400, `沙箱里没有这个人：${openId}`);
    return p;
  }

  /** The group a person sends into (404 unknown, 403 not a member), or undefined for their private chat. */
  function groupToSpeakIn(groupId: string | undefined, sender: { openId: string; name: string }): string | undefined {
    if (!groupId) return undefined;
    const group = groups.get(groupId);
    if (!group) throw new HttpError(404, `没有这个群：${groupId}`);
    if (!group.memberOpenIds.includes(sender.openId)) throw new HttpError(403, `${sender.name}不在「${group.name}」中，不能在该群发言`);
    return group.chatId;
  }

  /** group id, p2p chat id or "p2p:<open_id>" → the chat. */
  function resolveChat(key: string): { chatId: string; name: string; type: 'group' | 'p2p'; peerOpenId?: string } {
    const group = groups.get(key);
    if (group) return { chatId: group.chatId, name: group.name, type: 'group' };
    const openId = key.startsWith('p2p:') ? key.slice(4) : directory.people.find((p) => fake.p2pChatId(p.openId) === key)?.openId;
    if (openId && people.has(openId)) {
      return { chatId: fake.p2pChatId(openId), name: `${nameOf(openId)} 与 ${fake.bot.name}的私聊`, type: 'p2p', peerOpenId: openId };
    }
    throw new HttpError(404, `没有这个会话：${key}`);
  }

  // --- live events -----------------------------------------------------------------------------

  const clients = new Set<ServerResponse>();
  const broadcast = (event: string, data: unknown) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of clients) res.write(frame);
  };
  const onMessage = (m: FakeMessage) => {
    seqOf(m);
    sandboxTimes.set(m, { createdAt: clock.now() });
    broadcast('message', view(m));
  };
  const onUpdate = (m: FakeMessage) => {
    sandboxTimes.set(m, { createdAt: sandboxTimes.get(m)?.createdAt ?? m.createdAt, updatedAt: clock.now() });
    broadcast('update', view(m));
  };
  const onDelivery = (d: { eventId: string; status?: number; error?: string; ms: number }) => {
    const where = pendingEvents.get(d.eventId);
    if (!where) return;
    if (d.status === 200) {
      pendingEvents.delete(d.eventId);
      return;
    }
    broadcast('delivery', {
      ...where,
      eventId: d.eventId,
      ok: false,
      text: `事件未被机器人确认（${d.error === 'timeout' ? '3 秒内无响应' : d.status ? `HTTP ${d.status}` : (d.error ?? '网络错误')}），飞书将按 15 秒、5 分钟、1 小时、6 小时重新推送`,
    });
  };
  fake.on('message', onMessage);
  fake.on('update', onUpdate);
  fake.on('delivery', onDelivery);
  const heartbeat = setInterval(() => {
    for (const res of clients) res.write(': ping\n\n');
  }, 15_000);
  heartbeat.unref();

  // --- routes ----------------------------------------------------------------------------------

  const app = express();
  app.disable('x-powered-by');
  app.use(localOnly);
  // A person sends a file (the page's 📎): base64 in JSON, up to Feishu's 30 MB (fake-feishu/files.ts).
  app.post('/api/files', express.json({ limit: '45mb' }), (req, res) => {
    const body = parse(fileBody, req.body);
    const sender = requirePerson(body.asOpenId);
    const chatId = groupToSpeakIn(body.chatId, sender);
    const bytes = Buffer.from(body.base64, 'base64');
    if (bytes.length === 0) throw new HttpError(400, '文件是空的，飞书不允许发送空文件');
    if (bytes.length > 30 * 1024 * 1024) throw new HttpError(400, '文件超过 30 MB');
    const messageId = randomId('om_', 16);
    const where = { chatId: chatId ?? fake.p2pChatId(sender.openId), messageId };
    void fake
      .sendUserFile({ senderOpenId: sender.openId, ...(chatId ? { chatId } : {}), fileName: body.fileName, bytes, messageId, ...(body.parentId ? { parentId: body.parentId } : {}) })
      .then((r) => {
        if (!r.acked) broadcast('delivery', { ...where, eventId: r.eventId, ok: false, text: '多次重新推送后机器人仍未确认，这个文件没有送达机器人' });
      })
      .catch((err: unknown) => {
        logger.warn({ err: String(err) }, '沙箱文件投递失败');
        broadcast('delivery', { ...where, ok: false, text: `投递失败：${String((err as Error).message ?? err)}` });
      });
    const stored = fake.getMessage(messageId);
    res.status(202).json({ messageId, chatId: where.chatId, ...(stored ? { message: view(stored) } : {}) });
  });

  // The bytes of a file message (the page's download link).
  app.get('/api/files/:key', (req, res) => {
    const file = fake.files.get(String(req.params['key']));
    if (!file) throw new HttpError(404, '没有这个文件');
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`);
    res.end(file.bytes);
  });

  app.use(express.json({ limit: '256kb' }));
  app.use(express.static(PUBLIC_DIR, { index: 'index.html', etag: false, lastModified: false, setHeaders: (res) => res.setHeader('Cache-Control', 'no-store') }));

  app.get('/api/state', (_req, res) => {
    res.json({
      tenantName: opts.tenantName,
      bot: { name: fake.bot.name, openId: fake.bot.openId },
      now: clock.now().toISOString(),
      people: directory.people.map((p) => ({ openId: p.openId, name: p.name, unit: p.unit, roles: p.roles, isOffice: p.isOffice, p2pChatId: fake.p2pChatId(p.openId) })),
      chats: directory.chats.map((c) => ({ chatId: c.chatId, name: c.name, ...(c.unit ? { unit: c.unit } : {}), memberOpenIds: c.memberOpenIds })),
      jobs: opts.jobs,
      jobsEnabled: Boolean(opts.runJob),
    });
  });

  app.get('/api/chats/:chatId/messages', (req, res) => {
    const chat = resolveChat(String(req.params['chatId']));
    const messages = fake.messages.filter((m) => m.chatId === chat.chatId).map(view).sort((a, b) => a.seq - b.seq);
    res.json({ chat, messages });
  });

  app.post('/api/messages', (req, res) => {
    const body = parse(messageBody, req.body);
    const sender = requirePerson(body.asOpenId);
    const chatId = groupToSpeakIn(body.chatId, sender);
    const mentionBot = chatId ? (body.mentionBot ?? true) : false;
    const messageId = randomId('om_', 16);
    const eventId = randomId('', 16);
    mentionNames.set(messageId, mentionBot ? [fake.bot.name] : []);
    const where = { chatId: chatId ?? fake.p2pChatId(sender.openId), messageId };
    pendingEvents.set(eventId, where);
    // Delivery (with Feishu's re-deliveries) runs on; the page hears about it over /api/events.
    void fake
      .deliverMessageEvent({ senderOpenId: sender.openId, ...(chatId ? { chatId } : {}), text: body.text, mentionBot, messageId, eventId })
      .then((r) => {
        pendingEvents.delete(eventId);
        if (!r.acked) broadcast('delivery', { ...where, eventId, ok: false, text: '多次重新推送后机器人仍未确认，这条消息没有送达机器人' });
      })
      .catch((err: unknown) => {
        pendingEvents.delete(eventId);
        logger.warn({ err: String(err) }, '沙箱消息投递失败');
        broadcast('delivery', { ...where, eventId, ok: false, text: `投递失败：${String((err as Error).message ?? err)}` });
      });
    // The fake stored (and announced) the user's message synchronously, before its first await.
    const stored = fake.getMessage(messageId);
    res.status(202).json({ messageId, eventId, chatId: where.chatId, ...(stored ? { message: view(stored) } : {}) });
  });

  // A person recalls (撤回) a message they sent: Feishu pushes im.message.recalled_v1 (fake-feishu/messages.ts).
  app.post('/api/messages/:messageId/recall', (req, res) => {
    const body = parse(recallBody, req.body);
    const person = requirePerson(body.asOpenId);
    const msg = fake.getMessage(String(req.params['messageId']));
    if (!msg || msg.sender.type !== 'user') throw new HttpError(404, '没有这条消息');
    if (msg.sender.openId !== person.openId) throw new HttpError(403, '只能撤回自己发送的消息');
    if (msg.recalledAt) throw new HttpError(409, '这条消息已经撤回');
    void fake.recallMessage(msg.messageId).catch((err: unknown) => logger.warn({ err: String(err) }, '沙箱撤回事件投递失败'));
    broadcast('update', view(msg));
    res.status(202).json({ message: view(msg) });
  });

  app.post('/api/cards/click', async (req, res) => {
    const body = parse(clickBody, req.body);
    const operator = requirePerson(body.asOpenId);
    const msg = fake.getMessage(body.messageId);
    if (!msg || msg.sender.type !== 'bot' || msg.msgType !== 'interactive') throw new HttpError(404, '没有这张卡片（或它不是机器人发送的卡片）');
    const group = groups.get(msg.chatId);
    const canSee = group ? group.memberOpenIds.includes(operator.openId) : msg.peerOpenId === operator.openId;
    if (!canSee) throw new HttpError(403, `${operator.name}看不到这张卡片（不在该会话中）`);
    const result = await fake.clickCard({
      messageId: msg.messageId,
      operatorOpenId: operator.openId,
      ...(body.value !== undefined ? { value: body.value } : {}),
      ...(body.formValue ? { formValue: body.formValue } : {}),
      ...(body.tag ? { tag: body.tag } : {}),
      ...(body.name ? { name: body.name } : {}),
    });
    res.json({
      ...(result.toast ? { toast: result.toast } : {}),
      ...(result.clientError ? { clientError: result.clientError, clientErrorText: CLIENT_ERRORS[result.clientError] ?? `卡片交互失败（${result.clientError}）` } : {}),
      ...(result.expired ? { clientErrorText: result.expired.notice } : {}),
      updated: result.card !== undefined,
      message: view(msg),
    });
  });

  app.post('/api/clock', (req, res) => {
    const body = parse(clockBody, req.body);
    const at = body.at.trim() === 'now' ? new Date() : parseSandboxTime(body.at);
    if (!at) throw new HttpError(400, `时间格式应为 2026-07-01T10:00（北京时间），收到「${body.at.slice(0, 40)}」`);
    clock.jumpTo(at);
    const now = clock.now().toISOString();
    logger.info({ now }, '沙箱时钟已跳转');
    broadcast('clock', { now });
    res.json({ now });
  });

  app.post('/api/jobs/:name/run', async (req, res) => {
    const name = String(req.params['name']);
    const job = jobs.get(name);
    if (!job) throw new HttpError(404, `没有这个定时任务：${name}。可选：${opts.jobs.map((j) => j.name).join('、')}`);
    if (!opts.runJob) throw new HttpError(501, '沙箱没有接入定时任务（startSandbox 未传入 runJob）');
    const body = parse(jobBody, req.body);
    const at = clock.now();
    try {
      const dryRun = body.dryRun ?? false;
      const result = await opts.runJob(name, at, { dryRun });
      broadcast('job', { name, label: job.label, at: at.toISOString(), ok: true });
      res.json({ name, label: job.label, at: at.toISOString(), dryRun, ...describeJobResult(result, dryRun), result: jsonSafe(result) });
    } catch (err) {
      logger.warn({ job: name, err: String(err) }, '沙箱运行定时任务失败');
      broadcast('job', { name, label: job.label, at: at.toISOString(), ok: false });
      throw new HttpError(500, `运行「${job.label}」失败：${(err as Error).message ?? String(err)}`);
    }
  });

  app.get('/api/events', (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write(`retry: 1000\nevent: hello\ndata: ${JSON.stringify({ now: clock.now().toISOString() })}\n\n`);
    clients.add(res);
    req.on('close', () => clients.delete(res));
  });

  app.use('/api', (_req, _res) => {
    throw new HttpError(404, '没有这个接口');
  });

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof HttpError) {
      res.status(err.status).json({ error: err.message });
      return;
    }
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.parse.failed') {
      res.status(400).json({ error: '请求体不是有效的 JSON' });
      return;
    }
    if (e.type === 'entity.too.large') {
      res.status(413).json({ error: '请求体过大' });
      return;
    }
    logger.error({ err: String(err) }, '沙箱页面接口出错');
    res.status(500).json({ error: `沙箱内部错误：${e.message ?? String(err)}` });
  });

  return {
    app,
    dispose() {
      clearInterval(heartbeat);
      fake.off('message', onMessage);
      fake.off('update', onUpdate);
      fake.off('delivery', onDelivery);
      for (const res of clients) res.end();
      clients.clear();
    },
  };
}

/**
 * The page has no login: anyone who reaches it acts as any person. It listens on 127.0.0.1, but a
 * web page elsewhere can still reach it by DNS rebinding (its own domain resolved to 127.0.0.1), so
 * the Host header must name this machine: localhost or an IP address, never a domain. Requests
 * that change something must not come from another site's page (Origin).
 */
export function isLocalHost(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${hostHeader}`).hostname;
  } catch {
    return false;
  }
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  if (hostname.startsWith('[') && hostname.endsWith(']')) return isIP(hostname.slice(1, -1)) === 6;
  return isIP(hostname) === 4;
}

function localOnly(req: Request, res: Response, next: NextFunction): void {
  const host = req.headers.host;
  if (!isLocalHost(host)) {
    res.status(403).json({ msg: `沙箱页面只接受本机地址访问（127.0.0.1 或 localhost），拒绝 Host：${String(host ?? '（无）').slice(0, 100)}` });
    return;
  }
  const origin = req.headers.origin;
  if (req.method !== 'GET' && req.method !== 'HEAD' && origin !== undefined) {
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = undefined;
    }
    if (originHost !== host) {
      res.status(403).json({ msg: '沙箱页面不接受其他网站发来的请求' });
      return;
    }
  }
  next();
}

export async function startSandboxWeb(opts: SandboxWebOptions & { host: string; port: number }): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const { app, dispose } = createSandboxWebApp(opts);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(opts.port, opts.host, () => resolve(s));
    s.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`沙箱页面端口 ${opts.port} 已被占用：请设置 SANDBOX_PORT 为其他端口（0 表示任意空闲端口）`) : err),
    );
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host;
  return {
    url: `http://${shownHost}:${port}/`,
    server,
    async close() {
      dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
