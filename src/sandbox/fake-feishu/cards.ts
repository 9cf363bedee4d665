// Cards: card JSON validation (for sends, patches, updates and callback answers), the card
// callback a click produces (card.action.trigger) with its update token, and the delayed update
// that token allows.
//
// Sources:
//  - Card JSON 2.0, validated strictly (unknown properties, ranges, at most 200 elements,
//    update_multi only true): card-schema.ts, https://open.feishu.cn/document/feishu-cards/card-json-v2-structure
//    1.0: elements / i18n_elements, update_multi defaults to false:
//    https://open.feishu.cn/document/feishu-cards/card-json-structure
//  - 230099 "Failed to create card content": https://open.feishu.cn/document/server-docs/im-v1/message/create
//  - A 2.0 card cannot be replaced by a 1.0 card (200830); client errors 200341 (no answer in
//    3 s), 200671 (non-200), 200672 (bad body), 200673 (bad card):
//    https://open.feishu.cn/document/uAjLw4CM/ukzMukzMukzM/feishu-cards/handle-card-callbacks
//  - The callback (card.action.trigger, create_time in µs, event.token valid 30 min for 2
//    updates) and its answer {toast, card: {type: raw|template, data}}:
//    https://open.feishu.cn/document/feishu-cards/card-callback-communication
//  - How long a card can be clicked: a JSON 2.0 card is interactive (and updatable) for 14 days,
//    a 1.0 card interactive for 30 days (「卡片交互有效期变更」: 1.0 可交互 30 天、可更新 14 天；2.0
//    可交互和可更新时间统一为 14 天): https://open.feishu.cn/document/uAjLw4CM/ukzMukzMukzM/feishu-cards/card-json-v2-breaking-changes-release-notes
//    After that the client does not call the app at all and tells the user the card was sent too
//    long ago to interact with (legacy page: "This card was sent over 30 days ago and cannot be
//    interacted with"): https://open.feishu.cn/document/common-capabilities/message-card/add-card-interaction/interaction-module
//    — clickCard returns `expired` with that notice and sends no card.action.trigger.
//  - Delayed update (only after the callback was answered, else reverted; token 30 min, 2 uses;
//    its own error codes 300020/300030/300040/200310/10002/11311):
//    https://open.feishu.cn/document/server-docs/im-v1/message-card/delay-update-message-card
import { randomBytes } from 'node:crypto';
import { validateCardV2 } from './card-schema.js';
import { eventHeader, sendEvent } from './events.js';
import { fail } from './http.js';
import { cardActionEvent, envelope, randomId } from './payloads.js';
import type { RouteRequest } from './router.js';
import type { FakeState } from './state.js';

export interface CardTokenState {
  token: string;
  messageId: string;
  expiresAt: number;
  usesLeft: number;
  answered: boolean;
  /** Delayed updates taken before the callback was answered: reverted when the answer lands. */
  racedUpdates?: number;
}

export interface CardClickResult {
  eventId: string;
  cardToken: string;
  /** HTTP status (webhook) or 200 for an acked WS frame; undefined on timeout/network error. */
  status?: number;
  timedOut: boolean;
  /** The client-side error Feishu would show: 200341 timeout, 200671 non-200, 200672 bad body, 200830 schema change. */
  clientError?: number;
  toast?: { type: string; content: string };
  card?: unknown;
  response?: unknown;
  /** Past the card's interaction window (14 days for 2.0, 30 for 1.0): no callback, only the client's notice. */
  expired?: { days: number; notice: string };
}

const DAY_MS = 24 * 3600_000;

/** Days a card stays clickable: 14 for JSON 2.0, 30 for 1.0 (card-json-v2-breaking-changes-release-notes). */
export function interactionDays(card: unknown): number {
  return (card as Record<string, unknown> | null)?.['schema'] === '2.0' ? 14 : 30;
}

export interface CardClickOptions {
  messageId: string;
  operatorOpenId: string;
  value?: unknown;
  formValue?: Record<string, unknown>;
  tag?: string;
  name?: string;
  extra?: Record<string, unknown>;
  eventId?: string;
}

