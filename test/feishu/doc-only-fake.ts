// A strict Feishu that knows only what the docs say — written from the doc pages, not from the
// sandbox fake (src/sandbox/fake-feishu) — for the path import → start → dispatch:
//   token, bot info, batch_get_id, message create. Anything else is refused (HTTP 404, recorded in
// `refused`), so a test can see the bot needing more than the docs promise.
// Options make the answers as unhelpful as the docs allow: the `mobile`/`email` echo in another
// form or left out, the list in another order, no `status` (it needs its own field scope).
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DocUser {
  openId: string;
  userId: string;
  name: string;
  /** As batch_get_id asks for it: 11 digits for the mainland, otherwise + country code. */
  mobile?: string;
  email?: string;
  resigned?: boolean;
}

export interface DocFakeOptions {
  users: DocUser[];
  /** Scopes granted; default: send as bot, batch_get_id, user_id field scope, status field scope. */
  scopes?: string[];
  /** How batch_get_id echoes `mobile`/`email` — the doc says only "通过手机号查询时会返回该值". */
  echo?: 'as-sent' | 'absent';
  /** The order of user_list — the doc promises none. */
  order?: 'as-sent' | 'reversed';
}

export interface DocMessage {
  messageId: string;
  receiveIdType: string;
  receiveId: string;
  msgType: string;
  content: unknown;
  uuid?: string;
}

export interface BatchCall {
  userIdType: string;
  body: { mobiles?: string[]; emails?: string[]; include_resigned?: boolean };
  answer: { user_id?: string; mobile?: string; email?: string }[];
}

const DEFAULT_SCOPES = ['im:message:send_as_bot', 'contact:user.id:readonly', 'contact:user.employee_id:readonly', 'contact:user.employee:readonly'];

export class DocOnlyFeishu {
  readonly appId = 'cli_a1b2c3d4e5f60718';
  readonly appSecret = 'doc-only-secret';
  readonly botOpenId = 'ou_doc_only_bot';
  readonly messages: DocMessage[] = [];
  readonly batchCalls: BatchCall[] = [];
  readonly refused: string[] = [];
  private readonly tokens = new Set<string>();
  private server!: http.Server;
  url = '';

  private constructor(private readonly opts: DocFakeOptions) {}

  /** message_id → what was sent, for clicks. */
  private readonly byMessageId = new Map<string, DocMessage>();

