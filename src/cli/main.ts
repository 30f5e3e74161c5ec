import { Command, Option } from 'commander';
import { configTable } from '../config/config.js';
import { type Api, ApiError, localConfig, openApi } from './api.js';
import { backup } from './backup.js';
import { importUsers } from './import-users.js';
import { describeLocalStorage } from './local-storage.js';
import { endQuietlyWhenOutputCloses, print, printObject } from './output.js';
import { serve } from './serve.js';

const program = new Command('sessiond')
  .description('sessiond: sign-in, opaque session tokens and one session policy behind several compatible APIs')
  .showHelpAfterError()
  .version(process.env.npm_package_version ?? '0.1.0')
  // Not for `serve`: a server whose log pipe broke must not exit 0 as if asked to stop.
  .hook('preAction', (_program, command) => {
    if (command.name() !== 'serve') endQuietlyWhenOutputCloses();
  });

/** Options every admin command shares: where to act, and how to print. */
function adminCommand(parent: Command, name: string, description: string): Command {
  return parent
    .command(name)
    .description(description)
    .option('--url <url>', 'act on a running server (env SESSIOND_URL) instead of the local data directory')
    .option('--token <secret>', 'credential secret for --url (env SESSIOND_TOKEN)')
    .option('--data-dir <dir>', 'local data directory (env SESSIOND_DATA_DIR, default ./data)')
    .option('--json', 'print JSON instead of a table');
}

type Common = { url?: string; token?: string; dataDir?: string; json?: boolean };

/** Prints an error as one line (no stack trace) and sets the exit code: 2 for a refused request, else 1. */
function fail(e: unknown): void {
  process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = e instanceof ApiError && e.status < 500 ? 2 : 1;
}

/** Opens the API (`create`: only `init` may create local storage), runs the command, reports a failure. */
async function withApi(o: Common, fn: (api: Api) => Promise<void>, open: { create?: boolean } = {}): Promise<void> {
  let api: Api | null = null;
  try {
    api = await openApi(o, open);
    await fn(api);
  } catch (e) {
    fail(e);
  } finally {
    await api?.close();
  }
}

program
  .command('serve')
  .description('run the server in the foreground')
  .option('--host <host>', 'address to listen on (env SESSIOND_HOST)')
  .option('--port <port>', 'port (env SESSIOND_PORT)', (v) => Number.parseInt(v, 10))
  .option('--data-dir <dir>', 'SQLite data directory (env SESSIOND_DATA_DIR)')
  .addHelpText(
    'after',
    `\nConfiguration (environment variables):\n${configTable()
      .map((r) => `  ${r.env.padEnd(36)} ${r.description} [default: ${r.default}]`)
      .join('\n')}\n`,
  )
  .action(serve);

program
  .command('init')
  .description('create the local data directory and database (or the PostgreSQL tables) and the bootstrap credential, as the first `serve` does')
  .option('--data-dir <dir>', 'local data directory (env SESSIOND_DATA_DIR, default ./data)')
  .addHelpText('after', '\nPrints the bootstrap secret once, on stderr (unless SESSIOND_BOOTSTRAP_TOKEN chooses it). Storage that exists is left as it is.\n')
  .action((o: { dataDir?: string }) =>
    withApi(
      o,
      async () => {
        process.stdout.write(`ready: ${describeLocalStorage(localConfig(o.dataDir))}\n`);
      },
      { create: true },
    ),
  );

program
  .command('backup')
  .description('copy the SQLite database to <file>, consistently, also while a server runs on the data directory')
  .argument('<file>', 'the copy to write (must not exist)')
  .option('--data-dir <dir>', 'local data directory (env SESSIOND_DATA_DIR, default ./data)')
  .option('--no-progress', 'no progress bar')
  .addHelpText(
    'after',
    '\nRestore: stop the server, put the copy in place as <data-dir>/sessiond.db (removing sessiond.db-wal and sessiond.db-shm), start it.\nOn PostgreSQL use pg_dump instead (docs/deployment.md, "Backup and restore").\n',
  )
  .action((file: string, o: { dataDir?: string; progress: boolean }) =>
    backup(file, { ...(o.dataDir ? { dataDir: o.dataDir } : {}), progress: o.progress && process.stderr.isTTY === true }).catch(fail),
  );

