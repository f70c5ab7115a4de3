/**
 * PostgreSQL frontend/backend protocol 3.0, the few messages the load's client needs (pure functions).
 * Message layout: a type byte, an int32 length that counts itself but not the type byte, the body.
 * Startup-phase messages have no type byte. Reference: "Message Formats" in the PostgreSQL docs
 * (protocol-message-formats.html).
 */

/** Backend message types read here. */
export const enum Backend {
  Authentication = 0x52, // R
  ErrorResponse = 0x45, // E
  ReadyForQuery = 0x5a, // Z
  ParseComplete = 0x31, // 1
  CommandComplete = 0x43, // C
  DataRow = 0x44, // D
  BackendKeyData = 0x4b, // K
}

/** CancelRequest (protocol 3.0): length 16, code 80877102, the backend's process id and secret key. */
export function cancelRequest(pid: number, secret: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeInt32BE(16, 0);
  b.writeInt32BE(80877102, 4);
  b.writeInt32BE(pid, 8);
  b.writeInt32BE(secret, 12);
  return b;
}

/** A query parameter as it goes into Bind: text (format 0), a Buffer as binary (format 1), or NULL. */
export type WireParam = string | Buffer | null;

const NUL = 0;

/** StartupMessage: protocol 3.0 and the connection's parameters (user, database, application_name...). */
export function startupMessage(params: Record<string, string>): Buffer {
  const pairs = Object.entries(params).flatMap(([k, v]) => [k, v]);
  const size = 4 + 4 + pairs.reduce((a, s) => a + Buffer.byteLength(s) + 1, 0) + 1;
  const out = Buffer.alloc(size);
  out.writeInt32BE(size, 0);
  out.writeInt32BE(196608, 4); // 3 << 16 | 0
  let o = 8;
  for (const s of pairs) {
    o += out.write(s, o, 'utf8');
    out[o++] = NUL;
  }
  out[o] = NUL;
  return out;
}

/** A typed message whose body is given as parts: strings are written NUL-terminated, Buffers as is. */
export function message(type: string, ...parts: (string | Buffer)[]): Buffer {
  const bodies = parts.map((p) => (typeof p === 'string' ? Buffer.from(`${p}\0`, 'utf8') : p));
  const len = 4 + bodies.reduce((a, b) => a + b.length, 0);
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(len, 1);
  return Buffer.concat([head, ...bodies]);
}

export const int32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v, 0);
  return b;
};

/** Parse (named statement, no declared parameter types: the server infers them from the casts). */
export const parseMessage = (name: string, text: string): Buffer =>
  message('P', name, text, Buffer.from([0, 0]));

export const terminateMessage = (): Buffer => message('X');

/**
 * Bind (unnamed portal, statement `name`, text results), Execute (all rows) and Sync in one buffer,
 * written in place: this runs once per query, so no intermediate buffers.
 */
export function bindExecuteSync(name: string, params: readonly WireParam[]): Buffer {
  const anyBinary = params.some((p) => Buffer.isBuffer(p));
  let size = 5 + 1 + Buffer.byteLength(name) + 1 + 2 + (anyBinary ? 2 * params.length : 0) + 2 + 2;
  for (const p of params) size += 4 + (p === null ? 0 : Buffer.isBuffer(p) ? p.length : Buffer.byteLength(p));
  const total = size + 10 + 5;
  const out = Buffer.allocUnsafe(total);
  let o = 0;
  out[o++] = 0x42; // B
  out.writeInt32BE(size - 1, o);
  o += 4;
  out[o++] = NUL; // portal ""
  o += out.write(name, o, 'utf8');
  out[o++] = NUL;
  if (anyBinary) {
    o = out.writeInt16BE(params.length, o);
    for (const p of params) o = out.writeInt16BE(Buffer.isBuffer(p) ? 1 : 0, o);
  } else o = out.writeInt16BE(0, o); // all text
  o = out.writeInt16BE(params.length, o);
  for (const p of params) {
    if (p === null) o = out.writeInt32BE(-1, o);
    else if (Buffer.isBuffer(p)) {
      o = out.writeInt32BE(p.length, o);
      o += p.copy(out, o);
    } else {
      const at = o;
      o += 4;
      const n = out.write(p, o, 'utf8');
      out.writeInt32BE(n, at);
      o += n;
    }
  }
  o = out.writeInt16BE(0, o); // result columns: all text
  out[o++] = 0x45; // E: portal "", no row limit
  o = out.writeInt32BE(9, o);
  out[o++] = NUL;
  o = out.writeInt32BE(0, o);
  out[o++] = 0x53; // S
  out.writeInt32BE(4, o);
  return out;
}

