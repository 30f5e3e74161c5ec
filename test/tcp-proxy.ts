import net from 'node:net';

/**
 * A TCP proxy in front of a real server (Redis, PostgreSQL), for fault tests that must never
 * touch the shared server itself: `stall()` holds every byte (a server that stops answering
 * without closing anything), `drop()` cuts every connection and refuses new ones, `restore()`
 * passes traffic again (held bytes first, in order).
 */
export class TcpProxy {
  private state: 'pass' | 'stalled' | 'down' = 'pass';
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket; up: Buffer[]; down: Buffer[] }>();
  private constructor(private readonly server: net.Server) {}

  /** A proxy to `target`'s host and port (a URL such as redis://host:6379 or postgres://host:5432/db). */
  static async start(target: string, defaultPort: number): Promise<TcpProxy> {
    const u = new URL(target);
    const host = u.hostname || '127.0.0.1';
    const port = Number(u.port || defaultPort);
    const server = net.createServer();
    const proxy = new TcpProxy(server);
    server.on('connection', (client) => proxy.accept(client, host, port));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** `target` with its host and port replaced by the proxy's. */
  urlFor(target: string): string {
    const u = new URL(target);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  private accept(client: net.Socket, host: string, port: number): void {
    if (this.state === 'down') {
      client.destroy();
      return;
    }
    const upstream = net.connect(port, host);
    const pair = { client, upstream, up: [] as Buffer[], down: [] as Buffer[] };
    this.pairs.add(pair);
    client.on('data', (d: Buffer) => (this.state === 'stalled' ? pair.up.push(d) : upstream.write(d)));
    upstream.on('data', (d: Buffer) => (this.state === 'stalled' ? pair.down.push(d) : client.write(d)));
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    for (const s of [client, upstream]) {
      s.on('close', end);
      s.on('error', end);
    }
  }

  stall(): void {
    this.state = 'stalled';
  }

  drop(): void {
    this.state = 'down';
    for (const p of [...this.pairs]) {
      p.client.destroy();
      p.upstream.destroy();
    }
  }

  restore(): void {
    this.state = 'pass';
    for (const p of this.pairs) {
      for (const d of p.up.splice(0)) p.upstream.write(d);
      for (const d of p.down.splice(0)) p.client.write(d);
    }
  }

  async close(): Promise<void> {
    this.drop();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
