import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BOOTSTRAP, freshStorage, onPostgres, startTestApp, type TestStorage } from './helpers.js';
import { exited, freePort, startServer } from './process-helpers.js';

// Secrets never at rest or in logs: a server (in process, and a real `sessiond serve` process)
// goes through users with passwords, wrong passwords, credentials and their rotation, sign-ins,
// Looker logins, ZITADEL sessions with password checks, password changes and revocations, with
// debug logs; then every file of its data directory (the database, its -wal and -shm files), on
// the PostgreSQL run every row of every table and every Redis key of the app, and every log line
// are searched for each secret in plain text, base64 (at each alignment), hex, and for the raw
// bytes of each token. Hashes of secrets are stored on purpose; the secrets themselves never.

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers
type Answer = { status: number; body: any; cookie: string | null };
type Call = (method: string, path: string, body?: unknown, o?: { token?: string | null; form?: string }) => Promise<Answer>;

function caller(base: string): Call {
  return async (method, path, body, o = {}) => {
    const token = o.token === undefined ? BOOTSTRAP : o.token;
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    let payload: string | undefined;
    if (o.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = o.form;
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const r = await fetch(`${base}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    const text = await r.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: r.status, body: parsed, cookie: r.headers.get('set-cookie') };
  };
}

/** Runs the scenario; returns every secret it used or was given. */
async function scenario(call: Call): Promise<string[]> {
  const secrets: string[] = [BOOTSTRAP];
  const keep = (s: unknown) => {
    expect(typeof s).toBe('string');
    secrets.push(s as string);
    return s as string;
  };
  const ok = (r: { status: number; body: unknown }, status: number) => {
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers
    return r.body as any;
  };
  const pw1 = keep('Pw-initial-7f3a9c1e5b2d');
  const pw2 = keep('Pw-changed-4e8b1a6c9d0f');
  const pw3 = keep('Pw-adminset-2c7e9f4a1b8d');
  const wrong = keep('Pw-wrong-guess-9a1c3e5f7b');
  const bobPw = keep('Pw-bob-admin-6d2f8a0c4e1b');

  const alice = ok(await call('POST', '/v1/users', { loginName: 'alice', password: pw1 }), 201);
  ok(await call('POST', '/v1/users', { loginName: 'bob', password: bobPw, role: 'admin' }), 201);
  // A bad request carrying a password (a field error, and a body that is not JSON).
  ok(await call('POST', '/v1/users', { loginName: '', password: keep('Pw-rejected-user-3b5d7f9a1c') }), 400);
  expect((await call('POST', '/v1/sessions', `{"loginName":"alice","password":"${keep('Pw-broken-json-8c0e2a4b6d')}"`, { token: null })).status).toBe(400);

  const signIn = async (loginName: string, password: string) =>
    keep(ok(await call('POST', '/v1/sessions', { loginName, password }, { token: null }), 201).token);
  const t1 = await signIn('alice', pw1);
  const t2 = await signIn('alice', pw1);
  await signIn('bob', bobPw);
  ok(await call('POST', '/v1/sessions', { loginName: 'alice', password: wrong }, { token: null }), 401);
  for (const token of [t1, t2]) expect(ok(await call('POST', '/v1/sessions/introspect', { token }, { token: null }), 200).active).toBe(true);

  const cred = ok(
    await call('POST', '/v1/credentials', { name: 'login-ui', permissions: ['sessions:read', 'sessions:write', 'users:read', 'session_config:read'] }),
    201,
  );
  const credSecret = keep(cred.secret);
  ok(await call('GET', '/v1/users', undefined, { token: credSecret }), 200);
  const rotated = keep(ok(await call('POST', `/v1/credentials/${cred.id}/rotate`), 200).secret);
  expect((await call('GET', '/v1/users', undefined, { token: credSecret })).status).toBe(401);

  // Looker: client-credentials login, then the access token as a credential, then logout.
  const login = ok(await call('POST', '/api/4.0/login', undefined, { token: null, form: `client_id=${cred.clientId}&client_secret=${rotated}` }), 200);
  const access = keep(login.access_token);
  ok(await call('GET', '/api/4.0/session_config', undefined, { token: access }), 200);
  expect(
    (
      await call('POST', '/api/4.0/login', undefined, {
        token: null,
        form: `client_id=${cred.clientId}&client_secret=${keep('wrong-client-secret-5e7a9c1b3d')}`,
      })
    ).status,
  ).toBe(404);
  ok(await call('DELETE', '/api/4.0/logout', undefined, { token: access }), 204);

  // ZITADEL: a session with user and password checks, a wrong password check, a token rotation.
  const z = ok(await call('POST', '/v2/sessions', { checks: { user: { loginName: 'alice' }, password: { password: pw1 } } }, { token: rotated }), 201);
  keep(z.sessionToken);
  expect((await call('PATCH', `/v2/sessions/${z.sessionId}`, { checks: { password: { password: wrong } } }, { token: rotated })).status).toBe(400);
  keep(ok(await call('PATCH', `/v2/sessions/${z.sessionId}`, { checks: { password: { password: pw1 } } }, { token: rotated }), 200).sessionToken);

  // Password changes: by the user (ends the other sessions), then by an administrator.
  ok(await call('POST', '/v1/sessions/password', { token: t1, currentPassword: pw1, newPassword: pw2 }, { token: null }), 200);
  expect(ok(await call('POST', '/v1/sessions/introspect', { token: t2 }, { token: null }), 200).active).toBe(false);
  const t3 = await signIn('alice', pw2);
  ok(await call('PUT', `/v1/users/${alice.id}/password`, { password: pw3 }), 200);
  const t4 = await signIn('alice', pw3);
  // A native token rotation: the old token and the new one must leave no trace either.
  const t5 = keep(ok(await call('POST', '/v1/sessions/rotate', { token: t4 }, { token: null }), 200).token);
  ok(await call('POST', '/v1/sessions/revoke', { token: t5 }, { token: null }), 204);
  // The admin console: its session token travels only in a cookie.
  const consoleSignIn = await call('POST', '/v1/console/session', { secret: BOOTSTRAP }, { token: null });
  expect(consoleSignIn.status).toBe(200);
  keep(/^__Host-sessiond-console=([^;]+)/.exec(consoleSignIn.cookie ?? '')?.[1]);
  expect(ok(await call('POST', '/v1/sessions/introspect', { token: t3 }, { token: null }), 200).active).toBe(false);
  return secrets;
}

/** Every form a secret could be written in: plain, base64 at each of the 3 alignments, hex, and a token's raw bytes. */
function formsOf(secret: string): { form: string; needle: Buffer }[] {
  const plain = Buffer.from(secret, 'utf8');
  const out = [{ form: 'plain', needle: plain }];
  for (let pad = 0; pad < 3; pad++) {
    // base64 of the secret inside a longer value: skip the characters that mix in its neighbours.
    const b64 = Buffer.concat([Buffer.alloc(pad), plain])
      .toString('base64')
      .replace(/=+$/, '');
    const skip = pad === 0 ? 0 : pad === 1 ? 2 : 3;
    const inner = b64.slice(skip, b64.length - 2);
    out.push({ form: `base64/${pad}`, needle: Buffer.from(inner) });
    out.push({ form: `base64url/${pad}`, needle: Buffer.from(inner.replaceAll('+', '-').replaceAll('/', '_')) });
  }
  out.push({ form: 'hex', needle: Buffer.from(plain.toString('hex')) }, { form: 'HEX', needle: Buffer.from(plain.toString('hex').toUpperCase()) });
  if (/^[A-Za-z0-9_-]{43}$/.test(secret)) {
    // A token or generated secret: 32 random bytes in base64url. Its bytes in any encoding are it too.
    const raw = Buffer.from(secret, 'base64url');
    out.push(
      { form: 'raw bytes', needle: raw },
      { form: 'raw bytes as hex', needle: Buffer.from(raw.toString('hex')) },
      { form: 'raw bytes as base64', needle: Buffer.from(raw.toString('base64').replace(/=+$/, '')) },
    );
  }
  return out;
}

/** Where each secret was found, in any form ("<where>: <form> of secret #n"); [] when nowhere. */
function findSecrets(secrets: string[], blobs: [where: string, data: Buffer][]): string[] {
  const found: string[] = [];
  secrets.forEach((secret, i) => {
    for (const { form, needle } of formsOf(secret)) {
      for (const [where, data] of blobs) if (data.includes(needle)) found.push(`${where}: ${form} of secret #${i} (${secret.slice(0, 6)}…)`);
    }
  });
  return found;
}

function filesUnder(dir: string): [string, Buffer][] {
  const out: [string, Buffer][] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push([p, readFileSync(p)]);
  }
  return out;
}

