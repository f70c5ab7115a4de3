import net from 'node:net';
import type tls from 'node:tls';
import { cancelRequest } from './frames.ts';
import type { WireSettings } from './settings.ts';

/**
 * The wire client's sockets (connection.ts speaks the protocol over them): where the server listens,
 * the SSLRequest and TLS options pg negotiates with, and a CancelRequest on a socket of its own.
 */

/** A TCP host and port, or the Unix domain socket `<dir>/.s.PGSQL.<port>` as libpq names it. */
export function serverAddress(s: WireSettings): net.NetConnectOpts {
  return s.isDomainSocket ? { path: `${s.host}/.s.PGSQL.${s.port}` } : { host: s.host, port: s.port };
}

/** SSLRequest: a length and the magic code 80877103, answered with one byte (S: go ahead, N: no TLS). */
export function sslRequest(): Buffer {
  const b = Buffer.alloc(8);
  b.writeInt32BE(8, 0);
  b.writeInt32BE(80877103, 4);
  return b;
}

/** tls.connect options as pg builds them (pg/lib/connection.js upgradeToSSL). */
export function tlsOptions(socket: net.Socket, host: string, ssl: unknown): tls.ConnectionOptions {
  const options: tls.ConnectionOptions = { socket, host };
  if (ssl !== true && typeof ssl === 'object' && ssl) Object.assign(options, ssl);
  if (!net.isIP(host)) options.servername = host;
  return options;
}

/**
 * Ask the server to cancel the query of the session `key` names (BackendKeyData): a CancelRequest on a
 * new socket, as libpq's PQcancel does. Resolves when the socket closed, failed or 2 s passed.
 */
export function sendCancelRequest(
  where: net.NetConnectOpts,
  key: { pid: number; secret: number },
): Promise<void> {
  return new Promise<void>((resolve) => {
    const sock = net.connect(where);
    const end = () => {
      clearTimeout(t);
      sock.destroy();
      resolve();
    };
    const t = setTimeout(end, 2000);
    sock.once('connect', () => sock.end(cancelRequest(key.pid, key.secret)));
    sock.once('close', end);
    sock.once('error', end);
  });
}
