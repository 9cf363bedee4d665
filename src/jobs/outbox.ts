// Writing a plan to the durable outbox. The JobRun row (unique per tenant, job and period) and
// every message of the plan are written in ONE transaction: either the run happened and all its
// messages are queued, or nothing is. For a scheduled run the JobRun insert is the claim — with
// several instances racing (PostgreSQL), exactly one inserts it; the others find it taken and
// write nothing. Each message is inserted with ON CONFLICT DO NOTHING on its dedupe key, so a
// manual run for a moment already handled queues nothing new.
import type { Clock } from '../clock.js';
import type { Database, DbOrTx } from '../db/client.js';
import { enqueueFile, enqueueMessage } from '../outbox/index.js';
import type { JobPlan } from './plan.js';
import type { JobName } from './settings.js';

export type RunMode = 'scheduled' | 'manual';

export interface CommitResult {
  /** This call created the JobRun row (for a scheduled run: it won the claim). */
  claimed: boolean;
  /** Messages newly written to the outbox. */
  enqueued: number;
  /** Messages whose dedupe key was already in the outbox (sent or queued before). */
  alreadyQueued: number;
}

/** JobRun.planned for a run that was not replayed because its moment had long passed. */
export const SKIPPED_PLANNED = -1;

export async function commitPlan(db: Database, plan: JobPlan, opts: { mode: RunMode; clock: Clock }): Promise<CommitResult> {
  const now = opts.clock.now();
  return db.prisma.$transaction(async (tx) => {
    const claimed = await insertJobRun(tx, plan.tenantId, plan.job, plan.period.key, now, 0);
    if (!claimed && opts.mode === 'scheduled') return { claimed, enqueued: 0, alreadyQueued: 0 };
    let enqueued = 0;
    for (const m of plan.messages) {
      const r = await enqueueMessage(
        tx,
        {
          tenantId: plan.tenantId,
          dedupeKey: m.dedupeKey,
          kind: 'send',
          receiveIdType: m.recipient.receiveIdType,
          receiveId: m.recipient.receiveId,
          message: { msgType: 'interactive', content: m.card },
        },
        opts.clock,
      );
      if (r.created) enqueued++;
      if (m.file) {
        await enqueueFile(tx, { tenantId: plan.tenantId, dedupeKey: `${m.dedupeKey}:file`, kind: 'send', receiveIdType: m.recipient.receiveIdType, receiveId: m.recipient.receiveId, fileName: m.file.fileName, bytes: m.file.bytes }, opts.clock);
      }
      if (m.image) {
        await enqueueFile(tx, { tenantId: plan.tenantId, dedupeKey: `${m.dedupeKey}:image`, kind: 'send', receiveIdType: m.recipient.receiveIdType, receiveId: m.recipient.receiveId, fileName: m.image.fileName, bytes: m.image.bytes, image: true }, opts.clock);
      }
    }
    if (claimed) {
      await tx.jobRun.updateMany({
        where: { tenantId: plan.tenantId, job: plan.job, periodKey: plan.period.key },
        data: { finishedAt: opts.clock.now(), planned: plan.messages.length },
      });
    }
    return { claimed, enqueued, alreadyQueued: plan.messages.length - enqueued };
  });
}

/** Records that a period was not run (the process was down well past its moment). */
export async function recordSkipped(db: DbOrTx, tenantId: number, job: JobName, periodKey: string, clock: Clock): Promise<boolean> {
  const now = clock.now();
  return insertJobRun(db, tenantId, job, periodKey, now, SKIPPED_PLANNED, now);
}

async function insertJobRun(db: DbOrTx, tenantId: number, job: string, periodKey: string, firedAt: Date, planned: number, finishedAt: Date | null = null): Promise<boolean> {
  const rows = await db.$queryRaw<{ id: number }[]>`
    INSERT INTO "JobRun" ("tenantId", "job", "periodKey", "firedAt", "finishedAt", "planned")
    VALUES (${tenantId}, ${job}, ${periodKey}, ${firedAt}, ${finishedAt}, ${planned})
    ON CONFLICT DO NOTHING
    RETURNING "id"`;
  return rows.length > 0;
}

/** Which of these dedupe keys are already in the outbox. */
export async function existingKeys(db: DbOrTx, keys: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await db.outboxMessage.findMany({ where: { dedupeKey: { in: keys.slice(i, i + 500) } }, select: { dedupeKey: true } });
    for (const r of rows) found.add(r.dedupeKey);
  }
  return found;
}
