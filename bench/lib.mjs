// Helpers shared by the benchmarks: bench/introspect.mjs (introspection against a baseline),
// bench/soak.mjs (mixed load over a minute), bench/console-scan.mjs and bench/load.mjs (the load
// generator they spawn). Flags are in bench/flags.mjs, seeding in bench/seed.mjs.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const benchDir = dirname(fileURLToPath(import.meta.url));
export const root = join(benchDir, '..');
export const TASKSET = '/usr/bin/taskset';
/** The server runs on this core, the load generator on the other (2-core machines). */
export const SERVER_CPU = '0';
export const LOAD_CPU = '1';
export const INTROSPECT_PATH = '/v1/sessions/introspect';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** The p-th percentile (nearest rank) of an ascending array; null when empty. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}
/** p50, p90, p99, p99.9 and max of an ascending array of latencies (null each when empty). */
export const latencySummary = (sorted) => ({
  p50: percentile(sorted, 50),
  p90: percentile(sorted, 90),
  p99: percentile(sorted, 99),
  p999: percentile(sorted, 99.9),
  max: percentile(sorted, 100),
});
export const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
export const fmtMs = (n) => (n === null || n === undefined ? '-' : n.toFixed(2));
export const fmtPct = (x) => `${Math.round(x * 100)}%`;
export const mib = (kib) => `${(kib / 1024).toFixed(1)} MiB`;

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process (all threads), in seconds. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / clockTicks;
}

/** Resident set size of a process in KiB, or null. */
export function rssKiB(pid) {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : null;
}

/** Share of the last 10 s and 60 s in which runnable tasks waited for a CPU (Linux PSI), or null. */
export function cpuPressure() {
  try {
    const m = /^some avg10=(\S+) avg60=(\S+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return m ? { avg10: Number(m[1]) / 100, avg60: Number(m[2]) / 100 } : null;
  } catch {
    return null;
  }
}

export function processName(pid) {
  return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
}

/**
 * Child processes of a benchmark, each keeping the last 40 lines of its stderr (`child.tail`),
 * so a failure can say why; `killAll` ends those still running (on exit and on signals).
 */
export function childProcesses() {
  const children = new Set();
  return {
    start(args, o = {}) {
      const child = spawn(args[0], args.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], ...o });
      children.add(child);
      child.once('exit', () => children.delete(child));
      const tail = [];
      createInterface({ input: child.stderr }).on('line', (line) => {
        tail.push(line);
        if (tail.length > 40) tail.shift();
      });
      child.tail = tail;
      return child;
    },
    /** SIGTERM, then SIGKILL after `timeoutMs`; resolves once it has exited. */
    async stop(child, timeoutMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
    killAll() {
      for (const c of children) {
        try {
          c.kill('SIGKILL');
        } catch {}
      }
    },
  };
}

/**
 * A benchmark's synchronous clean-up, run once: ends its child processes and removes its scratch
 * directory (`dir()`, null while there is none). `onExitAndSignals()` runs it on exit and on
 * SIGINT, SIGTERM and SIGHUP (then exits 130).
 */
export function exitCleanup(procs, dir) {
  let cleaned = false;
  const run = () => {
    if (cleaned) return;
    cleaned = true;
    procs.killAll();
    const d = dir();
    if (d) rmSync(d, { recursive: true, force: true });
  };
  return {
    run,
    onExitAndSignals() {
      process.on('exit', run);
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
        process.once(signal, () => {
          process.stderr.write(`\n${signal}: stopping child processes and removing ${dir() ?? 'nothing'}\n`);
          run();
          process.exit(130);
        });
      }
    },
  };
}

/**
 * Starts `sessiond serve` (bin/sessiond.js → dist/) on a free port with only the SESSIOND_ settings
 * given in `env` (none inherited), pinned to `cpu` (null: not pinned); resolves once /healthz answers.
 * Its JSON log lines (stdout) are kept in `logs` (the first 200).
 */
