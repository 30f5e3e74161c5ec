// How long the admin console's whole-store reads take (the impact preview and the overview judge
// every open session): seeds N sessions, starts sessiond, and times POST /v1/policy/preview and
// GET /v1/overview (median of 3; the overview is reused for 5 s, so its calls are 6 s apart); then
// the cost of "ended is final": a tighter idle timeout (600 s, no write), then the loosening back
// to 1800 s, which first stores the ends of the sessions idle 10-20 minutes (about half).
// Usage: node bench/console-scan.mjs [N] [--postgres]   (--postgres: PostgreSQL + Redis at
// 127.0.0.1, a fresh database and key prefix, both dropped; override with BENCH_PG_URL, BENCH_REDIS_URL)
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childProcesses, fmtInt, median, sleep, startSessiond } from './lib.mjs';
import { seedPostgres, seedSqlite } from './seed.mjs';

const n = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 200_000);
const onPostgres = process.argv.includes('--postgres');
const dataDir = mkdtempSync(join(tmpdir(), 'sessiond-console-scan-'));
const token = randomBytes(32).toString('base64url');
const now = Date.now();
// Last used between 0 and 20 minutes ago, so a 10-minute idle timeout ends about half.
const row = (i) => ({ id: `s${i}`, hash: randomBytes(32).toString('hex'), subject: `u${i % 50_000}`, now: now - (i % 1200) * 1000, ip: '10.0.0.1' });
const cleanup = [];
const env = {};

/** The rows in batches of 10,000. */
function* batches() {
  for (let from = 0; from < n; from += 10_000) yield Array.from({ length: Math.min(10_000, n - from) }, (_, k) => row(from + k));
}
if (onPostgres) {
  const seeded = await seedPostgres(batches());
  cleanup.push(seeded.drop);
  Object.assign(env, seeded.env);
} else {
  await seedSqlite(dataDir, batches());
}

const procs = childProcesses();
const server = await startSessiond(procs, {
  dataDir,
  bootstrapToken: token,
  cpu: null,
  env,
  nodeArgs: process.env.CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.CPU_PROF}`] : [],
});
try {
  // node:http rather than fetch: a loosening over 1M sessions may answer after fetch's 300 s header timeout.
  const call = (method, path, body) =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      const req = request(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      });
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ ms: performance.now() - t0, json: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end(body ? JSON.stringify(body) : undefined);
    });
  const times = { preview: [], overview: [] };
  let last;
  for (let i = 0; i < 3; i++) {
    const p = await call('POST', '/v1/policy/preview', { idleTimeoutSeconds: 600 });
    times.preview.push(p.ms);
    last = p.json;
    times.overview.push((await call('GET', '/v1/overview')).ms);
    await sleep(6_000);
  }
  const tighten = await call('PATCH', '/v1/policy', { idleTimeoutSeconds: 600 });
  const loosen = await call('PATCH', '/v1/policy', { idleTimeoutSeconds: 1800 });
  const ended = await call('GET', '/v1/events?type=session.idle_timeout&limit=1');
  if (loosen.json.idleTimeoutSeconds !== 1800 || !ended.json.items?.length) {
    throw new Error(`loosening failed: ${JSON.stringify(loosen.json)}\n${server.logs.join('\n')}`);
  }
  console.log(
    `${fmtInt(n)} open sessions (${onPostgres ? 'PostgreSQL + Redis' : 'SQLite'}): preview ${median(times.preview).toFixed(0)} ms (${fmtInt(last.sessionsEnded)} would end), overview ${median(times.overview).toFixed(0)} ms; idle 1800 s -> 600 s ${tighten.ms.toFixed(0)} ms, 600 s -> 1800 s ${loosen.ms.toFixed(0)} ms (stores the ${fmtInt(last.sessionsEnded)} ends)`,
  );
} finally {
  await procs.stop(server.child);
  for (const f of cleanup) await f();
  rmSync(dataDir, { recursive: true, force: true });
}