// ---------------------------------------------------------------------------------------------
// Card JSON

/** Why a card JSON would be rejected (230099), or undefined. */
export function cardProblem(card: unknown): { code: number; msg: string } | undefined {
  if (!card || typeof card !== 'object' || Array.isArray(card)) return { code: 230099, msg: 'Failed to create card content: card must be a JSON object.' };
  const c = card as Record<string, unknown>;
  if (c['type'] === 'template') {
    const data = c['data'] as Record<string, unknown> | undefined;
    return typeof data?.['template_id'] === 'string' ? undefined : { code: 230099, msg: 'Failed to create card content: template_id missing.' };
  }
  if (c['schema'] === '2.0') {
    // Validated strictly, as Feishu does: unknown properties, ranges, 200 elements (card-schema.ts).
    const problem = validateCardV2(c);
    return problem ? { code: problem.code, msg: problem.msg } : undefined;
  }
  if (Array.isArray(c['elements']) || (c['i18n_elements'] && typeof c['i18n_elements'] === 'object')) return undefined;
  return { code: 230099, msg: 'Failed to create card content: elements missing.' };
}

/** A 2.0 card cannot be replaced by a 1.0 card (200830). */
export function schemaChangeProblem(before: unknown, after: unknown): { code: number; msg: string } | undefined {
  const v = (c: unknown) => ((c as Record<string, unknown> | null)?.['schema'] === '2.0' ? 2 : 1);
  if (after && typeof after === 'object' && (after as Record<string, unknown>)['type'] === 'template') return undefined;
  return v(before) === 2 && v(after) !== 2 ? { code: 200830, msg: 'A card JSON 2.0 cannot be updated to card JSON 1.0.' } : undefined;
}

/** Shared card: config.update_multi true (JSON 2.0 cards always are). */
export function isShared(card: unknown): boolean {
  const c = card as Record<string, unknown> | null;
  if (!c) return false;
  if (c['schema'] === '2.0') return (c['config'] as Record<string, unknown> | undefined)?.['update_multi'] !== false;
  return (c['config'] as Record<string, unknown> | undefined)?.['update_multi'] === true;
}

// ---------------------------------------------------------------------------------------------
// Route handlers

/**
 * POST /open-apis/interactive/v1/card/update: the delayed update with a callback's token, with the
 * page's own error codes (delay-update-message-card, 错误码): 300020 malformed token, 300030 expired
 * (30 min), 300040 used up (2 uses), 200310 another app's card, 10002 / 11311 bad card. An update
 * sent before the callback was answered is taken and then reverted when the answer lands
 * (「并行执行或提前执行会出现更新失败或更新后立即复原的情况」).
 */
export function cardUpdate(f: FakeState, req: RouteRequest): Record<string, unknown> {
  const body = req.json();
  const token = body['token'];
  if (typeof token !== 'string' || !/^c-[\w-]+$/.test(token)) fail(400, 300020, '更新卡片的 token 格式错误');
  const state = f.cardTokens.get(token as string);
  if (!state) fail(400, 300030, '更新卡片的 token 失效');
  if (f.foreign(f.getMessage(state!.messageId)?.tenantKey ?? f.tenantKey, req.tenant)) fail(400, 200310, '无法更新其他应用发送的卡片');
  if (state!.expiresAt <= f.clock.now().getTime()) fail(400, 300030, '更新卡片的 token 失效（有效期 30 分钟）');
  if (state!.usesLeft <= 0) fail(400, 300040, '更新卡片的 token 超过使用限制次数（同一个 token 仅能使用 2 次）');
  const card = body['card'];
  if (!card || typeof card !== 'object' || Array.isArray(card)) fail(400, 10002, 'card 参数校验错误');
  const problem = cardProblem(card);
  if (problem) fail(400, 11311, `卡片格式不符合要求：${problem.msg}`);
  const msg = f.getMessage(state!.messageId)!;
  const schema = schemaChangeProblem(msg.content, card);
  if (schema) fail(400, 11311, `卡片格式不符合要求：${schema.msg}`);
  state!.usesLeft -= 1;
  if (!state!.answered) state!.racedUpdates = (state!.racedUpdates ?? 0) + 1;
  f.applyUpdate(msg, 'card_update', card);
  return { code: 0, msg: 'success', data: {} };
}

