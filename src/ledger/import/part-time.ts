// 兼职 in the 人员 sheet: the same person listed again under another unit — same 姓名 and the same
// 飞书ID, 手机 (spaces, dashes and +86 ignored) or 邮箱 (case ignored) — is ONE person with a
// further unit (PersonUnit, with that row's roles), not a second person fighting over one Feishu
// account. Pure: decides which row is the person (primary) and which rows are their further units.
import { normalizeMobile } from '../../core/reach.js';
import type { PersonDraft, SourceReport } from './validate.js';

/** The report's 兼职 entries of a draft whose rows have been marked (partTimeOf). */
export function partTimeReport(people: readonly PersonDraft[]): NonNullable<SourceReport['partTime']> {
  const byKey = new Map(people.map((p) => [p.matchKey, p]));
  return people.filter((p) => p.partTimeOf && p.unitName).map((p) => ({
    name: p.name, unit: p.unitName!, roles: p.roles, primaryUnit: byKey.get(p.partTimeOf!)?.unitName ?? null, active: p.active ?? true,
  }));
}

/** What is known of a stored person: their row key, open_id (bound from the directory too) and whether active. */
export interface KnownPerson {
  matchKey: string;
  openId?: string | null;
  active?: boolean;
  /** A stored further unit (PersonUnit) as its row key (姓名@单位): the row key of its person. */
  partTimeOf?: string;
}

const identities = (p: Pick<PersonDraft, 'openId' | 'mobile' | 'email' | 'matchKey'>, stored: KnownPerson | undefined): string[] => [
  // A row that is a stored further unit stays with its person, whatever its contact columns say.
  `p:${stored?.partTimeOf ?? p.matchKey}`,
  ...(p.openId ? [`id:${p.openId}`] : []),
  ...(stored?.openId && stored.openId !== p.openId ? [`id:${stored.openId}`] : []),
  ...(p.mobile ? [`m:${normalizeMobile(p.mobile)}`] : []),
  ...(p.email ? [`e:${p.email.trim().toLowerCase()}`] : []),
];

/**
 * The rows that are a further unit of a person listed in another row: row key → the primary row's
 * key. Rows group by name and shared identity (transitively); rows without a unit never group. The
 * primary is the row of an active stored person, else of any stored person, else the first row —
 * so a person imported once keeps their primary unit whatever the order of later files.
 */
export function partTimeRows(people: readonly PersonDraft[], known: readonly KnownPerson[]): Map<string, string> {
  // A key both stored as a person and as a further unit (merged by the directory): the further unit wins.
  const stored = new Map(known.map((k) => [k.matchKey, k]));
  for (const k of known) if (k.partTimeOf) stored.set(k.matchKey, { ...stored.get(k.matchKey), ...k });
  const rows = people.filter((p) => !p.inferred && p.unitName !== null);
  const parent = rows.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const seen = new Map<string, number>();
  rows.forEach((p, i) => {
    for (const id of identities(p, stored.get(p.matchKey))) {
      const key = `${p.name}\u0000${id}`;
      const j = seen.get(key);
      if (j === undefined) seen.set(key, i);
      else parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, number[]>();
  rows.forEach((_, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), i]));
  const out = new Map<string, string>();
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    const rank = (i: number) => { const k = stored.get(rows[i]!.matchKey); return !k ? 2 : k.partTimeOf ? 3 : k.active === false ? 1 : 0; };
    const primary = [...members].sort((a, b) => rank(a) - rank(b) || a - b)[0]!;
    for (const i of members) if (i !== primary) out.set(rows[i]!.matchKey, rows[primary]!.matchKey);
  }
  return out;
}