// credentials
const credentials = program.command('credentials').description('API credentials (client id + secret)');
adminCommand(credentials, 'create', 'create a credential; prints its secret once')
  .requiredOption('--name <name>', 'a name to recognise it by')
  .option('--permission <name...>', 'permissions (e.g. sessions:read, ServiceProviderAPI, admin)', ['admin'])
  .option('--organization <id>', 'limit it to one organization')
  .action((o: Common & { name: string; permission: string[]; organization?: string }) =>
    withApi(o, async (api) => {
      const c = await api.call('POST', '/v1/credentials', {
        name: o.name,
        permissions: o.permission,
        ...(o.organization ? { organizationId: o.organization } : {}),
      });
      printObject(c, o.json);
    }),
  );
adminCommand(credentials, 'list', 'list credentials (never their secrets)').action((o: Common) =>
  withApi(o, async (api) => {
    const r = await api.call<{ items: Record<string, unknown>[] }>('GET', '/v1/credentials');
    print(r.items, { json: o.json, columns: ['clientId', 'name', 'permissions', 'organizationId', 'createdAt', 'revokedAt'] });
  }),
);
adminCommand(credentials, 'revoke', 'revoke a credential')
  .argument('<id>', 'credential id or client id')
  .action((id: string, o: Common) =>
    withApi(o, async (api) => {
      await api.call('DELETE', `/v1/credentials/${encodeURIComponent(id)}`);
      process.stdout.write(`revoked ${id}\n`);
    }),
  );
adminCommand(credentials, 'rotate', 'give a credential a new secret; prints it once')
  .argument('<id>', 'credential id or client id')
  .action((id: string, o: Common) =>
    withApi(o, async (api) => printObject(await api.call('POST', `/v1/credentials/${encodeURIComponent(id)}/rotate`), o.json)),
  );

// users
const users = program.command('users').description('users who sign in with a password');
adminCommand(users, 'add', 'create a user')
  .argument('<loginName>')
  .option('--password <password>', 'password (or env SESSIOND_PASSWORD; avoid shell history)')
  .addOption(new Option('--role <role>', 'role').choices(['user', 'admin']).default('user'))
  .option('--organization <id>', 'organization (default: default)')
  .action((loginName: string, o: Common & { password?: string; role: string; organization?: string }) =>
    withApi(o, async (api) => {
      const password = o.password ?? process.env.SESSIOND_PASSWORD;
      if (!password) throw new Error('give --password or set SESSIOND_PASSWORD');
      const u = await api.call('POST', '/v1/users', { loginName, password, role: o.role, ...(o.organization ? { organizationId: o.organization } : {}) });
      printObject(u, o.json);
    }),
  );
adminCommand(users, 'list', 'list users')
  .option('--organization <id>', 'only this organization')
  .option('--search <text>', 'login names containing this')
  .option('--limit <n>', 'page size', '50')
  .option('--offset <n>', 'skip this many', '0')
  .action((o: Common & { organization?: string; search?: string; limit: string; offset: string }) =>
    withApi(o, async (api) => {
      const q = new URLSearchParams({
        limit: o.limit,
        offset: o.offset,
        ...(o.organization ? { organizationId: o.organization } : {}),
        ...(o.search ? { search: o.search } : {}),
      });
      const r = await api.call<{ items: Record<string, unknown>[]; total: number }>('GET', `/v1/users?${q}`);
      print(r.items, { json: o.json, columns: ['id', 'loginName', 'role', 'organizationId', 'disabled', 'locked', 'createdAt'] });
      if (!o.json) process.stdout.write(`${r.items.length} of ${r.total}\n`);
    }),
  );
adminCommand(users, 'unlock', 'unlock a user locked out for too many wrong passwords (and set their count of wrong passwords to 0)')
  .argument('<id>', 'user id')
  .action((id: string, o: Common) =>
    withApi(o, async (api) => {
      await api.call('POST', `/v1/users/${encodeURIComponent(id)}/unlock`);
      process.stdout.write(`unlocked ${id}\n`);
    }),
  );
