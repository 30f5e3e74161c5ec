import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { intFlag, serverEnvFlags, usageError } from './flags.mjs';
import {
  childProcesses,
  cpuPressure,
  exitCleanup,
  fmtInt,
  fmtMs,
  fmtPct,
  INTROSPECT_PATH,
  introspect,
  LOAD_CPU,
  mib,
  postJson,
  rssKiB,
  runLoad,
  SERVER_CPU,
  sleep,
  startSessiond,
  writeResults,
} from './lib.mjs';
import { seedRow, sessionInserter } from './seed.mjs';

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
const { values: flags } = parseArgs({
  args: isMain ? process.argv.slice(2) : [],
  options: {
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    users: { type: 'string' },
    sessions: { type: 'string' },
    mix: { type: 'string' },
    threadpool: { type: 'string' },
    pin: { type: 'boolean', default: false },
    env: { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (flags.help) {
  process.stdout.write(`usage: node bench/soak.mjs [options]   (npm run soak: build, then this)

Starts \`sessiond serve\` on a fresh SQLite directory, creates users through the API (real argon2id
at the default cost), stores sessions for them, introspects every token once, then runs mixed
load: each of the connections sends its next request when the previous one is answered, and the
kinds follow the shares of the requests sent (introspection of the seeded tokens, sign-ins of the
users, revocations of seeded tokens, which introspection then finds inactive: not an error).
Reports requests/s, latency percentiles and statuses per kind, errors, and the server's RSS at
second 20 and at the end. Exit code 1 when a check fails: errors must be 0, RSS must grow less
than 20% from second 20 to the end, introspection p99 must stay under 50 ms.

  --duration S        measured seconds (default 60)
  --warmup S          seconds of the same load before measuring (default 5)
  --connections N     concurrent connections (default 64)
  --users N           users created through the API, each with its own password (default 200)
  --sessions N        sessions stored for them, whose tokens are introspected and revoked (default 5000)
  --mix I,S,R         shares of introspections, sign-ins, revocations in % of requests (default 80,15,5)
  --threadpool N      UV_THREADPOOL_SIZE of the server (default: Node's, 4): argon2id hashes on it
  --pin               pin the server to CPU ${SERVER_CPU} and the load generator to CPU ${LOAD_CPU} (default: not pinned)
  --env K=V           a setting for sessiond (repeatable), e.g. --env SESSIOND_ARGON2_MEMORY_KIB=65536

The abuse limits (sign-in and API rate limits) are turned off: all the load comes from one
address and a few hundred accounts. Figures go to stdout and bench/results/soak.json.
`);
  process.exit(0);
}

const int = (name, fallback, min = 1) => intFlag(flags, name, fallback, min);
/** The run's options: from the command line, or given to `soak()` by a script that imports this file. */
let opts = {
  durationS: int('duration', 60),
  warmupS: int('warmup', 5, 0),
  connections: int('connections', 64),
  users: int('users', 200),
  sessions: int('sessions', 5_000),
  threadpool: flags.threadpool === undefined ? null : int('threadpool', 4),
  pin: flags.pin,
};
let mix = (flags.mix ?? '80,15,5').split(',').map(Number);
if (mix.length !== 3 || mix.some((x) => !Number.isInteger(x) || x < 0) || mix.reduce((a, b) => a + b, 0) !== 100 || mix[0] === 0) {
  usageError(`--mix takes three whole percentages adding up to 100, introspection above 0, got '${flags.mix}'`);
}
let serverEnv = serverEnvFlags(flags.env);
/** Second of the measured load at which RSS is first compared (20 in a run of 60 s or more). */
const rssFromSecond = () => Math.min(20, Math.floor(opts.durationS / 3));
const RSS_GROWTH_MAX = 0.2;
const INTROSPECTION_P99_MAX_MS = 50;

const say = (s = '') => process.stdout.write(`${s}\n`);
const progress = (s) => process.stderr.write(`${s}\n`);

const procs = childProcesses();
let tmp = null;
const cleanup = exitCleanup(procs, () => tmp);

/** Runs `fn(i)` for i in [0, n), `concurrency` at a time. */
async function forEachConcurrently(n, concurrency, fn) {
  let next = 0;
  const worker = async () => {
    while (next < n) await fn(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Users through the API (each password hashed with argon2id by the server). */
async function createUsers(url, bootstrapToken) {
  const users = new Array(opts.users);
  const salt = randomBytes(6).toString('base64url');
  await forEachConcurrently(opts.users, 8, async (i) => {
    const login = { loginName: `soak-user-${String(i).padStart(4, '0')}`, password: `soak-password-${salt}-${i}` };
    const r = await postJson(url, '/v1/users', login, { authorization: `Bearer ${bootstrapToken}` });
    if (r.status !== 201) throw new Error(`POST /v1/users answered ${r.status}: ${r.text}`);
    users[i] = { ...login, id: r.body.id };
  });
  return users;
}

/**
 * Sessions for the users, written straight into the database file (as bench/introspect.mjs
 * seeds): a sign-in each would take minutes of argon2id. The running server notices the outside
 * write (SQLite's data_version) and reads them from the file.
 */
async function storeSessions(dataDir, users) {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(join(dataDir, 'sessiond.db'));
  db.pragma('busy_timeout = 5000');
  const insert = sessionInserter(db);
  const tokens = [];
  const now = Date.now();
  db.transaction(() => {
    for (let i = 0; i < opts.sessions; i++) {
      const token = randomBytes(32).toString('base64url');
      tokens.push(token);
      insert.run(seedRow(token, i, users[i % users.length].id, now));
    }
  })();
  db.close();
  return tokens;
}

/** The sample values of one metric in a /metrics text, by the value of one label. */
function metricByLabel(text, name, label) {
  const out = {};
  for (const m of text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm'))) {
    const key = new RegExp(`${label}="([^"]*)"`).exec(m[1])?.[1];
    if (key !== undefined) out[key] = (out[key] ?? 0) + Number(m[2]);
  }
  return out;
}

/** One unlabelled sample of a /metrics text, or null. */
function metricValue(text, name) {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : null;
}

/** The argon2id cost the server uses (its defaults unless --env changed them). */
function argon2Cost() {
  const memoryKiB = serverEnv.SESSIOND_ARGON2_MEMORY_KIB ?? '19456';
  const timeCost = serverEnv.SESSIOND_ARGON2_TIME_COST ?? '2';
  const isDefault = serverEnv.SESSIOND_ARGON2_MEMORY_KIB === undefined && serverEnv.SESSIOND_ARGON2_TIME_COST === undefined;
  return `argon2id ${memoryKiB} KiB, t=${timeCost}${isDefault ? ' (the default cost)' : ''}`;
}

const loadAverage = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

async function main() {
  const loadBefore = loadAverage();
  tmp = mkdtempSync(join(tmpdir(), 'sessiond-soak-'));
  const dataDir = join(tmp, 'data');
  mkdirSync(dataDir);
  const bootstrapToken = randomBytes(32).toString('base64url');
  const env = {
    SESSIOND_SIGNIN_RATE_LIMIT_PER_MINUTE: '0',
    SESSIOND_SIGNIN_ACCOUNT_RATE_LIMIT_PER_MINUTE: '0',
    SESSIOND_API_RATE_LIMIT_PER_MINUTE: '0',
    ...serverEnv,
  };
  const sd = await startSessiond(procs, {
    dataDir,
    bootstrapToken,
    env,
    cpu: opts.pin ? SERVER_CPU : null,
    processEnv: opts.threadpool ? { UV_THREADPOOL_SIZE: String(opts.threadpool) } : {},
  });
  progress(`sessiond up in ${fmtInt(sd.startupMs)} ms at ${sd.url}; RSS ${mib(rssKiB(sd.pid))}`);

  const t0 = performance.now();
  const users = await createUsers(sd.url, bootstrapToken);
  progress(`created ${fmtInt(users.length)} users through the API in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const tokens = await storeSessions(dataDir, users);
  // Every token once (a storage read each, then the session cache), and each must be active.
  const t1 = performance.now();
  for (let attempt = 0; ; attempt++) {
    const probe = await introspect(sd.url, tokens[0]);
    if (probe.body?.active === true) break;
    if (attempt === 50) throw new Error(`the server does not see the stored sessions: ${JSON.stringify(probe.body)}`);
    await sleep(100);
  }
  await forEachConcurrently(tokens.length, 16, async (i) => {
    const r = await introspect(sd.url, tokens[i]);
    if (r.status !== 200 || r.body?.active !== true) throw new Error(`a stored token is not active: ${r.status} ${JSON.stringify(r.body)}`);
  });
  progress(`stored ${fmtInt(tokens.length)} sessions and introspected each once in ${((performance.now() - t1) / 1000).toFixed(1)} s`);

  const kinds = [
    {
      name: 'introspection',
      share: mix[0],
      method: 'POST',
      path: INTROSPECT_PATH,
      bodies: tokens.map((token) => JSON.stringify({ token })),
      expect: [200],
      introspection: true,
    },
    {
      name: 'sign-in',
      share: mix[1],
      method: 'POST',
      path: '/v1/sessions',
      bodies: users.map((u) => JSON.stringify({ loginName: u.loginName, password: u.password })),
      expect: [201],
    },
    // From the other end of the token list; introspection finds these ended (active:false, not an error).
    {
      name: 'revocation',
      share: mix[2],
      method: 'POST',
      path: '/v1/sessions/revoke',
      bodies: [...tokens].reverse().map((token) => JSON.stringify({ token })),
      expect: [204],
    },
  ].filter((k) => k.share > 0);

  const rss = [];
  let sampler = null;
  progress(`load: ${opts.warmupS} s warm-up, then ${opts.durationS} s measured, ${opts.connections} connections, mix ${mix.join('/')} …`);
  const rssBeforeKiB = rssKiB(sd.pid);
  const result = await runLoad(procs, {
    tmp,
    serverPid: sd.pid,
    cpu: opts.pin ? LOAD_CPU : null,
    config: { url: sd.url, connections: opts.connections, warmupSeconds: opts.warmupS, durationSeconds: opts.durationS, kinds },
    onMeasureStart: () => {
      const start = performance.now();
      // A scrape resets the event loop delay figures of /metrics: the next one covers the measured load.
      fetch(`${sd.url}/metrics`).then(
        (r) => r.arrayBuffer(),
        () => undefined,
      );
      rss.push({ s: 0, kib: rssKiB(sd.pid) });
      sampler = setInterval(() => {
        const s = Math.round((performance.now() - start) / 1000);
        if (s <= opts.durationS) rss.push({ s, kib: rssKiB(sd.pid) });
        if (s % 10 === 0) progress(`  ${s} s: RSS ${mib(rss.at(-1).kib)}`);
      }, 1000);
    },
  });
  clearInterval(sampler);
  const rssAt = (s) => rss.reduce((best, x) => (Math.abs(x.s - s) < Math.abs(best.s - s) ? x : best), rss[0]);
  const rssFrom = rssAt(rssFromSecond());
  const rssEnd = rss.at(-1);
  const growth = (rssEnd.kib - rssFrom.kib) / rssFrom.kib;

  const metrics = await (await fetch(`${sd.url}/metrics`)).text();
  const signIns = metricByLabel(metrics, 'sessiond_sign_ins_total', 'result');
  const ended = metricByLabel(metrics, 'sessiond_sessions_ended_total', 'reason');
  const lag = (name) => metricValue(metrics, `sessiond_process_nodejs_eventloop_lag_${name}_seconds`);
  // The server's own view over the measured load: how late a 10 ms timer fired (prom-client's
  // monitorEventLoopDelay records the whole interval, so an idle loop reads 10 ms: subtracted).
  const late = (name) => Math.max(0, lag(name) * 1000 - 10);
  const loopDelay = { p50Ms: late('p50'), p99Ms: late('p99'), maxMs: late('max') };
  const server5xx = Object.entries(metricByLabel(metrics, 'sessiond_http_requests_total', 'status'))
    .filter(([status]) => status.startsWith('5'))
    .reduce((a, [, n]) => a + n, 0);
  await procs.stop(sd.child);
  const exitCode = sd.child.exitCode;
  const loadAfter = loadAverage();
  // Over the last 60 s, that is the measured load: the share of time some task waited for a CPU.
  const pressure = cpuPressure();

  // ---------------------------------------------------------------------------------------
  const k = result.kinds;
  const unexpected = Object.values(k).reduce((a, x) => a + x.unexpected + (x.unparsable ?? 0), 0);
  const errorsTotal = unexpected + result.errors + result.timeouts + server5xx;
  const introP99 = k.introspection.latencyMs.p99;
  const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
  say();
  say(
    `sessiond soak: ${opts.durationS} s measured after ${opts.warmupS} s warm-up, ${opts.connections} connections, ` +
      `${fmtInt(users.length)} users, ${fmtInt(tokens.length)} stored sessions, SQLite (synchronous=FULL)`,
  );
  say(
    `mix of requests sent: ${kinds.map((x) => `${x.name} ${x.share}%`).join(', ')}; ${argon2Cost()}; ` +
      `${opts.pin ? `server on CPU ${SERVER_CPU}, load generator on CPU ${LOAD_CPU}` : `not pinned (${cpus().length} cores shared by server and load generator)`}; ` +
      `UV_THREADPOOL_SIZE ${opts.threadpool ?? '4 (default)'}; node ${process.version}`,
  );
  say();
  say(
    `${'kind'.padEnd(15)}${'req/s'.padStart(9)}${'share'.padStart(7)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'p99.9 ms'.padStart(10)}${'max ms'.padStart(9)}  statuses`,
  );
  for (const x of kinds) {
    const r = k[x.name];
    say(
      `${x.name.padEnd(15)}${r.perSec.toFixed(1).padStart(9)}${fmtPct(r.responses / Math.max(1, result.responses)).padStart(7)}${fmtMs(r.latencyMs.p50).padStart(9)}` +
        `${fmtMs(r.latencyMs.p99).padStart(9)}${fmtMs(r.latencyMs.p999).padStart(10)}${fmtMs(r.latencyMs.max).padStart(9)}  ${JSON.stringify(r.statuses)}`,
    );
  }
  say(
    `${'all'.padEnd(15)}${result.reqPerSec.toFixed(1).padStart(9)}  (${fmtInt(result.responses)} responses; server CPU ${result.serverCpu.toFixed(2)} cores, load generator ${result.loadCpu.toFixed(2)})`,
  );
  say();
  const intro = k.introspection;
  say(
    `introspection answers: ${fmtInt(intro.active)} active, ${fmtInt(intro.inactive)} inactive ${JSON.stringify(intro.reasons)} (revoked tokens answer active:false: not errors)`,
  );
  say(
    `errors: unexpected statuses ${unexpected}, socket errors ${result.errors}, timeouts ${result.timeouts}, server 5xx ${server5xx}   ${verdict(errorsTotal === 0)} (must be 0)`,
  );
  for (const x of kinds) if (k[x.name].firstUnexpected) say(`  first unexpected ${x.name} answer: ${k[x.name].firstUnexpected}`);
  say(`introspection p99: ${fmtMs(introP99)} ms   ${verdict(introP99 !== null && introP99 < INTROSPECTION_P99_MAX_MS)} (< ${INTROSPECTION_P99_MAX_MS} ms)`);
  say(
    `server RSS: before load ${mib(rssBeforeKiB)}, second 0 ${mib(rss[0].kib)}, second ${rssFrom.s} ${mib(rssFrom.kib)}, second ${rssEnd.s} ${mib(rssEnd.kib)}: ` +
      `${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}% from second ${rssFrom.s}   ${verdict(growth < RSS_GROWTH_MAX)} (< ${RSS_GROWTH_MAX * 100}%)`,
  );
  say(`server metrics after the run: sign-ins ${JSON.stringify(signIns)}, sessions ended ${JSON.stringify(ended)}`);
  say(
    `server event loop delay over the measured load (its /metrics): p50 ${fmtMs(loopDelay.p50Ms)} ms, p99 ${fmtMs(loopDelay.p99Ms)} ms, max ${fmtMs(loopDelay.maxMs)} ms`,
  );
  say(`server exit code on SIGTERM: ${exitCode}`);
  say(
    `machine load average (1/5/15 min): before ${loadBefore}, after ${loadAfter}` +
      `${pressure ? `; CPU pressure over the last 60 s: some task waited for a CPU ${fmtPct(pressure.avg60)} of the time` : ''} (other work on the same cores disturbs the figures)`,
  );
  if (sd.logs.length) say(`sessiond logged ${sd.logs.length} warning/error line(s), first: ${sd.logs[0]}`);

  const json = {
    at: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? null,
    options: { ...opts, mix, env: serverEnv },
    kinds: k,
    reqPerSec: result.reqPerSec,
    responses: result.responses,
    serverCpu: result.serverCpu,
    loadCpu: result.loadCpu,
    errors: { unexpected, socket: result.errors, timeouts: result.timeouts, server5xx, total: errorsTotal },
    rss: { beforeLoadKiB: rssBeforeKiB, samples: rss, fromSecond: rssFrom.s, growth },
    metrics: { signIns, ended, eventLoopDelay: loopDelay },
    exitCode,
    loadAverage: { before: loadBefore, after: loadAfter },
    cpuPressure: pressure,
    checks: { errors: errorsTotal === 0, rssGrowth: growth < RSS_GROWTH_MAX, introspectionP99: introP99 !== null && introP99 < INTROSPECTION_P99_MAX_MS },
    sessiondLogs: sd.logs.slice(0, 20),
  };
  writeResults('soak.json', json);
  say('figures written to bench/results/soak.json');
  if (!Object.values(json.checks).every(Boolean) || exitCode !== 0) process.exitCode = 1;
}

/** Runs the soak with options other than the command line's (a smoke test of this script at a tiny size). */
export async function soak(o = {}) {
  opts = { ...opts, ...o.opts };
  mix = o.mix ?? mix;
  serverEnv = o.serverEnv ?? serverEnv;
  try {
    await main();
  } finally {
    cleanup.run();
  }
}

if (isMain) {
  cleanup.onExitAndSignals();
  try {
    await main();
  } catch (e) {
    process.stderr.write(`soak failed: ${e?.stack ?? e}\n`);
    process.exitCode = 1;
  } finally {
    cleanup.run();
  }
}
