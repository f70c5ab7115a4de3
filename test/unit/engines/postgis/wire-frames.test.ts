import { describe, expect, it } from 'vitest';
import {
  bindExecuteSync,
  commandRows,
  cStrings,
  dataRowText,
  errorFields,
  message,
  serverError,
  startupMessage,
} from '../../../../src/engines/postgis/wire/frames.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('wire frames', () => {
  it('StartupMessage: length, protocol 3.0, NUL-terminated pairs and a final NUL', () => {
    const m = startupMessage({ user: 'u', database: 'd' });
    expect(m.readInt32BE(0)).toBe(m.length);
    expect(m.readInt32BE(4)).toBe(0x00030000);
    expect(m.subarray(8).toString('latin1')).toBe('user\0u\0database\0d\0\0');
  });

  it('Bind + Execute + Sync for text parameters, byte for byte', () => {
    expect(bindExecuteSync('k', ['1.5', null])).toEqual(
      hex(`42 00000018 00 6b00 0000 0002 00000003 312e35 ffffffff 0000
           45 00000009 00 00000000
           53 00000004`),
    );
  });

  it('Bind marks Buffers as binary parameters and counts multi-byte text in bytes', () => {
    const b = bindExecuteSync('', ['é', Buffer.from([1, 2])]);
    // B, len, portal "", name "", 2 format codes (0 text, 1 binary), 2 params: 2 bytes of UTF-8, 2 raw bytes
    expect(b.subarray(0, 1 + 28)).toEqual(
      hex('42 0000001c 00 00 0002 0000 0001 0002 00000002 c3a9 00000002 0102 0000'),
    );
    expect(b.length).toBe(1 + 28 + 10 + 5); // the length counts itself, not the type byte
  });

  it('generic messages: type, length including itself, NUL-terminated strings', () => {
    expect(message('p', 'pw')).toEqual(hex('70 00000007 707700'));
    expect(message('S')).toEqual(hex('53 00000004'));
  });

  it('reads ErrorResponse fields into an Error carrying the SQLSTATE', () => {
    const body = Buffer.from('SERROR\0VERROR\0C22P02\0Minvalid input syntax\0\0', 'utf8');
    const f = errorFields(body, 0, body.length);
    expect(f.get('C')).toBe('22P02');
    const e = serverError(f);
    expect(e).toMatchObject({ code: '22P02', message: 'invalid input syntax', name: 'PostgresError' });
  });

  it('DataRow as text with NULLs, completion tags, string lists', () => {
    const row = hex('0003 00000001 41 ffffffff 00000000');
    expect(dataRowText(row, 0)).toEqual(['A', null, '']);
    const tag = Buffer.from('INSERT 0 25\0');
    expect(commandRows(tag, 0, tag.length)).toBe(25);
    const none = Buffer.from('BEGIN\0');
    expect(commandRows(none, 0, none.length)).toBeUndefined();
    const mech = Buffer.from('SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0');
    expect(cStrings(mech, 0, mech.length)).toEqual(['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-256']);
  });
});
