// A real PostgreSQL restart while the bot runs: a private cluster (its own data directory, port
// and postmaster — the shared PostgreSQL of the machine is never touched) is stopped with
// `pg_ctl stop -m fast` and started again a few seconds later while events keep coming. Feishu
// re-delivers what the bot could not store; afterwards every event is recorded and answered
// exactly once, and the bot process is still alive. (bench/faults.ts runs the long version.)
import { describe, expect, it } from 'vitest';
import { postgresRestartScenario, formatFigures } from '../../bench/fault-scenarios.js';
import { expectNothingLostOrDoubled } from './figures.js';
import { privatePostgresUnavailable, warnPrivatePostgresSkipped } from '../helpers/private-postgres.js';

const unavailable = privatePostgresUnavailable();
if (unavailable) warnPrivatePostgresSkipped('PostgreSQL restart fault test (test/scale/pg-restart.test.ts)', unavailable);
const run = unavailable ? describe.skip : describe;

run('PostgreSQL restarted while the bot runs [postgresql, private cluster]', () => {
  it('survives the restart: nothing lost, nothing answered twice', async () => {
    const f = await postgresRestartScenario({ downSeconds: 3, perSecond: 5, aroundSeconds: 2 });
    console.log(formatFigures(f));
    expect(f.botsAlive).not.toMatch(/exited/);
    expectNothingLostOrDoubled(f);
    expect(f.answered).toBe(f.sent);
    expect(f.failedInbox).toBe(0);
    expect(f.recoverySeconds).toBeLessThan(30);
  }, 150_000);
});
