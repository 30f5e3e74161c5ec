// Load generator for bench/introspect.mjs: runs in its own process (pinned to its own core
// by the parent), drives autocannon's programmatic API and prints one JSON line per event
// on stdout: {"event":"measure-start"}, {"event":"measure-end"}, then {"event":"result",…}.
//
// Usage: node bench/load.mjs <config.json>
//   config: { url, path, connections, warmupSeconds, durationSeconds, headers?, method? (POST),
//             body? (fixed string) | bodiesFile? (JSON array of strings, rotated per request;
//             with method GET: tokens, sent as Authorization: Bearer, no body),
//             sampleEvery? (check every n-th 2xx body for "active":true; 0 = off; an empty
//             body, forward-auth's 200, counts as active) }
//   or, with `kinds`, a mix of requests in fixed shares: see bench/load-mix.mjs (bench/soak.mjs).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import autocannon from 'autocannon';
import { latencySummary } from './lib.mjs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const emit = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

if (config.kinds) {
  const { runMix } = await import('./load-mix.mjs');
  await runMix(config, emit);
  process.exit(0);
}

const bodies = config.bodiesFile ? JSON.parse(readFileSync(config.bodiesFile, 'utf8')) : null;
const method = config.method ?? 'POST';
const isGet = method === 'GET';
let next = 0;

// Rotating bodies through `setupRequest` makes autocannon rebuild every request (object
// copies, header join, two buffers), which costs ~30% of its core: enough to make the
// load generator, not the baseline server, the bottleneck. So the rotated requests are
// built once, byte for byte what autocannon's builder would send, and handed out by
// overriding the client's getRequestBuffer(). If autocannon's internals ever change,
// this falls back to setupRequest (and says so in the result).
let prebuilt = null;
const Client = (() => {
  try {
    return createRequire(import.meta.url)('autocannon/lib/httpClient.js');
  } catch {
    return null;
  }
})();
if (bodies && typeof Client?.prototype?.getRequestBuffer === 'function' && !config.noPrebuild) {
  const host = new URL(config.url).host;
  const extra = Object.entries(config.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`);
  prebuilt = bodies.map((body) =>
    Buffer.from(
      isGet
        ? `GET ${config.path} HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\n${extra.join('')}authorization: Bearer ${body}\r\n\r\n`
        : `POST ${config.path} HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\ncontent-type: application/json\r\n${extra.join('')}` +
            `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    ),
  );
  Client.prototype.getRequestBuffer = () => {
    const b = prebuilt[next];
    next = next + 1 === prebuilt.length ? 0 : next + 1;
    return b;
  };
}
const sampleEvery = config.sampleEvery ?? 0;
const samples = { checked: 0, active: 0, other: 0, first: null };
let seen2xx = 0;

function requestSpec(sample) {
  const spec = {
    method,
    path: config.path,
    headers: { ...(isGet ? {} : { 'content-type': 'application/json' }), ...(config.headers ?? {}) },
  };
  if (prebuilt) {
    if (!isGet) spec.body = bodies[0]; // placeholder: getRequestBuffer() sends the prebuilt requests
  } else if (bodies) {
    // A different token on every request, round-robin over the pool.
    spec.setupRequest = (req) => {
      if (isGet) req.headers = { ...req.headers, authorization: `Bearer ${bodies[next]}` };
      else req.body = bodies[next];
      next = next + 1 === bodies.length ? 0 : next + 1;
      return req;
    };
  } else {
    spec.body = config.body;
  }
  if (sample && sampleEvery > 0) {
    spec.onResponse = (status, body) => {
      if (status < 200 || status > 299 || ++seen2xx % sampleEvery !== 0) return;
      samples.checked++;
      if (body === '') {
        samples.active++;
        return;
      }
      try {
        const parsed = JSON.parse(body);
        if (parsed.active === true) samples.active++;
        else samples.other++;
      } catch {
        samples.other++;
      }
      samples.first ??= body;
    };
  }
  return spec;
}

function run(seconds, measure) {
  return new Promise((resolve, reject) => {
    const latencies = measure ? new Float64Array(4_000_000) : null;
    let n = 0;
    const statuses = {};
    const instance = autocannon(
      {
        url: config.url,
        connections: config.connections,
        duration: seconds,
        requests: [requestSpec(measure)],
        timeout: 10,
      },
      (err, result) => {
        if (err) return reject(err);
        resolve({ result, latencies, n, statuses });
      },
    );
    if (measure) {
      instance.on('response', (_client, statusCode, _bytes, responseTime) => {
        if (n < latencies.length) latencies[n] = responseTime;
        n++;
        statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      });
    }
  });
}

if (config.warmupSeconds > 0) await run(config.warmupSeconds, false);

const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
emit({ event: 'measure-start' });
const { result, latencies, n, statuses } = await run(config.durationSeconds, true);
const elapsedS = Number(process.hrtime.bigint() - t0) / 1e9;
emit({ event: 'measure-end' });
const cpu = process.cpuUsage(cpu0);

const sorted = latencies.subarray(0, Math.min(n, latencies.length)).sort();
const ok = Object.entries(statuses).reduce((sum, [code, count]) => (code >= 200 && code <= 299 ? sum + count : sum), 0);
emit({
  event: 'result',
  elapsedS,
  responses: n,
  ok,
  reqPerSec: n / elapsedS,
  okPerSec: ok / elapsedS,
  latencyMs: latencySummary(sorted),
  statuses,
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  mismatches: result.mismatches,
  resets: result.resets,
  autocannon: { reqPerSecAvg: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 },
  samples,
  loadCpu: (cpu.user + cpu.system) / 1e6 / elapsedS,
  rotation: bodies ? (prebuilt ? 'prebuilt' : 'setupRequest') : 'fixed',
  distinctBodies: bodies ? bodies.length : 1,
});
