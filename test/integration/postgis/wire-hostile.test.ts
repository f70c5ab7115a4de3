import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientConfig } from '../../../src/engines/postgis/connection.ts';
import { WireConnection, wireSettings } from '../../../src/engines/postgis/wire/connection.ts';

/**
 * The lean client against a peer that does not speak the protocol: a message length below 4 (which
 * counts its own four bytes) fails the connection with a clear error, read in place or cut across two
 * reads, instead of looping forever on a length that never advances (a hung thread, no timer fires).
 */
describe('postgis lean wire client, hostile server', () => {
  let server: Server;
  let port = 0;
  /** What the server answers the startup message with, per connection in order. */
  const replies: ((s: Socket) => void)[] = [];
  beforeAll(async () => {
    server = createServer((s) => {
      const reply = replies.shift();
      s.once('data', () => reply?.(s));
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const open = () =>
    WireConnection.open(wireSettings(clientConfig(`postgres://u:p@127.0.0.1:${port}/db?sslmode=disable`)));
  const header = (len: number) => {
    const b = Buffer.alloc(5);
    b[0] = 0x52; // 'R', an authentication request
    b.writeInt32BE(len, 1);
    return b;
  };

  it.each([-1, 0, 3])('length %i in one read: the connection fails naming it', async (len) => {
    replies.push((s) => s.write(header(len)));
    const t0 = performance.now();
    await expect(open()).rejects.toThrow(`message of length ${len} (below 4)`);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('length -1 cut across two reads (the carried header): the same', async () => {
    replies.push((s) => {
      const h = header(-1);
      s.write(h.subarray(0, 2));
      setTimeout(() => s.write(h.subarray(2)), 50);
    });
    await expect(open()).rejects.toThrow('message of length -1 (below 4)');
  });
});