adminCommand(users, 'import', 'create many users from a CSV (header: loginName,password,role,organizationId,displayName) or JSON Lines file')
  .argument('<file>', 'a .csv, or a .jsonl/.ndjson file')
  .option('--organization <id>', 'organization for rows that name none')
  .option('--concurrency <n>', 'users created at once (argon2 hashing bounds the rate)', '4')
  .option('--skip-existing', 'leave rows whose login name is taken alone (counted as skipped) instead of rejecting them')
  .option('--no-progress', 'no progress bar')
  .addHelpText(
    'after',
    "\nEach rejected row's reason reads <code>: <message>, e.g. already_exists: login name 'bob' already exists. Exit status 3 when a row was rejected.\n",
  )
  .action((file: string, o: Common & { organization?: string; concurrency: string; progress: boolean; skipExisting?: boolean }) =>
    withApi(o, async (api) => {
      const r = await importUsers(api, file, {
        organizationId: o.organization,
        concurrency: Math.max(1, Number(o.concurrency) || 4),
        progress: o.progress && !o.json && process.stderr.isTTY !== false,
        skipExisting: o.skipExisting === true,
      });
      if (o.json) {
        process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      } else {
        process.stdout.write(`created ${r.created}, skipped ${r.skipped}, rejected ${r.rejected.length}\n`);
        if (r.rejected.length) print(r.rejected, { columns: ['row', 'loginName', 'reason'] });
      }
      if (r.rejected.length) process.exitCode = 3;
    }),
  );

// sessions
const sessions = program.command('sessions').description('sessions');
adminCommand(sessions, 'list', 'list active sessions, newest first')
  .option('--user <id>', "only this user's")
  .option('--organization <id>', 'only this organization')
  .option('--all', 'include ended sessions')
  .option('--limit <n>', 'page size', '50')
  .option('--offset <n>', 'skip this many', '0')
  .action((o: Common & { user?: string; organization?: string; all?: boolean; limit: string; offset: string }) =>
    withApi(o, async (api) => {
      const q = new URLSearchParams({
        limit: o.limit,
        offset: o.offset,
        active: o.all ? 'false' : 'true',
        ...(o.user ? { userId: o.user } : {}),
        ...(o.organization ? { organizationId: o.organization } : {}),
      });
      const r = await api.call<{ items: Record<string, unknown>[]; total: number }>('GET', `/v1/sessions?${q}`);
      const rows = r.items.map((s) => ({ ...s, ip: (s.location as { ip?: string } | undefined)?.ip ?? null }));
      print(o.json ? r.items : rows, {
        json: o.json,
        columns: ['id', 'userId', 'organizationId', 'active', 'endReason', 'createdAt', 'lastActiveAt', 'expiresAt', 'ip'],
      });
    }),
  );
adminCommand(sessions, 'revoke', 'revoke a session, or all sessions of a user')
  .argument('[id]', 'session id')
  .option('--user <id>', 'revoke every session of this user')
  .action((id: string | undefined, o: Common & { user?: string }) =>
    withApi(o, async (api) => {
      if (o.user) {
        const r = await api.call<{ revoked: number }>('DELETE', `/v1/users/${encodeURIComponent(o.user)}/sessions`);
        process.stdout.write(`revoked ${r.revoked} session(s)\n`);
      } else if (id) {
        await api.call('DELETE', `/v1/sessions/${encodeURIComponent(id)}`);
        process.stdout.write(`revoked ${id}\n`);
      } else throw new Error('give a session id or --user <id>');
    }),
  );

// policy
const policy = program.command('policy').description('the session policy');
adminCommand(policy, 'get', "show the instance policy, or an organization's effective policy")
  .option('--organization <id>', 'organization')
  .action((o: Common & { organization?: string }) =>
    withApi(o, async (api) =>
      printObject(await api.call('GET', o.organization ? `/v1/organizations/${encodeURIComponent(o.organization)}/policy` : '/v1/policy'), o.json),
    ),
  );
adminCommand(policy, 'set', 'change policy fields, e.g. idleTimeoutSeconds=900 onLimit=deny_new')
  .argument(
    '<field=value...>',
    'canonical fields: maxLifetimeSeconds idleTimeoutSeconds userSessionLimit adminSessionLimit onLimit allowPersistentSessions trackLocation maxFailedPasswordAttempts lockoutSeconds',
  )
  .option('--organization <id>', "change this organization's override instead of the instance policy")
  .action((pairs: string[], o: Common & { organization?: string }) =>
    withApi(o, async (api) => {
      const patch: Record<string, unknown> = {};
      for (const p of pairs) {
        const i = p.indexOf('=');
        if (i < 1) throw new Error(`expected field=value, got '${p}'`);
        const raw = p.slice(i + 1);
        patch[p.slice(0, i)] = raw === 'true' ? true : raw === 'false' ? false : /^-?\d+$/.test(raw) ? Number(raw) : raw;
      }
      const path = o.organization ? `/v1/organizations/${encodeURIComponent(o.organization)}/policy` : '/v1/policy';
      printObject(await api.call('PATCH', path, patch), o.json);
    }),
  );

await program.parseAsync(process.argv);
