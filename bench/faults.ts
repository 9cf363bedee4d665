// Fault benchmark with real processes (see bench/fault-scenarios.ts): Feishu answering HTTP 500s
// for a minute and then a minute-long 429 storm while events keep coming; kill -9 of one of two
// instances in the middle of a drain; a real PostgreSQL restart (a private cluster) while the bot
// runs; a long connection dropped, and one silenced, among three instances in long-connection
// mode. Prints, per fault: events sent / recorded / answered, duplicates, time to recover,
// messages sent vs attempted.
//
//   npm run bench:faults
//   npm run bench:faults -- --storm-seconds 10 --kill-events 100 --pg-down-seconds 5 --only storm,kill,postgres,longconn
//
// The storm and kill scenarios need BENCH_POSTGRES_URL or TEST_POSTGRES_URL; the restart runs on
// its own cluster (Debian's /usr/lib/postgresql/15/bin) and never touches that server.
import { arg, pgUrl } from './lib.js';
import { formatFigures, killScenario, longConnectionScenario, postgresRestartScenario, stormScenario, type Figures } from './fault-scenarios.js';
import { privatePostgresUnavailable, warnPrivatePostgresSkipped } from '../test/helpers/private-postgres.js';

const stormSeconds = Number(arg('storm-seconds', '60'));
const killEvents = Number(arg('kill-events', '300'));
const pgDownSeconds = Number(arg('pg-down-seconds', '10'));
const only = new Set(arg('only', 'storm,kill,postgres,longconn').split(','));

const log = (line: string) => console.log(line);
const all: Figures[] = [];
const t0 = performance.now();

if ((only.has('storm') || only.has('kill') || only.has('longconn')) && !pgUrl) {
  console.error('需要 BENCH_POSTGRES_URL 或 TEST_POSTGRES_URL（风暴、kill -9 和长连接场景在其上建临时 schema）');
  process.exit(2);
}

if (only.has('storm')) {
  log(`\n== Feishu storm: ${stormSeconds} s of HTTP 500s, then ${stormSeconds} s of 429s, 5 events/s throughout (1 instance, PostgreSQL)`);
  all.push(...(await stormScenario({ seconds: stormSeconds, resetSeconds: 2, perSecond: 5, log })));
}
if (only.has('kill')) {
  log(`\n== kill -9 of one of two instances in the middle of draining ${killEvents} events (PostgreSQL, round-robin balancer)`);
  all.push(await killScenario({ events: killEvents, log }));
}
if (only.has('postgres')) {
  const unavailable = privatePostgresUnavailable();
  if (unavailable) warnPrivatePostgresSkipped('PostgreSQL restart scenario', unavailable);
  else {
    log(`\n== PostgreSQL restart: private cluster stopped (fast) for ${pgDownSeconds} s while 5 events/s arrive (1 instance)`);
    all.push(await postgresRestartScenario({ downSeconds: pgDownSeconds, perSecond: 5, aroundSeconds: 5, log }));
  }
}

if (only.has('longconn')) {
  log('\n== Long connection, 3 instances: each event to one random connection; one dropped, one silenced (watchdog)');
  all.push(await longConnectionScenario({ instances: 3, perSecond: 10, phaseSeconds: 10, silentAfterSeconds: 3, log }));
}

log(`\n== Summary (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
log('| fault | sent | recorded | answered | duplicates | lost | recovered after | sends accepted / attempted | uuid repeats |');
log('|---|---|---|---|---|---|---|---|---|');
for (const f of all) {
  log(`| ${f.fault} | ${f.sent} | ${f.recorded} | ${f.answered} | ${f.duplicates} | ${f.lost} | ${Number.isNaN(f.recoverySeconds) ? 'never' : `${f.recoverySeconds.toFixed(1)} s`} | ${f.accepted} / ${f.attempted} | ${f.uuidRepeats} |`);
}
const bad = all.filter((f) => f.lost > 0 || f.duplicates > 0 || f.recorded !== f.sent || /exited/.test(f.botsAlive.replace(/fault-\w+-1:exited\(SIGKILL\)/, '')));
if (bad.length > 0) {
  log(`\nFAILED: ${bad.map((f) => f.fault).join('; ')}`);
  process.exitCode = 1;
}