// ---------------------------------------------------------------------------------------------
// The callback

/**
 * A user clicks a button (or submits a form) on a card the bot sent: card.action.trigger goes
 * to the card URL (or the long connection), once — callbacks are not re-pushed — and the answer
 * is applied the way the client would (toast, card replaced, or a client-side error code).
 */
export async function clickCard(f: FakeState, opts: CardClickOptions): Promise<CardClickResult> {
  const msg = f.getMessage(opts.messageId);
  if (!msg || msg.sender.type !== 'bot' || msg.msgType !== 'interactive') throw new Error(`${opts.messageId} 不是机器人发送的卡片`);
  const operator = f.requireUser(opts.operatorOpenId);
  const now = f.clock.now();
  const days = interactionDays(msg.content);
  if (now.getTime() - msg.createdAt.getTime() > days * DAY_MS) {
    // The client refuses the click itself: nothing reaches the app.
    f.emit('card-click-expired', { messageId: msg.messageId, operatorOpenId: operator.openId });
    return { eventId: '', cardToken: '', timedOut: false, expired: { days, notice: `该卡片已发送超过 ${days} 天，无法交互` } };
  }
  const cardToken = `c-${randomBytes(20).toString('hex')}`;
  const tokenState: CardTokenState = { token: cardToken, messageId: msg.messageId, expiresAt: now.getTime() + 30 * 60_000, usesLeft: 2, answered: false };
  f.cardTokens.set(cardToken, tokenState);
  const isv = f.appType === 'isv';
  const header = eventHeader(f, opts.eventId ?? randomId('', 16), 'card.action.trigger', now, isv ? (msg.tenantKey ?? f.tenantKey) : f.tenantKey);
  header.createTime = String(now.getTime() * 1000); // the callback page shows µs
  const env = envelope(
    header,
    cardActionEvent({
      operator,
      tenantKey: isv ? f.tenantOfUser(operator.openId) : f.tenantKey,
      cardToken,
      messageId: msg.messageId,
      chatId: msg.chatId,
      value: opts.value,
      formValue: opts.formValue,
      tag: opts.tag,
      name: opts.name,
      extra: opts.extra,
    }),
  );
  f.pushedEvents.set(header.eventId, env);
  const before = msg.content;
  const outcome = await sendEvent(f, env, f.cardUrl ?? f.eventUrl);
  tokenState.answered = true;
  if (tokenState.racedUpdates) {
    // An update that raced the answer is undone by it (delay-update-message-card).
    f.applyUpdate(msg, 'callback', before);
    f.emit('card-update-reverted', { messageId: msg.messageId, token: cardToken });
  }
  const result: CardClickResult = { eventId: header.eventId, cardToken, timedOut: outcome.attempt.error === 'timeout' };
  if (outcome.attempt.status !== undefined) result.status = outcome.attempt.status;
  if (result.timedOut) {
    result.clientError = 200341;
    return result;
  }
  if (outcome.attempt.status !== 200) {
    result.clientError = 200671;
    return result;
  }
  const body = outcome.body;
  result.response = body;
  if (body === undefined || typeof body !== 'object' || body === null) {
    result.clientError = 200672;
    return result;
  }
  const b = body as { toast?: { type: string; content: string }; card?: { type?: string; data?: unknown } };
  if (b.toast) result.toast = b.toast;
  if (b.card) {
    if (b.card.type !== 'raw' && b.card.type !== 'template') {
      result.clientError = 200672;
      return result;
    }
    const newCard = b.card.type === 'raw' ? b.card.data : b.card;
    const problem = b.card.type === 'raw' ? cardProblem(newCard) ?? schemaChangeProblem(msg.content, newCard) : undefined;
    if (problem) {
      result.clientError = problem.code === 200830 ? 200830 : 200673;
      return result;
    }
    result.card = newCard;
    f.applyUpdate(msg, 'callback', newCard);
  }
  return result;
}
