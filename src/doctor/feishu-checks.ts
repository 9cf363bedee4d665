// `taizhang doctor`, the Feishu side: credentials and token, bot info, each permission the bot
// needs exercised by a harmless call (a missing one answers 99991672 — generic-error-code page),
// and whether events can reach the bot. Every call goes through the SDK client.
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import type * as lark from '@larksuiteoapi/node-sdk';
import type { Config } from '../config.js';
import { apiErrorOf, MISSING_SCOPE } from '../feishu/contact.js';
import { tenantOptions } from '../feishu/client.js';
import type { Check } from './report.js';
import { longConnectionCheck } from './longconn-check.js';

/** The permissions the bot uses: console name, scope, why, and a harmless call that needs it. */
export const NEEDED_PERMISSIONS: { name: string; scope: string; why: string; optional?: string; call: (c: lark.Client, t: TenantOpts) => Promise<unknown> }[] = [
  {
    name: '以应用的身份发消息', scope: 'im:message:send_as_bot', why: '发送任务交办单、提醒、督办和回复',
    // A message to an open_id that cannot exist: refused for the id (230034/99992351), never sent.
    call: (c, t) => c.im.v1.message.create({ params: { receive_id_type: 'open_id' }, data: { receive_id: 'ou_taizhang_doctor_check', msg_type: 'text', content: JSON.stringify({ text: 'doctor' }) } }, t),
  },
  {
    name: '通过手机号或邮箱获取用户 ID', scope: 'contact:user.id:readonly', why: '按台账「人员」表的手机号/邮箱找到每个人的飞书账号',
    call: (c, t) => c.contact.v3.user.batchGetId({ params: { user_id_type: 'open_id' }, data: { mobiles: ['13800000000'] } }, t),
  },
  {
    // Field scope of batch_get_id with user_id_type=user_id (batch_get_id page); without it only open_ids are kept.
    name: '获取用户 user ID', scope: 'contact:user.employee_id:readonly', why: '找到飞书账号时一并记下 user_id', optional: '不开通只记录 open_id，不影响发消息',
    call: (c, t) => c.contact.v3.user.batchGetId({ params: { user_id_type: 'user_id' }, data: { mobiles: ['13800000000'] } }, t),
  },
  {
    name: '获取通讯录基本信息', scope: 'contact:contact.base:readonly', why: '未登记的人私聊机器人时，按其手机号/邮箱自动对应到台账人员；检查飞书ID是否属于本应用',
    call: (c, t) => c.contact.v3.user.get({ path: { user_id: 'ou_taizhang_doctor_check' }, params: { user_id_type: 'open_id' } }, t),
  },
  {
    name: '获取群组信息', scope: 'im:chat:readonly', why: '机器人入群时读取群名，列出各单位工作群',
    call: (c, t) => c.im.v1.chat.get({ path: { chat_id: 'oc_taizhang_doctor_check' } }, t),
  },
  {
    name: '获取群成员信息', scope: 'im:chat.members:read', why: '核对工作群成员与单位人员',
    call: (c, t) => c.im.v1.chatMembers.get({ path: { chat_id: 'oc_taizhang_doctor_check' }, params: { member_id_type: 'open_id' } }, t),
  },
];
type TenantOpts = ReturnType<typeof tenantOptions>;