/** On the PostgreSQL run: every row of every table as text, and every Redis key of the app's prefix with its value. */
async function externalStorage(config: {
  databaseUrl?: string | undefined;
  redisUrl?: string | undefined;
  redisPrefix?: string | undefined;
}): Promise<[string, Buffer][]> {
  const out: [string, Buffer][] = [];
  if (config.databaseUrl) {
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: config.databaseUrl });
    await c.connect();
    try {
      const tables = await c.query<{ name: string }>("SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public'");
      for (const { name } of tables.rows) {
        const rows = await c.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ${name} t`);
        out.push([`postgres table ${name}`, Buffer.from(rows.rows.map((r) => r.row).join('\n'))]);
      }
    } finally {
      await c.end();
    }
  }
  if (config.redisUrl && config.redisPrefix) {
    const { Redis } = await import('ioredis');
    const r = new Redis(config.redisUrl);
    try {
      const keys = await r.keys(`${config.redisPrefix}*`);
      for (const key of keys) {
        const dumped = await r.dumpBuffer(key);
        out.push([`redis key ${key}`, Buffer.concat([Buffer.from(key), dumped ?? Buffer.alloc(0)])]);
      }
    } finally {
      r.disconnect();
    }
  }
  return out;
}

/** The PostgreSQL + Redis scan saw the tables with rows (sessions, users, events) and the app's Redis keys. */
function expectScanned(stored: [string, Buffer][]): void {
  const tables = stored.filter(([w, data]) => w.startsWith('postgres table') && data.length > 0).map(([w]) => w);
  expect(tables).toEqual(expect.arrayContaining(['postgres table sessions', 'postgres table users', 'postgres table events']));
  expect(stored.filter(([w]) => w.startsWith('redis key')).length).toBeGreaterThan(0);
}

describe('secrets never at rest or in logs', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('the search finds a secret written in any of the forms it looks for', () => {
    const secret = 'Z9yF3kQ0vT7mW2pR5sX8cB1nD4gH6jL0aE3iO5uY7tA';
    for (const { form, needle } of formsOf(secret)) {
      const blob = Buffer.concat([Buffer.from('prefix:'), needle, Buffer.from(':suffix')]);
      expect(findSecrets([secret], [['blob', blob]]), form).not.toEqual([]);
    }
    // base64 of a longer value that holds the secret at any offset.
    for (const lead of ['', 'a', 'ab', 'abc']) {
      const blob = Buffer.from(Buffer.from(`${lead}{"password":"${secret}"}`).toString('base64'));
      expect(findSecrets([secret], [['b64', blob]]), `lead '${lead}'`).not.toEqual([]);
    }
    expect(findSecrets([secret], [['other', Buffer.from('nothing to see here')]])).toEqual([]);
  });

  it('in process: not in the data directory (database, -wal), the storage, nor the debug logs', async () => {
    const t = await startTestApp({ signInRateLimitPerMinute: 0, signInAccountRateLimitPerMinute: 0, logLevel: 'debug' }, { listen: true });
    cleanups.push(() => t.close());
    const secrets = await scenario(caller(t.url));
    const files = filesUnder(t.dataDir);
    if (!onPostgres) {
      expect(files.map(([p]) => p.slice(t.dataDir.length + 1))).toEqual(expect.arrayContaining(['sessiond.db', 'sessiond.db-wal']));
      expect(files.find(([p]) => p.endsWith('-wal'))?.[1].length).toBeGreaterThan(0);
    }
    const logs = Buffer.from(t.logs.lines.join(''));
    expect(logs.toString()).toContain('"level":20'); // debug lines were written
    const stored = [...files, ...(await externalStorage(t.config))];
    if (onPostgres) expectScanned(stored);
    expect(findSecrets(secrets, [...stored, ['logs', logs]])).toEqual([]);
    // Stop (flushing write-behind and checkpointing) and look again.
    await t.app.stop();
    expect(findSecrets(secrets, filesUnder(t.dataDir))).toEqual([]);
  }, 60_000);

  it('a sessiond process: not in its data directory, its storage, nor its stdout/stderr at debug level', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sessiond-secrets-'));
    const storage: TestStorage = await freshStorage();
    cleanups.push(async () => {
      rmSync(dataDir, { recursive: true, force: true });
      await storage.drop();
    });
    const server = await startServer(dataDir, await freePort(), {
      ...storage.env,
      SESSIOND_LOG_LEVEL: 'debug',
      SESSIOND_SIGNIN_RATE_LIMIT_PER_MINUTE: '0',
      SESSIOND_SIGNIN_ACCOUNT_RATE_LIMIT_PER_MINUTE: '0',
    });
    let secrets: string[] = [];
    try {
      secrets = await scenario(caller(server.base));
      const stored = await externalStorage(storage.config);
      if (onPostgres) expectScanned(stored);
      expect(findSecrets(secrets, [...filesUnder(dataDir), ...stored])).toEqual([]);
    } finally {
      server.child.kill('SIGTERM');
      expect((await exited(server.child)).code).toBe(0);
    }
    expect(server.stdout()).toContain('"level":20');
    expect(findSecrets(secrets, [['stdout', Buffer.from(server.stdout())], ['stderr', Buffer.from(server.stderr())], ...filesUnder(dataDir)])).toEqual([]);
  }, 60_000);
});
