// A synthetic ledger of any size, bulk-loaded with plain SQL generated in the database (outside
// any timing): units, leaders, tasks in every status with deadlines across 2026-27, lead leaders,
// co-units, milestones and progress reports. Used by the benchmarks.
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { pgPoolConfig, type Database } from '../src/db/client.js';

/** Bulk-loads the summary data set with plain SQL (generated server-side), outside the timing. */
export interface SyntheticSize { tasks: number; reports: number; units: number }

export async function seedSyntheticLedger(db: Database, tenantId: number, size: SyntheticSize): Promise<void> {
  const SUMMARY_TASKS = size.tasks;
  const SUMMARY_REPORTS = size.reports;
  const UNITS = size.units;
  const statuses = `CASE (i % 8) WHEN 0 THEN '已销号' WHEN 1 THEN '待销号' WHEN 2 THEN '待签收' WHEN 3 THEN '暂缓' ELSE '推进中' END`;
  if (db.target.provider === 'sqlite') {
    const conn = new BetterSqlite3(db.target.file);
    conn.pragma('journal_mode = WAL');
    conn.pragma('synchronous = OFF');
    conn.exec(`
      WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ${UNITS - 1})
      INSERT INTO "Unit" ("tenantId", "name", "kind") SELECT ${tenantId}, '合成单位' || i, '部门' FROM seq;
      WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < 99)
      INSERT INTO "Person" ("tenantId", "name", "matchKey", "roles") SELECT ${tenantId}, '合成领导' || i, '合成领导' || i || '@', 'LEADER' FROM seq;`);
    const firstUnit = (conn.prepare(`SELECT min(id) AS id FROM "Unit" WHERE "tenantId" = ? AND name LIKE '合成单位%'`).get(tenantId) as { id: number }).id;
    const firstLeader = (conn.prepare(`SELECT min(id) AS id FROM "Person" WHERE "tenantId" = ? AND name LIKE '合成领导%'`).get(tenantId) as { id: number }).id;
    conn.exec(`
      WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ${SUMMARY_TASKS - 1})
      INSERT INTO "Task" ("tenantId", "code", "codeKey", "title", "leadUnitId", "deadline", "startDate", "status", "completedOn", "closedOn", "lastReportAt", "lastPercent", "createdAt", "updatedAt")
      SELECT ${tenantId}, 'S-' || i, 'S-' || i, '事项' || i, ${firstUnit} + (i % ${UNITS}),
        date('2026-01-01', '+' || (i % 540) || ' days'), date('2025-12-01', '+' || (i % 300) || ' days'), ${statuses},
        CASE WHEN i % 8 IN (0, 1) THEN date('2026-01-01', '+' || (i % 560) || ' days') END,
        CASE WHEN i % 8 = 0 THEN date('2026-01-05', '+' || (i % 560) || ' days') END,
        strftime('%Y-%m-%dT%H:%M:%fZ', '2026-11-01', '-' || (i % 90) || ' days'), i % 100, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'
      FROM seq;`);
    const firstTask = (conn.prepare(`SELECT min(id) AS id FROM "Task" WHERE "tenantId" = ? AND code LIKE 'S-%'`).get(tenantId) as { id: number }).id;
    conn.exec(`
      INSERT INTO "TaskLeadLeader" ("taskId", "personId") SELECT id, ${firstLeader} + (id % 100) FROM "Task" WHERE "tenantId" = ${tenantId} AND code LIKE 'S-%' AND id % 4 = 0;
      INSERT INTO "TaskCoUnit" ("taskId", "unitId") SELECT id, ${firstUnit} + ((id + 1) % ${UNITS}) FROM "Task" WHERE "tenantId" = ${tenantId} AND code LIKE 'S-%';
      INSERT INTO "Milestone" ("taskId", "title", "dueDate") SELECT id, '节点', date('2026-06-01', '+' || (id % 300) || ' days') FROM "Task" WHERE "tenantId" = ${tenantId} AND code LIKE 'S-%' AND id % 3 = 0;
      WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ${SUMMARY_REPORTS - 1})
      INSERT INTO "ProgressReport" ("tenantId", "taskId", "reportedAt", "kind", "text", "percent", "source")
      SELECT ${tenantId}, ${firstTask} + (i % ${SUMMARY_TASKS}), strftime('%Y-%m-%dT%H:%M:%fZ', '2026-11-01', '-' || (i % 300) || ' days'), '进展', '本月推进情况：完成阶段性工作' || i, i % 100, 'import' FROM seq;`);
    conn.close();
    return;
  }
  const client = new pg.Client(pgPoolConfig(db.target));
  await client.connect();
  await client.query(`SET synchronous_commit = off`);
  await client.query(`INSERT INTO "Unit" ("tenantId", "name", "kind") SELECT $1, '合成单位' || i, '部门' FROM generate_series(0, ${UNITS - 1}) i`, [tenantId]);
  await client.query(`INSERT INTO "Person" ("tenantId", "name", "matchKey", "roles") SELECT $1, '合成领导' || i, '合成领导' || i || '@', 'LEADER' FROM generate_series(0, 99) i`, [tenantId]);
  const firstUnit = (await client.query(`SELECT min(id) AS id FROM "Unit" WHERE "tenantId" = $1 AND name LIKE '合成单位%'`, [tenantId])).rows[0].id;
  const firstLeader = (await client.query(`SELECT min(id) AS id FROM "Person" WHERE "tenantId" = $1 AND name LIKE '合成领导%'`, [tenantId])).rows[0].id;
  await client.query(`
    INSERT INTO "Task" ("tenantId", "code", "codeKey", "title", "leadUnitId", "deadline", "startDate", "status", "completedOn", "closedOn", "lastReportAt", "lastPercent", "createdAt", "updatedAt")
    SELECT $1, 'S-' || i, 'S-' || i, '事项' || i, ${firstUnit} + (i % ${UNITS}),
      to_char(date '2026-01-01' + (i % 540), 'YYYY-MM-DD'), to_char(date '2025-12-01' + (i % 300), 'YYYY-MM-DD'), ${statuses},
      CASE WHEN i % 8 IN (0, 1) THEN to_char(date '2026-01-01' + (i % 560), 'YYYY-MM-DD') END,
      CASE WHEN i % 8 = 0 THEN to_char(date '2026-01-05' + (i % 560), 'YYYY-MM-DD') END,
      timestamp '2026-11-01' - (i % 90) * interval '1 day', i % 100, now(), now()
    FROM generate_series(0, ${SUMMARY_TASKS - 1}) i`, [tenantId]);
  const firstTask = (await client.query(`SELECT min(id) AS id FROM "Task" WHERE "tenantId" = $1 AND code LIKE 'S-%'`, [tenantId])).rows[0].id;
  await client.query(`INSERT INTO "TaskLeadLeader" ("taskId", "personId") SELECT id, ${firstLeader} + (id % 100) FROM "Task" WHERE "tenantId" = $1 AND code LIKE 'S-%' AND id % 4 = 0`, [tenantId]);
  await client.query(`INSERT INTO "TaskCoUnit" ("taskId", "unitId") SELECT id, ${firstUnit} + ((id + 1) % ${UNITS}) FROM "Task" WHERE "tenantId" = $1 AND code LIKE 'S-%'`, [tenantId]);
  await client.query(`INSERT INTO "Milestone" ("taskId", "title", "dueDate") SELECT id, '节点', to_char(date '2026-06-01' + (id % 300), 'YYYY-MM-DD') FROM "Task" WHERE "tenantId" = $1 AND code LIKE 'S-%' AND id % 3 = 0`, [tenantId]);
  await client.query(`
    INSERT INTO "ProgressReport" ("tenantId", "taskId", "reportedAt", "kind", "text", "percent", "source")
    SELECT $1, ${firstTask} + (i % ${SUMMARY_TASKS}), timestamp '2026-11-01' - (i % 300) * interval '1 day', '进展', '本月推进情况：完成阶段性工作' || i, i % 100, 'import'
    FROM generate_series(0, ${SUMMARY_REPORTS - 1}) i`, [tenantId]);
  await client.query('ANALYZE');
  await client.end();
}