export async function feishuChecks(config: Config, client: lark.Client, tenantKey: string | undefined): Promise<Check[]> {
  const checks: Check[] = [];
  const t = tenantOptions(client, config.feishu.appType === 'isv' ? tenantKey : undefined);
  // 1. Credentials and token (self-built: tenant_access_token/internal).
  if (config.feishu.appType !== 'isv') {
    try {
      const res = (await client.request({ method: 'POST', url: '/open-apis/auth/v3/tenant_access_token/internal', data: { app_id: config.feishu.appId, app_secret: config.feishu.appSecret } })) as { code?: number; msg?: string };
      checks.push(res?.code === 0
        ? { ok: true, label: '应用凭证：App ID / App Secret 有效，已取得 tenant_access_token' }
        : { ok: false, label: `应用凭证无效（${res?.code} ${res?.msg ?? ''}）`, fix: '核对 FEISHU_APP_ID、FEISHU_APP_SECRET（开发者后台 → 凭证与基础信息）' });
    } catch (err) {
      const e = apiErrorOf(err);
      checks.push({ ok: false, label: `无法取得 tenant_access_token：${e.message}`, fix: '核对 FEISHU_APP_ID、FEISHU_APP_SECRET 与 FEISHU_DOMAIN，并确认服务器能访问飞书开放平台' });
      return checks;
    }
  }
  // 2. Bot info.
  try {
    const res = (await client.request({ method: 'GET', url: '/open-apis/bot/v3/info' }, t)) as { code?: number; bot?: { open_id?: string; app_name?: string } };
    checks.push(res?.code === 0 && res.bot?.open_id
      ? { ok: true, label: `机器人：${res.bot.app_name ?? ''}（${res.bot.open_id}）` }
      : { ok: false, label: '读取机器人信息失败', fix: '在开发者后台 → 应用能力 → 添加「机器人」，然后创建版本并发布' });
  } catch (err) {
    checks.push({ ok: false, label: `读取机器人信息失败：${apiErrorOf(err).message}`, fix: '在开发者后台 → 应用能力 → 添加「机器人」，然后创建版本并发布' });
  }
  // 3. Permissions.
  for (const p of NEEDED_PERMISSIONS) {
    let code: number | undefined = 0;
    try {
      const res = (await p.call(client, t)) as { code?: number } | undefined;
      code = res?.code;
    } catch (err) {
      code = apiErrorOf(err).code;
    }
    if (code === MISSING_SCOPE && p.optional) {
      checks.push({ ok: true, label: `可选权限「${p.name}」（${p.scope}）未开通：${p.optional}` });
      continue;
    }
    checks.push(code === MISSING_SCOPE
      ? { ok: false, label: `缺少权限「${p.name}」（${p.scope}，飞书错误码 ${MISSING_SCOPE}）`, fix: `开发者后台 → 权限管理 → 开通「${p.name}」（用途：${p.why}），然后创建版本并发布` }
      : { ok: true, label: `权限「${p.name}」（${p.scope}）已开通` });
  }
  // 4. Events.
  checks.push(await eventCheck(config, client));
  return checks;
}

/** Long connection: one is opened and closed (longconn-check.ts). Webhook: FEISHU_EVENT_URL answers a url_verification challenge. */
async function eventCheck(config: Config, client: lark.Client): Promise<Check> {
  if (config.feishu.eventMode === 'longconn') return longConnectionCheck(config);
  const url = config.feishu.eventUrl;
  if (!url) return { ok: false, label: '事件接收：未配置 FEISHU_EVENT_URL，无法检查请求地址', fix: '把开发者后台 → 事件与回调 → 请求地址 填入 FEISHU_EVENT_URL（如 https://台账.example.gov.cn/feishu/events）后重试' };
  const challenge = `doctor-${randomBytes(6).toString('hex')}`;
  const plain = JSON.stringify({ challenge, token: config.feishu.verificationToken ?? '', type: 'url_verification' });
  const body = config.feishu.encryptKey ? JSON.stringify({ encrypt: encrypt(config.feishu.encryptKey, plain) }) : plain;
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json; charset=utf-8' }, body, signal: AbortSignal.timeout(3_000) });
    const answer = (await res.json().catch(() => ({}))) as { challenge?: string };
    return answer.challenge === challenge
      ? { ok: true, label: `事件接收：请求地址 ${url} 已正确应答 challenge` }
      : { ok: false, label: `事件接收：请求地址 ${url} 未正确应答 challenge（HTTP ${res.status}）`, fix: '确认台账机器人正在运行、该地址指向其 /feishu/events，且 FEISHU_ENCRYPT_KEY、FEISHU_VERIFICATION_TOKEN 与后台一致' };
  } catch (err) {
    return { ok: false, label: `事件接收：请求地址 ${url} 无法访问（${(err as Error).message}）`, fix: '确认台账机器人正在运行，且该地址可从公网访问（飞书要求公网 IPv4）' };
  }
}

/** Feishu's event encryption (AES-256-CBC, key = sha256(Encrypt Key), random IV first). */
function encrypt(encryptKey: string, plaintext: string): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}