  /**
   * A click on a button of a card the bot sent: card.action.trigger (schema 2.0) POSTed to the
   * callback URL, encrypted with the Encrypt Key and signed, as the docs describe; returns the
   * bot's answer ({toast, card}).
   *  - body: https://open.feishu.cn/document/feishu-cards/card-callback-communication
   *  - encryption (AES-256-CBC, key sha256(Encrypt Key), IV first, base64) and the signature
   *    sha256(timestamp + nonce + Encrypt Key + body):
   *    https://open.feishu.cn/document/event-subscription-guide/callback-subscription/receive-and-handle-callbacks
   */
  async click(cardUrl: string, keys: { encryptKey: string; verificationToken: string }, messageId: string, operatorOpenId: string, value: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const msg = this.byMessageId.get(messageId);
    if (!msg) throw new Error(`no message ${messageId}`);
    const operator = this.opts.users.find((u) => u.openId === operatorOpenId)!;
    const plain = JSON.stringify({
      schema: '2.0',
      header: { event_id: randomBytes(16).toString('hex'), token: keys.verificationToken, create_time: String(Date.now() * 1000), event_type: 'card.action.trigger', tenant_key: 'doc_tenant', app_id: this.appId },
      event: {
        operator: { tenant_key: 'doc_tenant', user_id: operator.userId, open_id: operator.openId, union_id: `on_${operator.openId}` },
        token: `c-${randomBytes(16).toString('hex')}`,
        action: { value, tag: 'button', timezone: 'Asia/Shanghai' },
        host: 'im_message',
        context: { open_message_id: messageId, open_chat_id: `oc_p2p_${msg.receiveId}` },
      },
    });
    const key = createHash('sha256').update(keys.encryptKey).digest();
    const iv = randomBytes(16);
    const cipher = createCipheriv('aes-256-cbc', key, iv);
    const body = JSON.stringify({ encrypt: Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final()]).toString('base64') });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(8).toString('hex');
    const signature = createHash('sha256').update(timestamp + nonce + keys.encryptKey + body).digest('hex');
    const res = await fetch(cardUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-Lark-Request-Timestamp': timestamp, 'X-Lark-Request-Nonce': nonce, 'X-Lark-Signature': signature },
      body,
      signal: AbortSignal.timeout(3_000), // the callback must be answered within 3 s
    });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
  }

  static async start(opts: DocFakeOptions): Promise<DocOnlyFeishu> {
    const f = new DocOnlyFeishu(opts);
    f.server = http.createServer((req, res) => void f.handle(req, res));
    await new Promise<void>((r) => f.server.listen(0, '127.0.0.1', r));
    f.url = `http://127.0.0.1:${(f.server.address() as AddressInfo).port}`;
    return f;
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  private get scopes(): Set<string> {
    return new Set(this.opts.scopes ?? DEFAULT_SCOPES);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    let body: Record<string, unknown> = {};
    try {
      body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      return send(400, { code: 99992402, msg: 'field validation failed' });
    }
    const route = `${req.method} ${url.pathname}`;

    // https://open.feishu.cn/document/server-docs/authentication-management/access-token/tenant_access_token_internal
    // {app_id, app_secret} → top-level {code, msg, tenant_access_token, expire} (seconds).
    if (route === 'POST /open-apis/auth/v3/tenant_access_token/internal') {
      if (body['app_id'] !== this.appId || body['app_secret'] !== this.appSecret) return send(400, { code: 10014, msg: 'app secret invalid' });
      const token = `t-doc${this.tokens.size}${Date.now()}`;
      this.tokens.add(token);
      return send(200, { code: 0, msg: 'ok', tenant_access_token: token, expire: 7200 });
    }

    // Every other API: `Authorization: Bearer t-…`; none → 99991661, unknown → 99991663.
    // https://open.feishu.cn/document/server-docs/api-call-guide/generic-error-code
    const isApi = route === 'GET /open-apis/bot/v3/info' || route === 'POST /open-apis/contact/v3/users/batch_get_id' || route === 'POST /open-apis/im/v1/messages';
    if (!isApi) {
      this.refused.push(route);
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      return void res.end('404 page not found');
    }
    const auth = req.headers['authorization'];
    if (!auth) return send(400, { code: 99991661, msg: 'Missing access token for authorization. Please make a request with token attached.' });
    if (!this.tokens.has(String(auth).replace(/^Bearer /, ''))) return send(400, { code: 99991663, msg: 'Invalid access token for authorization. Please make a request with token attached.' });
    const needScope = (scope: string) => {
      if (this.scopes.has(scope)) return false;
      send(400, { code: 99991672, msg: `Access denied. One of the following scopes is required: [${scope}].` });
      return true;
    };

    // https://open.feishu.cn/document/client-docs/bot-v3/obtain-bot-info — `bot`, not `data`.
    if (route === 'GET /open-apis/bot/v3/info') {
      return send(200, { code: 0, msg: 'ok', bot: { activate_status: 2, app_name: '台账机器人', avatar_url: '', ip_white_list: [], open_id: this.botOpenId } });
    }

    // https://open.feishu.cn/document/server-docs/contact-v3/user/batch_get_id
    if (route === 'POST /open-apis/contact/v3/users/batch_get_id') {
      if (needScope('contact:user.id:readonly')) return;
      const idType = url.searchParams.get('user_id_type') ?? 'open_id';
      if (!['open_id', 'union_id', 'user_id'].includes(idType)) return send(400, { code: 99992402, msg: 'field validation failed' });
      // "当值为 user_id，字段权限要求：获取用户 user ID(contact:user.employee_id:readonly)".
      if (idType === 'user_id' && needScope('contact:user.employee_id:readonly')) return;
      const list = (k: string) => (body[k] === undefined ? [] : Array.isArray(body[k]) && (body[k] as unknown[]).every((v) => typeof v === 'string') ? (body[k] as string[]) : null);
      const emails = list('emails');
      const mobiles = list('mobiles');
      // "数据校验规则：最大长度：50" for each.
      if (!emails || !mobiles || emails.length > 50 || mobiles.length > 50) return send(400, { code: 99992402, msg: 'field validation failed' });
      const includeResigned = body['include_resigned'] === true;
      const withStatus = this.scopes.has('contact:user.employee:readonly');
      const entry = (u: DocUser | undefined, echo: Record<string, string>) => {
        const e: Record<string, unknown> = this.opts.echo === 'absent' ? {} : { ...echo };
        // "如果请求参数 include_resigned 取值为 false，则不会返回离职用户 ID".
        if (u && (includeResigned || !u.resigned)) {
          e['user_id'] = idType === 'user_id' ? u.userId : u.openId;
          if (withStatus) e['status'] = { is_frozen: false, is_resigned: Boolean(u.resigned), is_activated: !u.resigned, is_exited: false, is_unjoin: false };
        }
        return e;
      };
      // Mobiles exactly as the doc asks: mainland 11 digits ("13011111111"), others "+" and code.
      const answer = [
        ...emails.map((email) => entry(this.opts.users.find((u) => u.email !== undefined && u.email.toLowerCase() === email.toLowerCase()), { email })),
        ...mobiles.map((mobile) => entry(this.opts.users.find((u) => u.mobile !== undefined && u.mobile === mobile), { mobile })),
      ];
      if (this.opts.order === 'reversed') answer.reverse();
      this.batchCalls.push({ userIdType: idType, body: body as BatchCall['body'], answer: answer as BatchCall['answer'] });
      return send(200, { code: 0, msg: 'success', data: { user_list: answer } });
    }

    // https://open.feishu.cn/document/server-docs/im-v1/message/create
    if (needScope('im:message:send_as_bot')) return;
    const idType = url.searchParams.get('receive_id_type');
    const { receive_id: receiveId, msg_type: msgType, content, uuid } = body as Record<string, unknown>;
    const invalid = () => send(400, { code: 230001, msg: 'Your request contains an invalid request parameter.' });
    if (!idType || !['open_id', 'union_id', 'user_id', 'email', 'chat_id'].includes(idType)) return invalid();
    if (typeof receiveId !== 'string' || typeof msgType !== 'string' || typeof content !== 'string') return invalid();
    if (!['text', 'post', 'image', 'file', 'audio', 'media', 'sticker', 'interactive', 'share_chat', 'share_user', 'system'].includes(msgType)) return invalid();
    if (uuid !== undefined && (typeof uuid !== 'string' || uuid.length > 50)) return invalid();
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch {
      return invalid();
    }
    // Card and post ≤ 30 KB, text ≤ 150 KB (230025).
    if (Buffer.byteLength(content) > (msgType === 'text' ? 150 : 30) * 1024) return send(400, { code: 230025, msg: 'The length of the message content reaches its limit.' });
    if (idType !== 'open_id') return send(400, { code: 230034, msg: 'The receive_id is invalid.' }); // this directory has people by open_id only
    const user = this.opts.users.find((u) => u.openId === receiveId);
    if (!user) return send(400, { code: 230034, msg: 'The receive_id is invalid.' });
    if (user.resigned) return send(400, { code: 230013, msg: 'Bot has NO availability to this user.' });
    const sent: DocMessage = { messageId: `om_doc${this.messages.length + 1}`, receiveIdType: idType, receiveId, msgType, content: parsed, ...(typeof uuid === 'string' ? { uuid } : {}) };
    this.messages.push(sent);
    this.byMessageId.set(sent.messageId, sent);
    const id = sent.messageId;
    return send(200, {
      code: 0,
      msg: 'success',
      data: {
        message_id: id, root_id: '', parent_id: '', thread_id: '', msg_type: msgType, create_time: String(Date.now()), update_time: String(Date.now()),
        deleted: false, updated: false, chat_id: `oc_p2p_${receiveId}`, sender: { id: this.appId, id_type: 'app_id', sender_type: 'app', tenant_key: 'doc_tenant' },
        body: { content }, upper_message_id: '',
      },
    });
  }
}
