// How long the admin console's whole-store reads take (the impact preview and the overview scan
// every open session): seeds N sessions into a fresh SQLite directory, starts sessiond, and times
// POST /v1/policy/preview and GET /v1/overview (median of 3). Usage: node bench/console-scan.mjs [N]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childProcesses, fmtInt, median, sessionInserter, startSessiond } from './lib.mjs';

const n = Number(process.argv[2] ?? 200_000);
const dataDir = mkdtempSync(join(tmpdir(), 'sessiond-console-scan-'));
const token = randomBytes(32).toString('base64url');
const { SqliteStore } = await import('../dist/storage/sqlite/sqlite-store.js');
await (await SqliteStore.open({ dataDir, activityFlushMs: 1000 })).close();
const { default: Database } = await import('better-sqlite3');
const db = new Database(join(dataDir, 'sessiond.db'));
db.pragma('synchronous = OFF');
const insert = sessionInserter(db);
const now = Date.now();
db.transaction(() => {
  for (let i = 0; i < n; i++) {
    // last used between 0 and 20 minutes ago, so a 10-minute idle timeout ends about half
    insert.run({ id: `s${i}`, hash: randomBytes(32).toString('hex'), subject: `u${i % 50_000}`, now: now - (i % 1200) * 1000, ip: '10.0.0.1' });
  }
})();
db.close();

const procs = childProcesses();
const server = await startSessiond(procs, {
  dataDir,
  bootstrapToken: token,
  cpu: null,
  nodeArgs: process.env.CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.CPU_PROF}`] : [],
});
const call = async (method, path, body) => {
  const t0 = performance.now();
  const r = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = await r.json();
  return { ms: performance.now() - t0, json };
};
const times = { preview: [], overview: [] };
let last;
for (let i = 0; i < 3; i++) {
  const p = await call('POST', '/v1/policy/preview', { idleTimeoutSeconds: 600 });
  times.preview.push(p.ms);
  last = p.json;
  times.overview.push((await call('GET', '/v1/overview')).ms);
}
console.log(
  `${fmtInt(n)} open sessions (SQLite): preview ${median(times.preview).toFixed(0)} ms (${fmtInt(last.sessionsEnded)} would end), overview ${median(times.overview).toFixed(0)} ms`,
);
await procs.stop(server.child);
rmSync(dataDir, { recursive: true, force: true });
