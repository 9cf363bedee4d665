// Typed 飞书IDs checked against Feishu: an open_id belongs to one app, and one copied from another
// app's admin page or export answers 99992361 "open_id cross app" (contact/v3/users/:user_id,
// https://open.feishu.cn/document/server-docs/contact-v3/user/get). `taizhang import` and
// `taizhang doctor` list such people at once instead of the sender finding out after its retries.
import type { DbOrTx } from '../db/client.js';
import type { ContactLookup } from '../feishu/contact.js';
import { FeishuApiError } from '../feishu/contact.js';

export const CROSS_APP = 99992361;
/** 99991400 request trigger frequency limit (generic error codes): retried after a pause. */
export const FREQUENCY_LIMIT = 99991400;
const FREQUENCY_RETRIES = 5;
/** At most this many typed 飞书IDs are checked per run (one user-info call each). */
export const TYPED_ID_SAMPLE = 200;

export interface TypedIdReport {
  /** How many were answered (this app's or another's). */
  checked: number;
  /** 「name（unit）：open_id」 of another app. */
  foreign: string[];
  /** 「name（unit）：飞书错误码 …」 for lookups that stayed unexplained. */
  unchecked: string[];
}

export async function checkTypedOpenIds(
  db: DbOrTx,
  tenantId: number,
  lookup: ContactLookup,
  opts: { exclude?: number[]; waitMs?: number } = {},
): Promise<TypedIdReport> {
  const typed = await db.person.findMany({
    where: { tenantId, active: true, openId: { not: null }, ...(opts.exclude?.length ? { id: { notIn: opts.exclude } } : {}) },
    select: { name: true, openId: true, unit: { select: { name: true } } },
    orderBy: { id: 'asc' },
    take: TYPED_ID_SAMPLE,
  });
  const report: TypedIdReport = { checked: 0, foreign: [], unchecked: [] };
  const waitMs = opts.waitMs ?? 500;
  for (const p of typed) {
    const who = `${p.name}（${p.unit?.name ?? '未填单位'}）`;
    // Frequency limit: wait and ask again rather than take the refusal for "belongs to this app".
    for (let attempt = 0; ; attempt++) {
      try {
        await lookup.userContact(p.openId!);
        report.checked++;
        break;
      } catch (err) {
        const code = err instanceof FeishuApiError ? err.code : undefined;
        if (code === FREQUENCY_LIMIT && attempt < FREQUENCY_RETRIES) {
          await new Promise((r) => setTimeout(r, waitMs * (attempt + 1)));
          continue;
        }
        if (code === CROSS_APP) {
          report.checked++;
          report.foreign.push(`${who}：${p.openId}`);
        } else report.unchecked.push(`${who}：飞书错误码 ${code ?? '未知'}`);
        break;
      }
    }
  }
  return report;
}

export const FOREIGN_ID_FIX = 'open_id 每个应用各不相同：清空「人员」表中这些人的飞书ID、填写手机号或邮箱后重新导入';

/** The import's lines: ✓ when every typed 飞书ID is this app's, else who is not and what to do. */
export function typedIdLines(r: TypedIdReport): string[] {
  const lines: string[] = [];
  if (r.foreign.length) {
    lines.push(`飞书ID：${r.foreign.length} 人的飞书ID属于其他应用（飞书错误码 ${CROSS_APP} open_id cross app），消息发不出去：`);
    for (const f of r.foreign.slice(0, 50)) lines.push(`  ${f}`);
    if (r.foreign.length > 50) lines.push(`  ……另有 ${r.foreign.length - 50} 人`);
    lines.push(`  怎么办：${FOREIGN_ID_FIX}`);
  }
  if (r.unchecked.length) {
    lines.push(`飞书ID：${r.unchecked.length} 个未能核对（稍后运行 taizhang doctor 再查）：`);
    for (const u of r.unchecked.slice(0, 20)) lines.push(`  ${u}`);
  }
  if (!r.foreign.length && !r.unchecked.length && r.checked) lines.push(`飞书ID：已核对 ${r.checked} 个，均属于本应用`);
  return lines;
}
