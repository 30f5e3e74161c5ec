// The baseline for bench/introspect.mjs: a bare node:http server that does the least an
// introspection endpoint must do (read the body, parse the JSON) and answers a fixed JSON
// shaped like sessiond's active answer. A GET (whoami, forward-auth) has no body: it needs a
// bearer token, and answers that JSON (whoami) or an empty 200 with the identity headers
// (forward-auth). Prints {"port":n} on stdout once listening.
//
// Usage: node bench/baseline-server.mjs [port]   (0 or nothing: any free port)
import http from 'node:http';

const now = Date.now();
const iso = (ms) => new Date(ms).toISOString();
const answer = Buffer.from(
  JSON.stringify({
    active: true,
    session: {
      id: '9b2f6c1e-4a1d-4f7e-9c55-2d3e8f0a6b71',
      subjectType: 'user',
      userId: 'bench-user-00042',
      credentialId: null,
      organizationId: 'default',
      role: 'user',
      persistent: false,
      active: true,
      endReason: null,
      createdAt: iso(now),
      lastActiveAt: iso(now),
      expiresAt: iso(now + 43_200_000),
      idleExpiresAt: iso(now + 1_800_000),
      endedAt: null,
      location: {
        ip: '10.0.0.42',
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
        country: null,
        city: null,
        lastIp: '127.0.0.1',
      },
    },
  }),
);
const bad = Buffer.from('{"error":{"code":"invalid_request","message":"body must be {\\"token\\":string}"}}');

const identity = {
  'cache-control': 'no-store',
  'x-sessiond-user-id': 'bench-user-00042',
  'x-sessiond-login-name': 'bench-user-00042',
  'x-sessiond-organization-id': 'default',
  'x-sessiond-role': 'user',
  'x-sessiond-session-id': '9b2f6c1e-4a1d-4f7e-9c55-2d3e8f0a6b71',
  'x-sessiond-session-expires': iso(now + 1_800_000),
};

const server = http.createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
  if (req.method === 'GET') {
    const ok = req.headers.authorization?.startsWith('Bearer ') === true;
    const whoami = req.url.startsWith('/v1/sessions/whoami');
    const out = ok && whoami ? answer : ok ? Buffer.alloc(0) : bad;
    const json = out.length > 0 ? { 'content-type': 'application/json; charset=utf-8' } : {};
    res.writeHead(ok ? 200 : 401, { ...(ok ? identity : {}), ...json, 'content-length': out.length });
    res.end(out);
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      body = null;
    }
    const ok = req.method === 'POST' && typeof body?.token === 'string';
    const out = ok ? answer : bad;
    res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json; charset=utf-8', 'content-length': out.length });
    res.end(out);
  });
});

server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, answerBytes: answer.length })}\n`);
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
