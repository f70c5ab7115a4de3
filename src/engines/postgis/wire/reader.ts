import { Backend } from './frames.ts';

/** A message handler: its type byte and body (`buf[start..end)`, valid during the call only). */
export type MessageHandler = (type: number, buf: Buffer, start: number, end: number) => void;

/**
 * Rows a query only counts: while `counting()` says so, consecutive DataRows are counted in the read
 * loop and handed over as one `add(n)` (before any other message, so the order stays the stream's),
 * not as one handler call each: a pool of 1000 rows is 1000 messages per query.
 */
export interface RowCounter {
  counting(): boolean;
  add(n: number): void;
}

const HEADER = 5;

/**
 * A message length below 4 (it counts its own four bytes): the stream is not the protocol any more
 * (a corrupt or hostile server). Read on, a length of -1 would never advance and hang the thread.
 */
export class WireProtocolError extends Error {
  readonly code = 'protocol';
  constructor(len: number) {
    super(
      `the server sent a message of length ${len} (below 4): the connection is not speaking the PostgreSQL protocol`,
    );
  }
}

/**
 * Splits the byte stream into messages. `push` takes a chunk the caller may reuse after the call
 * returns (the socket's read buffer): messages are read in place, and only a message cut by the end
 * of a chunk is copied, into a carry buffer that is reused (it grows to the largest cut message) and
 * completed from the next chunk's head, which is then read in place as well.
 */
export class FrameReader {
  private carry: Buffer = Buffer.allocUnsafe(256);
  private carried = 0;

  constructor(
    private readonly onMessage: MessageHandler,
    private readonly rows?: RowCounter,
  ) {}

  push(chunk: Buffer, length: number): void {
    let o = 0;
    if (this.carried > 0) {
      o = this.complete(chunk, length);
      if (o < 0) return; // the cut message is still incomplete: the whole chunk went into the carry
    }
    const rows = this.rows;
    let counting = rows !== undefined && rows.counting();
    let counted = 0;
    while (length - o >= HEADER) {
      const type = chunk[o]!;
      // The length inline (big-endian int32): a call to readInt32BE per message costs as much as the
      // rest of this loop, and a pool of 1000 rows is 1000 messages per query.
      const len = (chunk[o + 1]! << 24) | (chunk[o + 2]! << 16) | (chunk[o + 3]! << 8) | chunk[o + 4]!;
      if (len < 4) throw new WireProtocolError(len);
      if (length - o < len + 1) break;
      if (counting && type === Backend.DataRow) counted++;
      else {
        if (counted > 0) {
          rows!.add(counted);
          counted = 0;
        }
        this.onMessage(type, chunk, o + HEADER, o + 1 + len);
        counting = rows !== undefined && rows.counting();
      }
      o += len + 1;
    }
    if (counted > 0) rows!.add(counted);
    if (o < length) this.keep(chunk, o, length);
  }

  /** Copy `chunk[from..to)` to the carry's end, growing it when needed. */
  private keep(chunk: Buffer, from: number, to: number): void {
    const need = this.carried + (to - from);
    if (need > this.carry.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, 2 * this.carry.length));
      this.carry.copy(grown, 0, 0, this.carried);
      this.carry = grown;
    }
    chunk.copy(this.carry, this.carried, from, to);
    this.carried = need;
  }

  /**
   * Complete the carried message from the chunk's head and handle it. Returns the chunk's bytes used,
   * or -1 when the chunk ended before the message did (the chunk is then carried whole). Throws
   * WireProtocolError on a length below 4.
   */
  private complete(chunk: Buffer, length: number): number {
    let o = 0;
    if (this.carried < HEADER) {
      o = Math.min(HEADER - this.carried, length);
      this.keep(chunk, 0, o);
      if (this.carried < HEADER) return -1;
    }
    const len = this.carry.readInt32BE(1);
    if (len < 4) throw new WireProtocolError(len);
    const total = len + 1;
    const take = Math.min(total - this.carried, length - o);
    this.keep(chunk, o, o + take);
    o += take;
    if (this.carried < total) return -1;
    this.carried = 0;
    const type = this.carry[0]!;
    // A cut DataRow that is only counted is counted here like the others.
    if (type === Backend.DataRow && this.rows?.counting()) this.rows.add(1);
    else this.onMessage(type, this.carry, HEADER, total);
    return o;
  }
}
