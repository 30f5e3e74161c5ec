import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

// Real nginx and Caddy in front of a tiny upstream app, for test/forward-auth-proxies.test.ts.
// Their configs are the blocks of docs/forward-auth.md marked `<!-- tested: … -->`, with the
// documented addresses replaced by the test's: what the docs say is what runs.

export const NGINX = process.env.SESSIOND_TEST_NGINX ?? '/usr/sbin/nginx';
export const CADDY = process.env.SESSIOND_TEST_CADDY ?? '/usr/bin/caddy';
export type ProxyKind = 'nginx' | 'caddy';
export const binaryOf = (kind: ProxyKind) => (kind === 'nginx' ? NGINX : CADDY);

/** The documented config of `kind`, verbatim. */
export function documentedConfig(kind: ProxyKind): string {
  const doc = readFileSync(new URL('../docs/forward-auth.md', import.meta.url), 'utf8');
  const marker = doc.indexOf(`<!-- tested: ${kind} `);
  const start = doc.indexOf('\n', doc.indexOf('```', marker)) + 1;
  if (marker === -1 || start === 0) throw new Error(`docs/forward-auth.md has no tested ${kind} block`);
  return doc.slice(start, doc.indexOf('\n```', start) + 1);
}

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

async function waitForPort(port: number, proc: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (proc.exitCode !== null) throw new Error(`the proxy exited (${proc.exitCode}): ${log()}`);
    const up = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => {
        c.destroy();
        resolve(true);
      });
      c.on('error', () => resolve(false));
    });
    if (up) return;
    await sleep(50);
  }
  throw new Error(`the proxy did not listen on ${port}: ${log()}`);
}

export interface Upstream {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The protected app: answers 200 with the request's method, URL and X-Sessiond-* headers as JSON. */
export async function startUpstream(): Promise<Upstream> {
  const server = http.createServer((req, res) => {
    const identity = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k.startsWith('x-sessiond-')));
    const body = JSON.stringify({ method: req.method, url: req.url, identity });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface RunningProxy {
  /** Where a browser would go: http://127.0.0.1:<port>. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts `kind` from its documented config in a temp directory (pid, logs, temp files, Caddy's
 * data there too; Caddy's admin endpoint off), sessiond and the app at the given ports.
 */
export async function startProxy(kind: ProxyKind, o: { sessiondPort: number; appPort: number }): Promise<RunningProxy> {
  const dir = mkdtempSync(join(tmpdir(), `sessiond-${kind}-`));
  const port = await freePort();
  const site = documentedConfig(kind).replaceAll('127.0.0.1:7700', `127.0.0.1:${o.sessiondPort}`).replaceAll('127.0.0.1:3000', `127.0.0.1:${o.appPort}`);
  let proc: ChildProcess;
  let output = '';
  if (kind === 'nginx') {
    const conf = join(dir, 'nginx.conf');
    writeFileSync(
      conf,
      [
        `pid ${dir}/nginx.pid;`,
        `error_log ${dir}/error.log warn;`,
        'worker_processes 1;',
        'events { worker_connections 256; }',
        'http {',
        '  access_log off;',
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t};`),
        site.replace('listen 80;', `listen 127.0.0.1:${port};`),
        '}',
      ].join('\n'),
    );
    proc = spawn(NGINX, ['-e', `${dir}/error.log`, '-c', conf, '-p', dir, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  } else {
    const file = join(dir, 'Caddyfile');
    writeFileSync(file, `{\n\tadmin off\n\tauto_https off\n}\n\n${site.replace('app.example.com {', `http://127.0.0.1:${port} {`)}`);
    proc = spawn(CADDY, ['run', '--config', file, '--adapter', 'caddyfile'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
    });
  }
  proc.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  proc.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const log = () => output + (existsSync(`${dir}/error.log`) ? readFileSync(`${dir}/error.log`, 'utf8') : '');
  try {
    await waitForPort(port, proc, log);
  } catch (err) {
    proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await Promise.race([exited, sleep(3000)]);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
