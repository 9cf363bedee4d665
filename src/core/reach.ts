// Who the bot cannot reach, and why: pure rules over a person's row and what Feishu's directory
// said about their mobile and email (contact/v3/users/batch_get_id). No I/O.

export type UnreachableReason = 'no_contact' | 'not_found' | 'resigned' | 'id_taken' | 'lookup_failed';

/** What the office reads: the reason and what to fix in the 人员 sheet or the console. */
export const UNREACHABLE_TEXT: Record<UnreachableReason, { why: string; fix: string }> = {
  no_contact: { why: '未填写手机、邮箱或飞书ID', fix: '在台账「人员」表填写其手机号（或邮箱），重新导入' },
  not_found: {
    why: '飞书通讯录中查不到其手机号或邮箱',
    fix: '核对手机号（境外号码加 + 和国家码）或邮箱（企业邮箱地址查不到，请填登录飞书用的邮箱或手机号）；并确认其在应用的「可用范围」内',
  },
  resigned: { why: '其飞书账号已离职', fix: '在「人员」表删除此人或将「状态」填为 离岗，并补充接替的联络人' },
  id_taken: { why: '手机号或邮箱对应的飞书账号已登记给另一人', fix: '核对两人的手机号和邮箱，一个飞书账号只能对应一人' },
  lookup_failed: { why: '查找飞书账号失败', fix: '运行 taizhang doctor 检查应用权限（通过手机号或邮箱获取用户 ID：contact:user.id:readonly）' },
};

/**
 * The form batch_get_id asks for (contact/v3/users/batch_get_id, body `mobiles`: "非中国大陆地区的
 * 手机号需要添加以 "+" 开头的国家或地区代码", example "13011111111"): a mainland number as its 11
 * digits without a country code, any other number as `+`, country code and digits. Accepts what
 * officials type: spaces, hyphens and dots, full-width digits and ＋, a +86 / 86- / 0086 prefix, a
 * remark in brackets (「（办）」), a label (「手机：」), several numbers (the first counts).
 * https://open.feishu.cn/document/server-docs/contact-v3/user/batch_get_id
 */
export function normalizeMobile(mobile: string): string {
  let s = mobile.normalize('NFKC');
  // Remarks in brackets without digits: (办) 【办公】 [宅].
  s = s.replace(/[(\[【〔<《][^)\]】〕>》\d]*[)\]】〕>》]/g, ' ');
  // Several numbers: the first one.
  s = s.split(/[/、;,，；|]|或/).find((x) => /\d/.test(x)) ?? '';
  s = s.replace(/[^\d+]/g, '');
  s = s.replace(/(?!^)\+/g, '');
  if (s.startsWith('00')) s = `+${s.slice(2)}`;
  if (/^\+861\d{10}$/.test(s)) return s.slice(3);
  if (/^861[3-9]\d{9}$/.test(s)) return s.slice(2);
  return s;
}

/** Whether a normalised number is one batch_get_id can look up: 11 mainland digits, or + and a country code. */
export function isLookupMobile(normalized: string): boolean {
  return /^(\+\d{6,15}|1\d{10})$/.test(normalized);
}

export interface ContactRow {
  mobile: string | null;
  email: string | null;
}

export interface DirectoryAnswer {
  openId: string;
  resigned: boolean;
}

/** The open_id a person gets from the directory answers for their mobile and email, or why not. Mobile wins over email. */
export function pickOpenId(
  row: ContactRow,
  byMobile: ReadonlyMap<string, DirectoryAnswer>,
  byEmail: ReadonlyMap<string, DirectoryAnswer>,
): { openId: string } | { reason: UnreachableReason } {
  if (!row.mobile && !row.email) return { reason: 'no_contact' };
  const answers = [row.mobile ? byMobile.get(normalizeMobile(row.mobile)) : undefined, row.email ? byEmail.get(row.email.trim().toLowerCase()) : undefined].filter(
    (a): a is DirectoryAnswer => Boolean(a),
  );
  const active = answers.find((a) => !a.resigned);
  if (active) return { openId: active.openId };
  return { reason: answers.length ? 'resigned' : 'not_found' };
}
