// Long-connection mode with several instances (real processes) on one PostgreSQL: like Feishu, the
// fake hands each event to ONE random open connection of the app; a connection dropped before it
// acks, or one that went silent, gets its events re-pushed to a random connection again. One
// connection is dropped and comes back (the SDK reconnects), another is silenced and the bot's
// watchdog rebuilds it. Every event is recorded and answered exactly once.
import { describe, expect, it } from 'vitest';
import { formatFigures, longConnectionScenario } from '../../bench/fault-scenarios.js';
import { expectNothingLostOrDoubled } from './figures.js';
import { postgresUrl } from '../helpers/db.js';

const run = postgresUrl ? describe : describe.skip;

run('long connection with several instances [postgresql]', () => {
  it('spreads events over the connections, survives a drop and a silent connection, nothing lost or doubled', async () => {
    const f = await longConnectionScenario({ instances: 3, perSecond: 10, phaseSeconds: 3, silentAfterSeconds: 2 });
    console.log(formatFigures(f));
    expect(f.botsAlive).not.toMatch(/exited/);
    expect(f.sent).toBeGreaterThanOrEqual(80);
    expectNothingLostOrDoubled(f);
    expect(f.answered).toBe(f.sent);
    expect(f.failedInbox).toBe(0);
    // Several connections carried events (each event to one of them).
    expect(String(f.extra['events per connection']).split('/').filter((n) => Number(n) > 0).length).toBeGreaterThanOrEqual(2);
    expect(f.extra['dropped connection back after']).not.toBe('never');
    expect(f.extra['silent connection rebuilt after']).not.toBe('never');
    expect(f.extra['connections at the end']).toBe(3);
  }, 150_000);
});
