// Turns a V8 .cpuprofile (node --cpu-prof, e.g. `node bench/introspect.mjs --cpu-prof`) into a
// table of where the busy time went, by category of per-request work, in µs per request.
//
// Usage: node bench/profile-summary.mjs <file.cpuprofile> [--requests N] [--after-gap S] [--all]
//   --requests N   requests served in the window (for bench/introspect.mjs: the session cache's
//                  hits it prints, as priming's are misses): adds a µs/request column
//   --after-gap S  the window starts after the first idle stretch of S seconds (default 2) that
//                  follows the first request: with the bench, priming is left out and the rounds
//                  (each after the baseline's run, while sessiond is idle) are in
//   --cpu-us X     the process's CPU µs per request measured outside the profile (the bench's
//                  "CPU µs/req"): the µs/request column is then each category's share of X
//   --since F      the window starts where the window of profile F starts (same process): for
//                  the activity worker thread's profile, pass the main thread's
//   --all          count the whole profile (start-up included); idle samples never count
//   --detail N     under each category, its N costliest leaf functions
//
// A sample's time is the gap to the next one, capped at twice the median gap: a longer gap is
// time the thread was not running (another process or thread had the core), which the next
// sample cannot tell apart from work. Each sample goes to the category of the nearest frame (from the leaf up) that a rule below
// matches, so a native call is charged to the step that made it (a SHA-256 to the token hash,
// a writev to writing the answer). Unmatched samples go to "other: <leaf's module>".
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    requests: { type: 'string' },
    'after-gap': { type: 'string', default: '2' },
    detail: { type: 'string', default: '0' },
    'cpu-us': { type: 'string' },
    since: { type: 'string' },
    all: { type: 'boolean', default: false },
  },
});
if (positionals.length !== 1) {
  process.stderr.write('usage: node bench/profile-summary.mjs <file.cpuprofile> [--requests N] [--after-gap S] [--all]\n');
  process.exit(2);
}

/** [category, url part or null, function names or null (any)], first match wins for a frame. */
const RULES = [
  ['activity recording', 'activity-buffer', ['record']],
  ['activity recording', 'session-cache', ['touch']],
  ['activity recording', 'sqlite-store', ['recordActivity']],
  ['activity recording', 'sessions.js', ['used']],
  ['activity flush (main thread)', 'activity-buffer', ['flush']],
  ['activity flush (main thread)', 'activity-writer', null],
  ['activity flush (main thread)', 'sqlite-store', ['writeActivity', 'flush']],
  ['check: pending use overlay', 'activity-buffer', ['overlay', 'peek']],
  ['check: pending use overlay', 'sqlite-store', ['withPendingActivity']],
  ['check: token hash', 'tokens.js', ['hashSecret', 'looksLikeSecret']],
  ['check: cache lookup', 'session-cache', null],
  ['check: cache lookup', 'cache-coherence', null],
  ['check: cache lookup', 'sqlite-store', ['findCachedSessionByTokenHash', 'noticeExternalWrites']],
  ['check: cache lookup', 'lru-cache', null],
  ['check: evaluateSession and policy', 'policy', null],
  [
    'check: evaluateSession and policy',
    'sessions.js',
    ['judgeUse', 'mayMissOtherNodesUse', 'introspectIfCached', 'judged', 'observeTimeEnd', 'activityGranularityMs'],
  ],
  ['check: evaluateSession and policy', 'policies', null],
  ['activity writes (worker thread)', 'activity-worker', null],
  ['pragmas (the worker: WAL checkpoints)', 'pragma', ['pragma']],
  ['storage read (cache miss)', 'better-sqlite3', null],
  ['storage read (cache miss)', 'sqlite-store', ['findSessionByTokenHash']],
  ['answer building (template, ISO dates)', 'answer-template', null],
  ['answer building (template, ISO dates)', 'views', null],
  ['metrics (counter, histogram)', 'prom-client', null],
  ['metrics (counter, histogram)', 'request-metrics', null],
  ['request id (UUID, X-Request-Id check)', null, ['randomUUID', 'secureBuffer', 'getRandomValues']],
  ['tracing', 'tracing', null],
  ['tracing', '@opentelemetry', null],
  ['logging', 'pino', null],
  ['body: concat, UTF-8 check, JSON.parse, validate', null, ['isUtf8', 'parse', 'concat']],
  ['body: concat, UTF-8 check, JSON.parse, validate', 'validate', null],
  ['body: concat, UTF-8 check, JSON.parse, validate', 'typebox', null],
  [
    'HTTP response: headers, write, end',
    null,
    [
      'writeHead',
      'end',
      '_send',
      '_writeRaw',
      'setHeader',
      '_storeHeader',
      'processHeader',
      'writevGeneric',
      'writeGeneric',
      'writeUtf8String',
      'writev',
      '_implicitHeader',
      'resOnFinish',
      '_finish',
    ],
  ],
  ['HTTP response: headers, write, end', '_http_outgoing', null],
  ['fast path glue (route checks, closures)', 'fast-introspect', null],
  ['fast path glue (route checks, closures)', 'baseline-server', null],
  ['server dispatch (ahead handlers, Fastify fallback)', '/server/', null],
  ['server dispatch (ahead handlers, Fastify fallback)', '/dist/app', null],
  ['HTTP parsing and request objects', '_http_common', null],
  ['HTTP parsing and request objects', '_http_server', null],
  ['HTTP parsing and request objects', '_http_incoming', null],
  ['socket read and write (streams, libuv)', 'stream_base_commons', null],
  ['socket read and write (streams, libuv)', 'internal/streams', null],
  ['socket read and write (streams, libuv)', 'node:net', null],
  ['timers and promises (microtasks)', null, ['processTimers', 'listOnTimeout', 'processTicksAndRejections', 'runMicrotasks']],
  ['GC', null, ['(garbage collector)']],
  ['V8 and native, outside JS (program)', null, ['(program)']],
];

