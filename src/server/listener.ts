import http from 'node:http';
import http2 from 'node:http2';
import type { Socket } from 'node:net';

type Handler = (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse) => void;

/** The HTTP/2 connection preface a client sends first with prior knowledge (RFC 9113 §3.4). */
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

export interface DualServer {
  /** The listening server (HTTP/1.1); h2c connections are handed to `h2`. */
  server: http.Server;
  h2: http2.Http2Server;
  /** Graceful: stop accepting, let in-flight requests finish, close idle connections of both protocols. */
  drain(): void;
  /** Ends every connection now. */
  destroyAll(): void;
}

/**
 * One port for HTTP/1.1 and HTTP/2 cleartext with prior knowledge: the first bytes of
 * each connection decide. gRPC clients (h2c) and browsers (HTTP/1.1) share an address.
 */
export function createDualServer(handler: Handler, o: { maxHeaderSize: number; headersTimeoutMs: number }): DualServer {
  const server = http.createServer(
    { maxHeaderSize: o.maxHeaderSize, headersTimeout: o.headersTimeoutMs, requestTimeout: 60_000, keepAliveTimeout: 5_000 },
    handler as http.RequestListener,
  );
  const h2 = http2.createServer({ maxSessionMemory: 10, settings: { maxHeaderListSize: o.maxHeaderSize } }, handler as never);
  const h1Listeners = server.listeners('connection') as ((s: Socket) => void)[];
  server.removeAllListeners('connection');
  const sessions = new Set<http2.ServerHttp2Session>();
  const sockets = new Set<Socket>();
  h2.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const onTimeout = () => socket.destroy();
    const decide = (buffered: Buffer) => {
      socket.setTimeout(0);
      socket.removeListener('timeout', onTimeout);
      socket.pause();
      socket.unshift(buffered);
      const n = Math.min(buffered.length, H2_PREFACE.length);
      if (buffered.subarray(0, n).equals(H2_PREFACE.subarray(0, n))) {
        // The HTTP/2 session reads the unshifted bytes itself and takes over the socket.
        h2.emit('connection', socket);
      } else {
        for (const l of h1Listeners) l.call(server, socket);
        socket.resume();
      }
    };
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]);
      // Wait until the first bytes can tell the protocols apart ("PRI" vs an HTTP/1 method).
      if (seen.length < 3 && seen.equals(H2_PREFACE.subarray(0, seen.length))) return;
      socket.removeListener('data', onData);
      decide(seen);
    };
    socket.on('data', onData);
    socket.setTimeout(o.headersTimeoutMs, onTimeout);
  });

  return {
    server,
    h2,
    drain() {
      server.close();
      // Connections whose last response is still being written go idle later: keep closing them.
      const sweep = setInterval(() => server.closeIdleConnections(), 25);
      sweep.unref();
      server.once('close', () => clearInterval(sweep));
      server.closeIdleConnections();
      for (const s of sessions) s.close(); // GOAWAY: in-flight streams finish, no new ones
    },
    destroyAll() {
      for (const s of sessions) s.destroy();
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
    },
  };
}
