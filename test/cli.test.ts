import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/storage/index.js';
import { freshStorage, type TestStorage } from './helpers.js';

// The built CLI (`npm test` builds first) in local mode: on a fresh local data directory, or (the
// postgres run) on a fresh PostgreSQL database and Redis prefix given by environment variables.
const dir = mkdtempSync(join(tmpdir(), 'sessiond-cli-'));
const dataDir = join(dir, 'data');
let storage: TestStorage;
beforeAll(async () => {
  storage = await freshStorage();
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await storage.drop();
});

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/sessiond.js', ...args], {
    env: {
      ...process.env,
      SESSIOND_DATA_DIR: dataDir,
      SESSIOND_ARGON2_MEMORY_KIB: '1024',
      SESSIOND_ARGON2_TIME_COST: '1',
      SESSIOND_URL: '',
      SESSIOND_TOKEN: '',
      ...storage.env,
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('CLI', () => {
  it('every command has --help', () => {
    const commands = [
      ['serve'],
      ['credentials', 'create'],
      ['credentials', 'list'],
      ['credentials', 'revoke'],
      ['credentials', 'rotate'],
      ['users', 'add'],
      ['users', 'list'],
      ['users', 'import'],
      ['users', 'unlock'],
      ['sessions', 'list'],
      ['sessions', 'revoke'],
      ['policy', 'get'],
      ['policy', 'set'],
    ];
    for (const c of commands) {
      const r = cli(...c, '--help');
      expect(r.code, c.join(' ')).toBe(0);
      expect(r.out).toContain(`Usage: sessiond ${c.join(' ')}`);
    }
    expect(cli('serve', '--help').out).toContain('SESSIOND_BOOTSTRAP_TOKEN');
  });

  it('adds and lists users, as a table and as JSON', () => {
    const add = cli('users', 'add', 'carol', '--password', 'password-1', '--role', 'admin');
    expect(add.code).toBe(0);
    expect(add.err).toContain('created the bootstrap credential'); // first use of fresh storage
    expect(add.out).toMatch(/loginName\s+carol/);
    const table = cli('users', 'list');
    expect(table.out).toMatch(/LOGINNAME[\s\S]*carol\s+admin\s+default/);
    const json = JSON.parse(cli('users', 'list', '--json').out) as { loginName: string }[];
    expect(json.map((u) => u.loginName)).toEqual(['carol']);
  });

  it('imports a CSV of many users, reporting each rejected row with its reason', () => {
    const rows = ['loginName,password,role'];
    for (let i = 0; i < 300; i++) rows.push(`user${i},password-${i},user`);
    rows.push('badrole,password-x,superuser', 'shortpw,short,user', 'user7,password-dup,user');
    const file = join(dir, 'users.csv');
    writeFileSync(file, `${rows.join('\n')}\n`);
    const r = cli('users', 'import', file, '--no-progress');
    expect(r.out).toContain('created 300, rejected 3');
    expect(r.out).toMatch(/302\s+badrole\s+role must be one of "user", "admin"/);
    expect(r.out).toMatch(/303\s+shortpw\s+password/);
    expect(r.out).toMatch(/304\s+user7\s+409/);
    expect(r.code).toBe(3);
    const jsonl = join(dir, 'users.jsonl');
    writeFileSync(jsonl, '{"loginName":"j1","password":"password-1"}\nnot json\n');
    const j = JSON.parse(cli('users', 'import', jsonl, '--json').out) as { created: number; rejected: { row: number; reason: string }[] };
    expect(j.created).toBe(1);
    expect(j.rejected).toEqual([{ row: 2, loginName: null, reason: 'not valid JSON' }]);
  }, 120_000);

  it('sets and gets the policy; a bad value names the field and changes nothing', () => {
    expect(cli('policy', 'set', 'idleTimeoutSeconds=900', 'onLimit=deny_new').code).toBe(0);
    const p = JSON.parse(cli('policy', 'get', '--json').out) as Record<string, unknown>;
    expect(p).toMatchObject({ idleTimeoutSeconds: 900, onLimit: 'deny_new' });
    const bad = cli('policy', 'set', 'idleTimeoutSeconds=-1');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/idleTimeoutSeconds: must be between 0 and/);
    expect(JSON.parse(cli('policy', 'get', '--json').out)).toMatchObject({ idleTimeoutSeconds: 900 });
  }, 60_000);

  it('users unlock ends a lockout and clears the count of wrong passwords', async () => {
    expect(cli('users', 'add', 'dave', '--password', 'password-1').code).toBe(0);
    const listed = () => (JSON.parse(cli('users', 'list', '--search', 'dave', '--json').out) as Record<string, unknown>[])[0] as Record<string, unknown>;
    const id = listed().id as string;
    // Wrong passwords counted straight in the storage (the CLI cannot sign in): ten lock at the default policy.
    const { databaseUrl } = storage.config;
    const store = await openStore({
      dataDir,
      activityFlushMs: 1000,
      sqliteSynchronous: 'NORMAL',
      ...(databaseUrl ? { databaseUrl, databasePoolSize: 2 } : {}),
    });
    try {
      for (let i = 0; i < 10; i++) await store.countPasswordFailure(id, { atMs: Date.now(), lockAt: 10, expiredLockAtOrBeforeMs: null });
    } finally {
      await store.close();
    }
    expect(listed()).toMatchObject({ locked: true, failedPasswordAttempts: 10 });
    expect(cli('users', 'list', '--search', 'dave').out).toMatch(/LOCKED[\s\S]*dave\s+user\s+default\s+false\s+true/);
    const r = cli('users', 'unlock', id);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`unlocked ${id}`);
    expect(listed()).toMatchObject({ locked: false, lockedUntil: null, failedPasswordAttempts: 0 });
    const unknown = cli('users', 'unlock', 'no-such-user');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/not found/);
  }, 60_000);

  it('creates a credential showing its secret once; list never shows it', () => {
    const c = JSON.parse(cli('credentials', 'create', '--name', 'grafana', '--permission', 'sessions:read', '--json').out) as {
      clientId: string;
      secret: string;
    };
    expect(c.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const list = cli('credentials', 'list');
    expect(list.out).toContain(c.clientId);
    expect(list.out).not.toContain(c.secret);
    expect(cli('credentials', 'revoke', c.clientId).code).toBe(0);
  }, 60_000);
});