const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const matches = (frame, [, url, names]) => (url === null || frame.url.includes(url)) && (names === null || names.includes(frame.functionName));
const categoryOf = new Map();
/** The category of a node: its own if a rule matches it, else its parent's; unmatched leaves by module. */
function category(id) {
  const known = categoryOf.get(id);
  if (known) return known;
  const path = [];
  let found = null;
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const cached = categoryOf.get(at);
    if (cached && !cached.startsWith('other')) {
      found = cached;
      break;
    }
    path.push(at);
    const rule = RULES.find((r) => matches(nodes.get(at).callFrame, r));
    if (rule) {
      found = rule[0];
      break;
    }
  }
  const leaf = nodes.get(id).callFrame;
  const c = found ?? `other: ${leaf.url ? basename(leaf.url).replace(/\.m?js$/, '') : leaf.functionName || '(native)'}`;
  categoryOf.set(id, c);
  return c;
}

/**
 * Where a profile's window starts (µs, the profiles' shared clock): after the first idle
 * stretch of `gapUs` that follows the first sample serving a request (a request handler on its
 * stack); null if there is none.
 */
function windowStartUs(p, gapUs) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const up = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) up.set(c, n.id);
  const serving = new Map();
  const serves = (id) => {
    if (serving.has(id)) return serving.get(id);
    const f = byId.get(id).callFrame;
    const u = up.get(id);
    const r = (f.url.includes('_http_server') && f.functionName === 'parserOnIncoming') || (u !== undefined && serves(u));
    serving.set(id, r);
    return r;
  };
  let at = p.startTime;
  let seen = false;
  let idleRunUs = 0;
  for (let i = 0; i < p.samples.length; i++) {
    at += p.timeDeltas[i] ?? 0;
    const id = p.samples[i];
    seen ||= serves(id);
    if (!seen) continue;
    idleRunUs = byId.get(id).callFrame.functionName === '(idle)' ? idleRunUs + (p.timeDeltas[i + 1] ?? 0) : 0;
    if (idleRunUs >= gapUs) return at;
  }
  return null;
}

const totals = new Map();
/** Per category, time by leaf function (for --detail). */
const leaves = new Map();
let busyUs = 0;
const gapUs = Number(flags['after-gap']) * 1e6;
const sortedDeltas = profile.timeDeltas.slice(1).sort((a, b) => a - b);
const capUs = 2 * (sortedDeltas[Math.floor(sortedDeltas.length / 2)] ?? 1000);
const fromUs = flags.all ? Number.NEGATIVE_INFINITY : windowStartUs(flags.since ? JSON.parse(readFileSync(flags.since, 'utf8')) : profile, gapUs);
if (fromUs === null) {
  process.stderr.write('no idle gap after the first request: pass --all, or a smaller --after-gap\n');
  process.exit(1);
}
let at = profile.startTime;
let idleUs = 0;
for (let i = 0; i < profile.samples.length; i++) {
  at += profile.timeDeltas[i] ?? 0;
  const id = profile.samples[i];
  const dt = Math.min(profile.timeDeltas[i + 1] ?? 0, capUs);
  if (at < fromUs) continue;
  if (nodes.get(id).callFrame.functionName === '(idle)') {
    idleUs += dt;
    continue;
  }
  const c = category(id);
  totals.set(c, (totals.get(c) ?? 0) + dt);
  const f = nodes.get(id).callFrame;
  const leaf = `${f.functionName || '(anonymous)'} ${f.url ? `${basename(f.url)}:${f.lineNumber + 1}` : ''}`;
  const byLeaf = leaves.get(c) ?? new Map();
  byLeaf.set(leaf, (byLeaf.get(leaf) ?? 0) + dt);
  leaves.set(c, byLeaf);
  busyUs += dt;
}

const cpuUs = flags['cpu-us'] ? Number(flags['cpu-us']) : null;
/** Divides a category's profile time into µs per request. */
const requests = cpuUs ? busyUs / cpuUs : flags.requests ? Number(flags.requests) : null;
const rows = [...totals].sort((a, b) => b[1] - a[1]);
const out = [
  `${basename(positionals[0])}: busy ${(busyUs / 1e6).toFixed(2)} s, idle ${(idleUs / 1e6).toFixed(2)} s${cpuUs ? `, scaled to ${cpuUs} CPU µs/request` : requests ? `, ${requests} requests` : ''}`,
  '',
];
out.push(requests ? '| category | ms | share | µs/request |' : '| category | ms | share |');
out.push(requests ? '| --- | --- | --- | --- |' : '| --- | --- | --- |');
for (const [c, us] of rows) {
  const cells = [c, (us / 1000).toFixed(0), `${((us / busyUs) * 100).toFixed(1)}%`];
  if (requests) cells.push((us / requests).toFixed(2));
  out.push(`| ${cells.join(' | ')} |`);
  const top = [...(leaves.get(c) ?? [])].sort((a, b) => b[1] - a[1]).slice(0, Number(flags.detail));
  for (const [leaf, t] of top)
    out.push(`|   ${leaf} | ${(t / 1000).toFixed(0)} | ${((t / busyUs) * 100).toFixed(1)}% |${requests ? ` ${(t / requests).toFixed(2)} |` : ''}`);
}
if (requests) out.push(`| **total** | ${(busyUs / 1000).toFixed(0)} | 100% | ${(busyUs / requests).toFixed(2)} |`);
process.stdout.write(`${out.join('\n')}\n`);
