// resolvePeople against the doc-only Feishu: open_ids by mobile and email, user_ids where the app may
// read them (stored in Person.userId), and — without the user_id field scope — a note in the report
// and the CLI line, never an error or an unreachable person. A resigned account is told apart even
// without the `status` field scope. SQLite and PostgreSQL.
import { afterEach, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.js';
import { ensureTenant } from '../../src/db/repos/tenants.js';
import { createFeishuClient } from '../../src/feishu/client.js';
import { contactLookup } from '../../src/feishu/contact.js';
import { reachReportLines, resolvePeople } from '../../src/ledger/reach.js';
import { DocOnlyFeishu, type DocUser } from '../feishu/doc-only-fake.js';

const users: DocUser[] = [
  { openId: 'ou_r_a', userId: 'u_r_a', name: '甲', mobile: '13800138000' },
  { openId: 'ou_r_b', userId: 'u_r_b', name: '乙', email: 'yi@example.org' },
  { openId: 'ou_r_gone', userId: 'u_r_gone', name: '丙', mobile: '13800138009', resigned: true },
];

describeEachDatabase('reach: user_ids where the app may', (ctx) => {
  let fake: DocOnlyFeishu | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  async function setUp(key: string, scopes?: string[]) {
    fake = await DocOnlyFeishu.start({ users, ...(scopes ? { scopes } : {}) });
    const db = ctx().prisma;
    const tenant = await ensureTenant(db, key);
    for (const [name, mobile, email] of [['甲', '138 0013 8000', null], ['乙', null, 'Yi@Example.org'], ['丙', '13800138009', null]] as const) {
      await db.person.create({ data: { tenantId: tenant.id, name, matchKey: `${name}@`, mobile, email } });
    }
    return { db, tenant, lookup: contactLookup(createFeishuClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url })) };
  }

  it('stores open_id and user_id of each person found; the resigned one is unreachable as resigned', async () => {
    const { db, tenant, lookup } = await setUp('reach-uid-1');
    const report = await resolvePeople(db, tenant.id, lookup);
    expect(report.userIdsSkipped).toBeUndefined();
    const rows = await db.person.findMany({ where: { tenantId: tenant.id }, orderBy: { id: 'asc' } });
    expect(rows.map((p) => [p.name, p.openId, p.userId])).toEqual([['甲', 'ou_r_a', 'u_r_a'], ['乙', 'ou_r_b', 'u_r_b'], ['丙', null, null]]);
    expect(report.unreachable.map((u) => [u.name, u.reason])).toEqual([['丙', 'resigned']]);
  });

  it('without the user_id field scope: open_ids only, one note, no error', async () => {
    const { db, tenant, lookup } = await setUp('reach-uid-2', ['contact:user.id:readonly', 'im:message:send_as_bot']);
    const report = await resolvePeople(db, tenant.id, lookup);
    expect(report.error).toBeUndefined();
    expect(report.resolved.map((r) => r.name)).toEqual(['甲', '乙']);
    expect(report.userIdsSkipped).toContain('contact:user.employee_id:readonly');
    const lines = reachReportLines(report);
    expect(lines.filter((l) => l.includes('未记录 user_id'))).toHaveLength(1);
    expect(await db.person.count({ where: { tenantId: tenant.id, userId: { not: null } } })).toBe(0);
    // Still told apart without `status` (that field needs contact:user.employee:readonly).
    expect(report.unreachable.map((u) => [u.name, u.reason])).toEqual([['丙', 'resigned']]);
  });

  it('user_ids come later for people found earlier once the scope is granted (before: only for people found in the same run)', async () => {
    const { db, tenant } = await setUp('reach-uid-3', ['contact:user.id:readonly', 'im:message:send_as_bot']);
    const first = await resolvePeople(db, tenant.id, contactLookup(createFeishuClient({ appId: fake!.appId, appSecret: fake!.appSecret, domain: fake!.url })));
    expect(first.resolved.map((r) => r.name)).toEqual(['甲', '乙']);
    // The office grants the user_id field scope: the next run (nobody left to find) fills them in.
    await fake!.close();
    fake = await DocOnlyFeishu.start({ users });
    const again = await resolvePeople(db, tenant.id, contactLookup(createFeishuClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.url })));
    expect(again.resolved).toEqual([]);
    expect(again.userIdsSkipped).toBeUndefined();
    const rows = await db.person.findMany({ where: { tenantId: tenant.id, name: { in: ['甲', '乙'] } }, orderBy: { id: 'asc' } });
    expect(rows.map((p) => [p.name, p.userId])).toEqual([['甲', 'u_r_a'], ['乙', 'u_r_b']]);
  });
});

