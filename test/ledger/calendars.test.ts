// The office's calendar entries in the database (per tenant, audited) and the per-tenant calendar
// provider with its cache: another instance's change is seen on the next use; stored colours are
// cleared by a change — on SQLite and PostgreSQL.
import { expect, it } from 'vitest';
import { listAudit } from '../../src/db/repos/audit.js';
import { calendarRevision, listCalendarDays } from '../../src/db/repos/calendar.js';
import { ensureTenant } from '../../src/db/repos/tenants.js';
import { parseCalendarEntry } from '../../src/core/calendar-entry.js';
import { createCalendarProvider, noticeBaseCalendarChange, setCalendarDays, unsetCalendarDays } from '../../src/ledger/calendars.js';
import { refreshLevels } from '../../src/ledger/levels.js';
import { describeEachDatabase } from '../helpers/db.js';
import { openApp } from '../../src/app.js';
import { FixedClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { demoTenant } from '../jobs/helpers.js';

const entries = (date: string, kind: string, name?: string) => {
  const r = parseCalendarEntry(date, kind, name);
  if (!r.ok) throw new Error(r.problem);
  return r.entries;
};

describeEachDatabase('office calendar entries', (ctx) => {
  it('set and unset: stored per tenant, audited, one revision per change, nothing written when unchanged', async () => {
    const db = ctx().prisma;
    const a = await ensureTenant(db, 'cal-a');
    const b = await ensureTenant(db, 'cal-b');
    const calendars = createCalendarProvider(db);
    expect(await calendarRevision(db, a.id)).toBe(0);
    expect((await calendars.calendarFor(a.id)).isWorkingDay('2027-02-20')).toBe(false);

    const set = await setCalendarDays(db, calendars, a.id, entries('2027-02-20', '上班', '春节调休'), 'ou_office');
    expect(set).toMatchObject([{ date: '2027-02-20', changed: true, before: null, dayBefore: { working: false, kind: 'weekend' }, dayAfter: { working: true, label: '春节调休上班', source: 'office' } }]);
    expect(await calendarRevision(db, a.id)).toBe(1);
    expect((await calendars.calendarFor(a.id)).isWorkingDay('2027-02-20')).toBe(true);
    // Tenant b is not touched.
    expect((await calendars.calendarFor(b.id)).isWorkingDay('2027-02-20')).toBe(false);
    expect(await listCalendarDays(db, b.id)).toEqual([]);

    // The same again: nothing written, no audit row, same revision.
    expect((await setCalendarDays(db, calendars, a.id, entries('2027-02-20', '上班', '春节调休'), 'ou_office'))[0]!.changed).toBe(false);
    expect(await calendarRevision(db, a.id)).toBe(1);

    // A range in one change: one revision, an audit row per day.
    const range = await setCalendarDays(db, calendars, a.id, entries('2027-02-05~2027-02-13', '放假', '春节'), 'cli');
    expect(range.map((c) => c.changed)).toEqual(Array(9).fill(true));
    expect(await calendarRevision(db, a.id)).toBe(2);
    expect((await listCalendarDays(db, a.id, 2027)).map((r) => [r.date, r.kind, r.name, r.updatedBy])).toContainEqual(['2027-02-11', 'holiday', '春节', 'cli']);

    const removed = await unsetCalendarDays(db, calendars, a.id, ['2027-02-11', '2027-03-01'], 'cli');
    expect(removed.map((c) => c.changed)).toEqual([true, false]);
    expect(removed[0]).toMatchObject({ before: { kind: 'holiday', name: '春节' }, dayAfter: { working: true, source: null } });
    expect(await calendarRevision(db, a.id)).toBe(3);
    // Nothing to remove: no revision.
    await unsetCalendarDays(db, calendars, a.id, ['2027-03-01'], 'cli');
    expect(await calendarRevision(db, a.id)).toBe(3);

    const audit = await listAudit(db, a.id, { entity: 'calendar' });
    expect(audit).toHaveLength(1 + 9 + 1);
    expect(audit[0]).toMatchObject({ actor: 'ou_office', entityId: '2027-02-20', action: 'create', before: null, after: JSON.stringify({ kind: 'workday', name: '春节调休' }) });
    expect(audit.at(-1)).toMatchObject({ actor: 'cli', entityId: '2027-02-11', action: 'delete', before: JSON.stringify({ kind: 'holiday', name: '春节' }), after: null });
    expect(await listAudit(db, b.id, { entity: 'calendar' })).toEqual([]);
  });

  it('another instance\'s change is seen on the next use; an unchanged calendar is reused', async () => {
    const db = ctx().prisma;
    const t = await ensureTenant(db, 'cal-instances');
    const one = createCalendarProvider(db);
    const two = createCalendarProvider(db);
    const before = await one.calendarFor(t.id);
    // A tenant that never entered a day shares the base calendar.
    expect(before).toBe(one.base);
    expect(before.isWorkingDay('2027-02-11')).toBe(true);
    await setCalendarDays(db, two, t.id, entries('2027-02-11', '放假', '春节'), 'ou_x');
    const after = await one.calendarFor(t.id);
    expect(after.isWorkingDay('2027-02-11')).toBe(false);
    expect(after.coverage(2027)).toEqual({ year: 2027, known: true, source: 'office' });
    expect(await one.calendarFor(t.id)).toBe(after);
    await unsetCalendarDays(db, two, t.id, ['2027-02-11'], 'ou_x');
    expect((await one.calendarFor(t.id)).isWorkingDay('2027-02-11')).toBe(true);
  });

  it('the office sits above the operator file, and the file above the library', async () => {
    const db = ctx().prisma;
    const t = await ensureTenant(db, 'cal-file');
    const calendars = createCalendarProvider(db, { '2026-10-09': { type: 'holiday', name: '县庆' }, '2027-02-11': 'holiday' });
    expect((await calendars.calendarFor(t.id)).describeDay('2026-10-09')).toMatchObject({ working: false, label: '县庆', source: 'file' });
    await setCalendarDays(db, calendars, t.id, entries('2027-02-11', '上班'), 'cli');
    expect((await calendars.calendarFor(t.id)).describeDay('2027-02-11')).toMatchObject({ working: true, source: 'office' });
    await unsetCalendarDays(db, calendars, t.id, ['2027-02-11'], 'cli');
    expect((await calendars.calendarFor(t.id)).describeDay('2027-02-11')).toMatchObject({ working: false, source: 'file' });
  });

  it('a change clears the tenant\'s stored colours (overdue working days change), not other tenants\'', async () => {
    const db = ctx().prisma;
    const tenant = await demoTenant(db, 'cal-colours');
    const other = await demoTenant(db, 'cal-colours-other');
    const calendars = createCalendarProvider(db);
    for (const t of [tenant, other]) await refreshLevels(db, t.id, { today: '2027-01-04', calendar: await calendars.calendarFor(t.id) });
    expect(await db.task.count({ where: { tenantId: tenant.id, levelOn: null } })).toBe(0);
    await setCalendarDays(db, calendars, tenant.id, entries('2027-01-02', '上班', '元旦调休'), 'cli');
    expect(await db.task.count({ where: { tenantId: tenant.id, levelOn: { not: null } } })).toBe(0);
    expect(await db.task.count({ where: { tenantId: other.id, levelOn: null } })).toBe(0);
    // An unchanged set leaves the colours alone.
    await refreshLevels(db, tenant.id, { today: '2027-01-04', calendar: await calendars.calendarFor(tenant.id) });
    await setCalendarDays(db, calendars, tenant.id, entries('2027-01-02', '上班', '元旦调休'), 'cli');
    expect(await db.task.count({ where: { tenantId: tenant.id, levelOn: null } })).toBe(0);
  });

  it('at start, a changed base calendar (new library data, an edited file) clears stored colours once', async () => {
    const db = ctx().prisma;
    const tenant = await demoTenant(db, 'cal-base');
    const refresh = async (calendars: ReturnType<typeof createCalendarProvider>) =>
      refreshLevels(db, tenant.id, { today: '2026-12-28', calendar: await calendars.calendarFor(tenant.id) });
    const stale = () => db.task.count({ where: { tenantId: tenant.id, levelOn: null } });
    const plain = createCalendarProvider(db);
    // First start with this code: nothing recorded yet, so the colours are recomputed.
    await refresh(plain);
    expect(await noticeBaseCalendarChange(db, plain, [tenant.id])).toEqual([tenant.id]);
    expect(await stale()).toBeGreaterThan(0);
    await refresh(plain);
    // A restart with the same calendar keeps them.
    expect(await noticeBaseCalendarChange(db, createCalendarProvider(db), [tenant.id])).toEqual([]);
    expect(await stale()).toBe(0);
    // The operator adds a day to the file: cleared again; the office's revision is untouched.
    const withFile = createCalendarProvider(db, { '2026-12-31': 'holiday' });
    expect(await noticeBaseCalendarChange(db, withFile, [tenant.id])).toEqual([tenant.id]);
    expect(await stale()).toBeGreaterThan(0);
    expect(await calendarRevision(db, tenant.id)).toBe(0);
    expect(await withFile.calendarFor(tenant.id)).toBe(withFile.base);
  });

  it('overdue working days follow the office\'s entry: a task due 12-31 is 1 working day late on 01-04, 2 with a make-up Saturday', async () => {
    const db = ctx().prisma;
    const tenant = await ensureTenant(db, 'cal-overdue');
    const calendars = createCalendarProvider(db);
    const { computeSupervision } = await import('../../src/core/supervision.js');
    const snapshot = { status: '推进中' as const, deadline: '2026-12-31', startDate: null, milestones: [], lastReportOn: '2026-12-20', lastPercent: 50, createdOn: '2026-01-01' };
    expect(computeSupervision(snapshot, '2027-01-04', await calendars.calendarFor(tenant.id)).overdueWorkingDays).toBe(1);
    await setCalendarDays(db, calendars, tenant.id, entries('2027-01-02', '上班'), 'cli');
    expect(computeSupervision(snapshot, '2027-01-04', await calendars.calendarFor(tenant.id)).overdueWorkingDays).toBe(2);
  });
});

describeEachDatabase('start-up warning', (ctx) => {
  it('the bot says at start, in Chinese, which tenants run this year or next on the computed holidays', async () => {
    const lines: { msg: string; year?: number; tenants?: string[] }[] = [];
    const logger = createLogger('info', { write: (s: string) => void lines.push(JSON.parse(s) as (typeof lines)[number]) });
    const config = loadConfig({ DATABASE_URL: ctx().target.url, DEFAULT_TENANT_KEY: 'warn-default' });
    // An office that loaded 2027 hears nothing about it; the default tenant does.
    const loaded = await ensureTenant(ctx().prisma, 'warn-loaded');
    const first = await openApp(config, { logger, clock: new FixedClock(new Date('2026-12-01T01:00:00Z')) });
    await setCalendarDays(ctx().prisma, first.calendars, loaded.id, entries('2027-02-20', '上班', '春节调休'), 'cli');
    await first.close();
    lines.length = 0;
    const app = await openApp(config, { logger, clock: new FixedClock(new Date('2026-12-01T01:00:00Z')) });
    await app.close();
    const warnings = lines.filter((l) => l.msg.includes('放假安排尚未载入'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ year: 2027, tenants: ['warn-default'] });
    expect(warnings[0]!.msg).toContain('法定节假日已按《全国年节及纪念日放假办法》推算');
    expect(warnings[0]!.msg).toContain('调休安排未知');
  });
});
