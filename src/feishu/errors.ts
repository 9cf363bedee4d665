// Classifying Feishu's answers to a send: ok, rate-limited (back off, not a failed attempt),
// transient (retry with back-off), permanent (fail the row and tell the office). The code tables
// are data; each names where Feishu documents the code.

/**
 * Codes that will not succeed on retry: the row is failed and reported to the office.
 * Source: https://open.feishu.cn/document/server-docs/im-v1/message/create (错误码),
 * …/im-v1/message-card/patch, …/api-call-guide/generic-error-code.
 */
export const PERMANENT_ERROR_CODES: Record<number, string> = {
  230001: '请求参数有误',
  230002: '机器人不在该群中',
  230006: '应用未启用机器人能力',
  230011: '消息已被撤回',
  230013: '用户不在应用可用范围内或已离职',
  230017: '机器人无权使用该资源',
  230025: '消息内容超出长度限制',
  230031: '消息发送已超过 14 天，无法更新',
  230034: '接收者 ID 无效',
  230053: '用户已屏蔽机器人',
  230055: '上传的文件类型与消息类型不符',
  230099: '卡片内容有误',
  99991672: '应用缺少所需权限',
};

/** Rate-limit codes: back off (x-ogw-ratelimit-reset) and retry; never counted as a failed attempt. */
export const RATE_LIMIT_CODES = new Set([99991400, 230020, 11232, 11233]);

/** Token problems: drop the cached tenant_access_token and retry. */
export const TOKEN_ERROR_CODES = new Set([99991661, 99991663, 99991664, 99991665, 99991668]);

export type SendOutcome =
  | { kind: 'ok'; messageId?: string }
  | { kind: 'rate_limited'; scope: 'app' | 'recipient'; resetMs: number; code?: number; msg: string; status?: number }
  | { kind: 'transient'; code?: number; msg: string; status?: number; token?: boolean }
  | { kind: 'permanent'; code?: number; msg: string; status?: number };

/** The body of an OpenAPI answer. */
export interface FeishuBody {
  code?: number;
  msg?: string;
  data?: { message_id?: string } & Record<string, unknown>;
}

/** An answer (HTTP status, body, headers) → what to do with the row. */
export function classifyResponse(
  status: number | undefined,
  body: FeishuBody | undefined,
  headers: Record<string, unknown> | undefined,
  defaultResetMs: number,
): SendOutcome {
  const code = typeof body?.code === 'number' ? body.code : undefined;
  const msg = typeof body?.msg === 'string' ? body.msg : status ? `HTTP ${status}` : '未知错误';
  if ((status === undefined || (status >= 200 && status < 300)) && code === 0) {
    return { kind: 'ok', ...(body?.data?.message_id ? { messageId: body.data.message_id } : {}) };
  }
  const base = { ...(code !== undefined ? { code } : {}), msg, ...(status !== undefined ? { status } : {}) };
  if (status === 429 || (code !== undefined && RATE_LIMIT_CODES.has(code))) {
    const resetHeader = Number(headers?.['x-ogw-ratelimit-reset']);
    const resetMs = Number.isFinite(resetHeader) && resetHeader > 0 ? resetHeader * 1000 : defaultResetMs;
    const scope = code === 230020 || code === 11233 ? 'recipient' : 'app';
    return { kind: 'rate_limited', scope, resetMs, ...base };
  }
  if (code !== undefined && TOKEN_ERROR_CODES.has(code)) return { kind: 'transient', token: true, ...base };
  if (code !== undefined && PERMANENT_ERROR_CODES[code]) return { kind: 'permanent', ...base };
  return { kind: 'transient', ...base };
}

/** A thrown SDK/axios error → outcome (HTTP errors carry Feishu's body; network errors are transient). */
export function outcomeOfError(err: unknown, defaultResetMs: number): SendOutcome {
  const e = err as { response?: { status?: number; data?: unknown; headers?: Record<string, unknown> }; code?: string; message?: string };
  if (e?.response) {
    const data = typeof e.response.data === 'object' && e.response.data ? (e.response.data as FeishuBody) : undefined;
    const headers = normaliseHeaders(e.response.headers);
    const outcome = classifyResponse(e.response.status, data, headers, defaultResetMs);
    // An HTTP error without a Feishu code: 5xx are transient, other statuses too (bounded retries).
    if (outcome.kind === 'ok') return { kind: 'transient', msg: `HTTP ${e.response.status}`, status: e.response.status ?? 0 };
    return outcome;
  }
  const message = e?.message ?? String(err);
  if (/tenant_access_token/.test(message)) return { kind: 'transient', token: true, msg: '获取 tenant_access_token 失败' };
  // Store app: the app_ticket → app_access_token step failed (e.g. a stale ticket); Feishu pushes a new ticket.
  if (/app_access_token|app_ticket/.test(message)) return { kind: 'transient', token: true, msg: '获取 app_access_token 失败（app_ticket 无效或尚未收到）' };
  return { kind: 'transient', msg: `网络错误：${e?.code ?? ''} ${message}`.trim().slice(0, 300) };
}

function normaliseHeaders(headers: unknown): Record<string, unknown> {
  if (!headers || typeof headers !== 'object') return {};
  const h = headers as { toJSON?: () => Record<string, unknown> };
  const plain = typeof h.toJSON === 'function' ? h.toJSON() : (headers as Record<string, unknown>);
  return Object.fromEntries(Object.entries(plain).map(([k, v]) => [k.toLowerCase(), v]));
}

/** "用户不在应用可用范围内或已离职：错误码 230013：…" for the row's error column and the office's notice. */
export function describeFailure(code: number | undefined, msg: string): string {
  const known = code !== undefined ? PERMANENT_ERROR_CODES[code] : undefined;
  return [known, code !== undefined ? `错误码 ${code}` : undefined, msg].filter(Boolean).join('：');
}