export async function startSessiond(procs, { dataDir, bootstrapToken, env = {}, cpu = SERVER_CPU, nodeArgs = [], processEnv = {} }) {
  const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SESSIOND_')));
  Object.assign(childEnv, processEnv, {
    SESSIOND_PORT: '0',
    SESSIOND_HOST: '127.0.0.1',
    SESSIOND_DATA_DIR: dataDir,
    SESSIOND_BOOTSTRAP_TOKEN: bootstrapToken,
    SESSIOND_LOG_LEVEL: 'warn',
    ...env,
  });
  const t0 = performance.now();
  const cmd = [process.execPath, ...nodeArgs, join(root, 'bin/sessiond.js'), 'serve'];
  const child = procs.start(cpu === null ? cmd : [TASKSET, '-c', cpu, ...cmd], { env: childEnv });
  const logs = [];
  createInterface({ input: child.stdout }).on('line', (l) => logs.length < 200 && logs.push(l));
  const url = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stderr });
    rl.on('line', (line) => {
      const m = /sessiond listening on (http:\/\/\S+)/.exec(line);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`sessiond exited (${code}) during start-up:\n${child.tail.join('\n')}`)));
  });
  for (;;) {
    try {
      const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      await r.arrayBuffer();
      if (r.status === 200) break;
    } catch {}
    if (performance.now() - t0 > 120_000) throw new Error('sessiond did not answer /healthz within 120 s');
    await sleep(5);
  }
  if (cpu !== null && processName(child.pid) !== 'node') throw new Error(`pid ${child.pid} is '${processName(child.pid)}', not node: taskset did not exec`);
  return { child, pid: child.pid, url, port: Number(new URL(url).port), startupMs: performance.now() - t0, logs };
}

/** POSTs `body` as JSON with `headers`; the status, answer text and size, and the parsed answer (null if not JSON). */
export async function postJson(url, path, body, headers = {}) {
  const r = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  let parsed = null;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: r.status, text, bytes: Buffer.byteLength(text), body: parsed };
}

/** One introspection: status, answer size and parsed body. */
export const introspect = (url, token) => postJson(url, INTROSPECT_PATH, { token });

/**
 * Runs bench/load.mjs with `config` (written to `<tmp>/load-<n>.json`), pinned to `cpu` (null: not
 * pinned), and resolves with its result plus `serverCpu` (cores the server used while measured).
 * `onMeasureStart` is called when the measured part begins.
 */
let loadRuns = 0;
export function runLoad(procs, { tmp, config, serverPid, cpu = LOAD_CPU, onMeasureStart = () => {} }) {
  const file = join(tmp, `load-${++loadRuns}.json`);
  writeFileSync(file, JSON.stringify(config));
  const cmd = [process.execPath, join(benchDir, 'load.mjs'), file];
  const child = procs.start(cpu === null ? cmd : [TASKSET, '-c', cpu, ...cmd]);
  return new Promise((resolve, reject) => {
    let cpu0 = 0;
    let t0 = 0;
    let serverCpu = null;
    let result = null;
    createInterface({ input: child.stdout }).on('line', (line) => {
      const msg = JSON.parse(line);
      if (msg.event === 'measure-start') {
        cpu0 = cpuSeconds(serverPid);
        t0 = performance.now();
        onMeasureStart();
      } else if (msg.event === 'measure-end') {
        serverCpu = (cpuSeconds(serverPid) - cpu0) / ((performance.now() - t0) / 1000);
      } else if (msg.event === 'result') {
        result = { ...msg, serverCpu };
      }
    });
    child.once('exit', (code) => {
      if (result && code === 0) resolve(result);
      else reject(new Error(`load generator failed (exit ${code}):\n${child.tail.join('\n')}`));
    });
  });
}

/** Writes `json` to bench/results/<name>, formatted the way Biome (which checks bench/**) would leave it. */
export function writeResults(name, json) {
  mkdirSync(join(benchDir, 'results'), { recursive: true });
  const file = join(benchDir, 'results', name);
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  try {
    execFileSync(join(root, 'node_modules', '.bin', 'biome'), ['format', '--write', file], { stdio: 'ignore' });
  } catch {}
  return file;
}

/**
 * A fresh PostgreSQL database on the server of `adminUrl`, with sessiond's own migrations applied;
 * `url` names it, `drop()` removes it (closing other connections).
 */
export async function createBenchDatabase(adminUrl) {
  const { default: pg } = await import('pg');
  const name = `sessiond_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const { PostgresStore } = await import('../dist/storage/postgres/postgres-store.js');
  await (await PostgresStore.open({ url: url.href, poolSize: 2, activityFlushMs: 1000 })).close();
  return {
    name,
    url: url.href,
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Deletes every key under `prefix` from the Redis at `url`. */
export async function dropRedisKeys(url, prefix) {
  const { Redis } = await import('ioredis');
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await r.connect();
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await r.del(...keys);
  } while (cursor !== '0');
  r.disconnect();
}
