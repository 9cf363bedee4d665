// Cards: card JSON validation (for sends, patches, updates and callback answers), the card
// callback a click produces (card.action.trigger) with its update token, and the delayed update
// that token allows.
//
// Sources:
//  - Card JSON 2.0: body.elements, at most 200 elements, update_multi can only be true:
//    https://open.feishu.cn/document/feishu-cards/card-json-v2-structure
//    1.0: elements / i18n_elements, update_multi defaults to false:
//    https://open.feishu.cn/document/feishu-cards/card-json-structure
//  - 230099 "Failed to create card content": https://open.feishu.cn/document/server-docs/im-v1/message/create
//  - A 2.0 card cannot be replaced by a 1.0 card (200830); client errors 200341 (no answer in
//    3 s), 200671 (non-200), 200672 (bad body), 200673 (bad card):
//    https://open.feishu.cn/document/uAjLw4CM/ukzMukzMukzM/feishu-cards/handle-card-callbacks
//  - The callback (card.action.trigger, create_time in µs, event.token valid 30 min for 2
//    updates) and its answer {toast, card: {type: raw|template, data}}:
//    https://open.feishu.cn/document/feishu-cards/card-callback-communication
//  - Delayed update (only after the callback was answered; token 30 min, 2 uses):
//    https://open.feishu.cn/document/server-docs/im-v1/message-card/delay-update-message-card
import { randomBytes } from 'node:crypto';
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
    const body = c['body'] as Record<string, unknown> | undefined;
    if (!body || !Array.isArray(body['elements'])) return { code: 230099, msg: 'Failed to create card content: body.elements missing (card JSON 2.0).' };
    if ((body['elements'] as unknown[]).length > 200) return { code: 230099, msg: 'Failed to create card content: more than 200 elements.' };
    const config = c['config'] as Record<string, unknown> | undefined;
    if (config && config['update_multi'] === false) return { code: 230099, msg: 'Failed to create card content: update_multi must be true in card JSON 2.0.' };
    return undefined;
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

/** POST /open-apis/interactive/v1/card/update: the delayed update with a callback's token. */
export function cardUpdate(f: FakeState, req: RouteRequest): Record<string, unknown> {
  const body = req.json();
  // Docs differ (not changed yet): the delayed-update page has its own codes — 300020 malformed
  // token, 300030 expired token, 300040 token used up, 11311 / 10002 bad card, 200310 another
  // app's card — where this answers 230001 / 230099.
  const token = body['token'];
  const state = typeof token === 'string' ? f.cardTokens.get(token) : undefined;
  if (!state || f.foreign(f.getMessage(state.messageId)?.tenantKey ?? f.tenantKey, req.tenant)) fail(400, 230001, 'invalid card token');
  if (state!.expiresAt <= f.clock.now().getTime()) fail(400, 230001, 'card token expired (valid for 30 minutes)');
  if (state!.usesLeft <= 0) fail(400, 230001, 'card token used up (2 updates per token)');
  if (!state!.answered) fail(400, 230001, 'delayed update before the callback was answered');
  const card = body['card'];
  const problem = cardProblem(card);
  if (problem) fail(400, problem.code, problem.msg);
  const msg = f.getMessage(state!.messageId)!;
  const schema = schemaChangeProblem(msg.content, card);
  if (schema) fail(400, 230099, schema.msg);
  state!.usesLeft -= 1;
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
  const outcome = await sendEvent(f, env, f.cardUrl ?? f.eventUrl);
  tokenState.answered = true;
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
