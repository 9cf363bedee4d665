// Classifying Feishu's answers to a send: ok, rate-limited (back off, not a failed attempt),
// transient (retry with back-off), permanent (fail the row; the office hears of it once per
// recipient and cause). The code tables are data in error-codes.ts, each code with its doc page.
import {
  CARD_UPDATE_ERROR_CODES,
  DELIVERY_CAUSES,
  PERMANENT_ERROR_CODES,
  RATE_LIMIT_CODES,
  RETRYABLE_ERROR_CODES,
  TOKEN_ERROR_CODES,
  type DeliveryCause,
  type DeliveryCauseKey,
  type ErrorCodeEntry,
} from './error-codes.js';

export { PERMANENT_ERROR_CODES, CARD_UPDATE_ERROR_CODES, RETRYABLE_ERROR_CODES, RATE_LIMIT_CODES, TOKEN_ERROR_CODES } from './error-codes.js';

/** The API an answer came from: the delayed card update has codes of its own. */
export type FeishuSendApi = 'send' | 'reply' | 'patch' | 'card_update';

/** The documented entry for a permanent code on this API, if any. */
export function permanentErrorOf(code: number | undefined, api?: FeishuSendApi | string): ErrorCodeEntry | undefined {
  if (code === undefined) return undefined;
  if (api === 'card_update' && CARD_UPDATE_ERROR_CODES[code]) return CARD_UPDATE_ERROR_CODES[code];
  return PERMANENT_ERROR_CODES[code];
}

/**
 * Why a failed row failed, for the office: the cause of its code on its API. A card update is
 * always `card_update_failed` (logged only); a code no table knows (retries exhausted on 5xx,
 * network errors or an undocumented code) is `unreachable`.
 */
export function deliveryCauseOf(code: number | null | undefined, api: FeishuSendApi | string): { key: DeliveryCauseKey; cause: DeliveryCause } {
  const key: DeliveryCauseKey = api === 'card_update' ? 'card_update_failed' : (permanentErrorOf(code ?? undefined, api)?.cause ?? 'unreachable');
  return { key, cause: DELIVERY_CAUSES[key] };
}

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
  api?: FeishuSendApi | string,
): SendOutcome {
  const code = typeof body?.code === 'number' ? body.code : undefined;
  const msg = typeof body?.msg === 'string' ? body.msg : status ? `HTTP ${status}` : '未知错误';
  if ((status === undefined || (status >= 200 && status < 300)) && code === 0) {
    return { kind: 'ok', ...(body?.data?.message_id ? { messageId: body.data.message_id } : {}) };
  }
  const base = { ...(code !== undefined ? { code } : {}), msg, ...(status !== undefined ? { status } : {}) };
  const limited = code !== undefined ? RATE_LIMIT_CODES[code] : undefined;
  if (status === 429 || limited) {
    const resetHeader = Number(headers?.['x-ogw-ratelimit-reset']);
    const resetMs = Number.isFinite(resetHeader) && resetHeader > 0 ? resetHeader * 1000 : defaultResetMs;
    return { kind: 'rate_limited', scope: limited?.scope ?? 'app', resetMs, ...base };
  }
  if (code !== undefined && TOKEN_ERROR_CODES.has(code)) return { kind: 'transient', token: true, ...base };
  if (code !== undefined && RETRYABLE_ERROR_CODES[code]) return { kind: 'transient', ...base };
  if (permanentErrorOf(code, api)) return { kind: 'permanent', ...base };
  return { kind: 'transient', ...base };
}

/** A thrown SDK/axios error → outcome (HTTP errors carry Feishu's body; network errors are transient). */
export function outcomeOfError(err: unknown, defaultResetMs: number, api?: FeishuSendApi | string): SendOutcome {
  const e = err as { response?: { status?: number; data?: unknown; headers?: Record<string, unknown> }; code?: string; message?: string };
  if (e?.response) {
    const data = typeof e.response.data === 'object' && e.response.data ? (e.response.data as FeishuBody) : undefined;
    const headers = normaliseHeaders(e.response.headers);
    const outcome = classifyResponse(e.response.status, data, headers, defaultResetMs, api);
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

/** "目标用户不在…可用范围内…：错误码 230013：…" for the row's error column (logs; never a card). */
export function describeFailure(code: number | undefined, msg: string, api?: FeishuSendApi | string): string {
  const known = permanentErrorOf(code, api)?.meaning;
  return [known, code !== undefined ? `错误码 ${code}` : undefined, msg].filter(Boolean).join('：');
}
