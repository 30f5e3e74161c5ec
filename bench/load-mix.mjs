// Mixed load for bench/soak.mjs, run by bench/load.mjs when its config has `kinds`: several kinds
// of request, each with its method, path, rotating bodies and expected statuses, in fixed shares
// of the requests sent, over one set of keep-alive connections (autocannon). Each connection
// sends its next request when the previous one is answered, and takes the next slot of one
// shared sequence, so the shares hold exactly, whatever each kind's latency.
//
// config: { url, connections, warmupSeconds, durationSeconds,
//           kinds: [{ name, share, method, path, bodies: [string], expect: [status], introspection? }] }
// Emits {"event":"measure-start"}, {"event":"measure-end"}, then {"event":"result", kinds: {…}, …}.
import autocannon from 'autocannon';
import { latencySummary } from './lib.mjs';

/** A sequence of kind indexes with each kind's share, spread evenly (largest remainder first). */
export function slotSequence(shares) {
  const total = shares.reduce((a, b) => a + b, 0);
  const length = Math.round(total);
  const credit = shares.map(() => 0);
  const sequence = [];
  for (let n = 0; n < length; n++) {
    for (let i = 0; i < shares.length; i++) credit[i] += shares[i] / total;
    let best = 0;
    for (let i = 1; i < shares.length; i++) if (credit[i] > credit[best]) best = i;
    credit[best] -= 1;
    sequence.push(best);
  }
  return sequence;
}

export async function runMix(config, emit) {
  const kinds = config.kinds.map((k) => ({ ...k, next: 0 }));
  const sequence = slotSequence(kinds.map((k) => k.share));
  let slot = 0;
  let recording = false;
  const fresh = () =>
    kinds.map(() => ({ latencies: [], statuses: {}, unexpected: 0, firstUnexpected: null, active: 0, inactive: 0, reasons: {}, unparsable: 0 }));
  let stats = fresh();
  // recordBody (onResponse) and the client's 'response' event run back to back for one response.
  let answered = -1;

  const spec = {
    method: 'POST',
    path: kinds[0].path,
    setupRequest(req, context) {
      const i = sequence[slot];
      slot = slot + 1 === sequence.length ? 0 : slot + 1;
      const k = kinds[i];
      context.kind = i;
      req.method = k.method;
      req.path = k.path;
      req.headers = { ...req.headers, 'content-type': 'application/json' };
      req.body = k.bodies[k.next];
      k.next = k.next + 1 === k.bodies.length ? 0 : k.next + 1;
      return req;
    },
    onResponse(status, body, context) {
      answered = context.kind;
      if (!recording) return;
      const k = kinds[context.kind];
      const s = stats[context.kind];
      s.statuses[status] = (s.statuses[status] ?? 0) + 1;
      if (!k.expect.includes(status)) {
        s.unexpected++;
        s.firstUnexpected ??= `${status} ${String(body).slice(0, 300)}`;
        return;
      }
      if (!k.introspection) return;
      try {
        const answer = JSON.parse(body);
        if (answer.active === true) s.active++;
        else if (answer.active === false) {
          s.inactive++;
          s.reasons[answer.reason] = (s.reasons[answer.reason] ?? 0) + 1;
        } else s.unparsable++;
      } catch {
        s.unparsable++;
      }
    },
  };

  const run = (seconds) =>
    new Promise((resolve, reject) => {
      const instance = autocannon({ url: config.url, connections: config.connections, duration: seconds, requests: [spec], timeout: 10 }, (err, result) =>
        err ? reject(err) : resolve(result),
      );
      instance.on('response', (_client, _status, _bytes, responseTimeMs) => {
        if (recording && answered >= 0) stats[answered].latencies.push(responseTimeMs);
        answered = -1;
      });
    });

  if (config.warmupSeconds > 0) await run(config.warmupSeconds);
  stats = fresh();
  recording = true;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  emit({ event: 'measure-start' });
  const result = await run(config.durationSeconds);
  const elapsedS = Number(process.hrtime.bigint() - t0) / 1e9;
  emit({ event: 'measure-end' });
  recording = false;
  const cpu = process.cpuUsage(cpu0);

  const byKind = {};
  kinds.forEach((k, i) => {
    const s = stats[i];
    const sorted = Float64Array.from(s.latencies).sort();
    byKind[k.name] = {
      responses: s.latencies.length,
      perSec: s.latencies.length / elapsedS,
      latencyMs: latencySummary(sorted),
      statuses: s.statuses,
      unexpected: s.unexpected,
      firstUnexpected: s.firstUnexpected,
      ...(k.introspection ? { active: s.active, inactive: s.inactive, reasons: s.reasons, unparsable: s.unparsable } : {}),
    };
  });
  const responses = Object.values(byKind).reduce((a, k) => a + k.responses, 0);
  emit({
    event: 'result',
    elapsedS,
    responses,
    reqPerSec: responses / elapsedS,
    kinds: byKind,
    errors: result.errors,
    timeouts: result.timeouts,
    resets: result.resets,
    mismatches: result.mismatches,
    loadCpu: (cpu.user + cpu.system) / 1e6 / elapsedS,
    sequence: sequence.map((i) => kinds[i].name[0]).join(''),
  });
}