/** An ErrorResponse / NoticeResponse body: field type byte -> value (C = SQLSTATE, M = message...). */
export function errorFields(buf: Buffer, start: number, end: number): Map<string, string> {
  const out = new Map<string, string>();
  let o = start;
  while (o < end && buf[o] !== NUL) {
    const code = String.fromCharCode(buf[o]!);
    const stop = buf.indexOf(NUL, o + 1);
    const at = stop < 0 || stop > end ? end : stop;
    out.set(code, buf.toString('utf8', o + 1, at));
    o = at + 1;
  }
  return out;
}

/** A server error as an Error with the SQLSTATE in `code` (the error class atombench counts by). */
export function serverError(fields: Map<string, string>): Error & { code?: string } {
  const err = new Error(fields.get('M') ?? 'server error') as Error & { code?: string; severity?: string };
  err.name = 'PostgresError';
  const code = fields.get('C');
  if (code) err.code = code;
  const severity = fields.get('V') ?? fields.get('S');
  if (severity) err.severity = severity;
  return err;
}

/** A DataRow's columns as text (results are requested in text format). */
export function dataRowText(buf: Buffer, start: number): (string | null)[] {
  const n = buf.readInt16BE(start);
  const row: (string | null)[] = new Array(n);
  let o = start + 2;
  for (let i = 0; i < n; i++) {
    const len = buf.readInt32BE(o);
    o += 4;
    if (len < 0) row[i] = null;
    else {
      row[i] = buf.toString('utf8', o, o + len);
      o += len;
    }
  }
  return row;
}

/** Rows a command affected, from its CommandComplete tag ("INSERT 0 5", "SELECT 10", "DELETE 3"). */
export function commandRows(buf: Buffer, start: number, end: number): number | undefined {
  let i = buf[end - 1] === NUL ? end - 1 : end;
  let n = 0;
  let scale = 1;
  // The tag's last word, read backwards digit by digit (this runs once per query: no string, no regex).
  while (i > start && buf[i - 1]! >= 0x30 && buf[i - 1]! <= 0x39) {
    n += (buf[--i]! - 0x30) * scale;
    scale *= 10;
  }
  return scale === 1 ? undefined : n;
}

/** The NUL-terminated strings of a body (SASL mechanism list). */
export function cStrings(buf: Buffer, start: number, end: number): string[] {
  const out: string[] = [];
  let o = start;
  while (o < end && buf[o] !== NUL) {
    const stop = buf.indexOf(NUL, o);
    out.push(buf.toString('utf8', o, stop));
    o = stop + 1;
  }
  return out;
}

/** An array element as PostgreSQL's array input reads it: quoted, with `\` and `"` escaped. */
const arrayElement = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * A one-dimensional array parameter in text format ("{...}"), as pg's prepareValue writes it: null as
 * NULL, a Buffer as \\x hex (bytea), anything else as its string, quoted. The ingest operation sends one
 * per column and unnests them on the server.
 */
export function textArray(values: readonly unknown[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) parts[i] = 'NULL';
    else if (Buffer.isBuffer(v)) parts[i] = `\\\\x${v.toString('hex')}`;
    else parts[i] = arrayElement(String(v));
  }
  return `{${parts.join(',')}}`;
}
