import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../src/storage/index.js';
import { cliSandbox } from './cli-helpers.js';
import { onPostgres } from './helpers.js';
import { freePort } from './process-helpers.js';

const { dir, dataDir, storage, env: cliEnv, cli, spawn } = cliSandbox('sessiond-cli-');

/** The CLI writing into a pipe whose reader has gone before the first write (`| true`): its status and stderr. */
const cliIntoClosedPipe = async (...args: string[]) => {
  const { code, err } = await spawn(args, { closedStdout: true });
  return { code, err };
};

/** The CLI's output into `head -1` (which closes the pipe after one line): what head printed, and the CLI's status and stderr. */
function cliIntoHead(...args: string[]) {
  const command = `${['bin/sessiond.js', ...args].map((a) => `'${a}'`).join(' ')}`;
  const r = spawnSync('bash', ['-c', `"$NODE" ${command} 2>"$ERRORS" | head -1; echo "$\{PIPESTATUS[0]}"; cat "$ERRORS"`], {
    env: { ...cliEnv(), NODE: process.execPath, ERRORS: join(dir, 'head-stderr.txt') },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return r.stdout;
}

describe('CLI', () => {
  it('admin commands never create storage: they name what is missing and what creates it', () => {
    const missing = join(dir, 'nonexistent', 'deep', 'dir');
    const r = cli('policy', 'get', '--data-dir', missing);
    expect(r.code).toBe(1);
    if (onPostgres) {
      expect(r.err).toBe(
        'error: the PostgreSQL database of SESSIOND_DATABASE_URL has no sessiond tables yet: `sessiond serve` or `sessiond init` creates them\n',
      );
    } else {
      expect(r.err).toBe(
        `error: the data directory ${missing} does not exist: \`sessiond serve --data-dir ${missing}\` (or \`sessiond init --data-dir ${missing}\`) creates it; or give --url to act on a running server\n`,
      );
      const empty = join(dir, 'empty');
      mkdirSync(empty);
      expect(cli('users', 'list', '--data-dir', empty).err).toMatch(new RegExp(`^error: no sessiond database in ${empty}: \`sessiond serve`));
      expect(readdirSync(empty)).toEqual([]);
    }
    expect(existsSync(join(dir, 'nonexistent'))).toBe(false);
    // Nor did a write command, or the first read, create anything the second would find.
    expect(cli('users', 'add', 'x', '--password', 'password-1').code).toBe(1);
    expect(cli('policy', 'get').err).toBe(r.err.replaceAll(missing, dataDir));
    expect(existsSync(dataDir)).toBe(false);
  });

  it('init creates the storage and the bootstrap credential once', () => {
    const first = cli('init');
    expect(first.code, first.err).toBe(0);
    expect(first.err).toMatch(/created the bootstrap credential \(client id 'bootstrap'\); its secret, shown once:\n {2}[A-Za-z0-9_-]{43}\n/);
    expect(first.out).toBe(onPostgres ? 'ready: the PostgreSQL database of SESSIOND_DATABASE_URL\n' : `ready: SQLite ${dataDir}/sessiond.db\n`);
    const again = cli('init');
    expect(again.code).toBe(0);
    expect(again.err).toBe('');
  });

  it('--url with nothing listening names the URL and the cause', async () => {
    const port = await freePort();
    const r = cli('users', 'list', '--url', `http://127.0.0.1:${port}`);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`error: cannot reach http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`);
    expect(cli('policy', 'get', '--url', 'not a url').err).toBe("error: --url 'not a url' is not an http:// or https:// URL\n");
  });

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
      ['init'],
      ['backup'],
    ];
    for (const c of commands) {
      const r = cli(...c, '--help');
      expect(r.code, c.join(' ')).toBe(0);
      expect(r.out).toContain(`Usage: sessiond ${c.join(' ')}`);
    }
    expect(cli('serve', '--help').out).toContain('SESSIOND_BOOTSTRAP_TOKEN');
  }, 120_000);

  it('adds and lists users, as a table and as JSON', () => {
    const add = cli('users', 'add', 'carol', '--password', 'password-1', '--role', 'admin');
    expect(add.code).toBe(0);
    expect(add.err).toBe('');
    expect(add.out).toMatch(/loginName\s+carol/);
    const table = cli('users', 'list');
    expect(table.out).toMatch(/LOGINNAME[\s\S]*carol\s+admin\s+default/);
    const json = JSON.parse(cli('users', 'list', '--json').out) as { loginName: string }[];
    expect(json.map((u) => u.loginName)).toEqual(['carol']);
  });

  it('imports a CSV of many users, reporting each rejected row with its code and reason', () => {
    const rows = ['loginName,password,role'];
    for (let i = 0; i < 300; i++) rows.push(`user${i},password-${i},user`);
    rows.push('badrole,password-x,superuser', 'shortpw,short,user', 'user7,password-dup,user');
    const file = join(dir, 'users.csv');
    writeFileSync(file, `${rows.join('\n')}\n`);
    const r = cli('users', 'import', file, '--no-progress');
    expect(r.out).toContain('created 300, skipped 0, rejected 3');
    expect(r.out).toMatch(/302\s+badrole\s+invalid_argument: role must be one of "user", "admin"\n/);
    expect(r.out).toMatch(/303\s+shortpw\s+invalid_argument: password /);
    expect(r.out).toMatch(/304\s+user7\s+already_exists: login name 'user7' already exists\n/);
    expect(r.code).toBe(3);
    const jsonl = join(dir, 'users.jsonl');
    writeFileSync(jsonl, '{"loginName":"j1","password":"password-1"}\nnot json\n{"loginName":"j2","password":"password-2","organizationId":"nope"}\n');
    const j = JSON.parse(cli('users', 'import', jsonl, '--json').out) as { created: number; rejected: { row: number; reason: string }[] };
    expect(j).toEqual({
      created: 1,
      skipped: 0,
      rejected: [
        { row: 2, loginName: null, code: 'invalid_argument', reason: 'invalid_argument: the line is not valid JSON' },
        { row: 3, loginName: 'j2', code: 'not_found', reason: "not_found: organization 'nope' not found" },
      ],
    });
  }, 120_000);

  it('imports the same file again: every row rejected as taken, or with --skip-existing skipped and counted', () => {
    const file = join(dir, 'again.csv');
    writeFileSync(file, ['loginName,password', ...Array.from({ length: 50 }, (_, i) => `again${i},password-${i}`)].join('\n'));
    expect(cli('users', 'import', file).out).toBe('created 50, skipped 0, rejected 0\n');
    const again = cli('users', 'import', file);
    expect(again.code).toBe(3);
    expect(again.out).toMatch(/^created 0, skipped 0, rejected 50\n/);
    expect(again.out.match(/already_exists: login name 'again\d+' already exists/g)).toHaveLength(50);
    const skipping = cli('users', 'import', file, '--skip-existing');
    expect(skipping.code, skipping.err).toBe(0);
    expect(skipping.out).toBe('created 0, skipped 50, rejected 0\n');
  }, 120_000);

  it('a reader that closes the pipe early ends the command quietly with status 0', async () => {
    // Far more than a pipe buffer (64 KiB), so the CLI is still writing when head has gone.
    expect(cli('users', 'list', '--limit', '500', '--json').out.length).toBeGreaterThan(100_000);
    expect(cliIntoHead('users', 'list', '--limit', '500', '--json')).toBe('[\n0\n');
    expect(await cliIntoClosedPipe('policy', 'get')).toEqual({ code: 0, err: '' });
    expect(await cliIntoClosedPipe('users', 'add', 'piped', '--password', 'password-1')).toEqual({ code: 0, err: '' });
    expect(cli('users', 'list', '--search', 'piped').out).toMatch(/piped\s+user/);
  }, 60_000);

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
    const { databaseUrl } = storage().config;
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
