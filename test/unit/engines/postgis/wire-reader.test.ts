import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { message } from '../../../../src/engines/postgis/wire/frames.ts';
import { FrameReader, WireProtocolError } from '../../../../src/engines/postgis/wire/reader.ts';

/** A DataRow of one text column. */
const dataRow = (v: string) => {
  const t = Buffer.from(v, 'utf8');
  const body = Buffer.alloc(2 + 4 + t.length);
  body.writeInt16BE(1, 0);
  body.writeInt32BE(t.length, 2);
  t.copy(body, 6);
  return message('D', body);
};

/** Feed `stream` cut at `cuts` through one reused scratch buffer (the socket's read buffer). */
function feed(r: FrameReader, stream: Buffer, cuts: number[]): void {
  const bounds = [0, ...[...cuts].sort((a, b) => a - b), stream.length];
  const scratch = Buffer.alloc(stream.length);
  for (let i = 0; i + 1 < bounds.length; i++) {
    const n = stream.copy(scratch, 0, bounds[i], bounds[i + 1]);
    r.push(scratch, n);
    scratch.fill(0xee); // reused after each push: the reader must have copied what it keeps
  }
}

const show = (t: number, b: Buffer, s: number, e: number) =>
  `${String.fromCharCode(t)}:${b.toString('hex', s, e)}`;

// Messages longer than the carry's first size (256 bytes) too, so a cut one makes it grow.
const msgs = [
  dataRow('A'),
  dataRow('x'.repeat(700)),
  dataRow('bc'),
  message('C', 'SELECT 3'),
  message('Z', 'I'),
  dataRow('y'.repeat(300)),
  message('Z', 'I'),
];
const stream = Buffer.concat(msgs);
const cutsArb = fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 12 });

describe('wire FrameReader', () => {
  it('yields the same messages however the stream is cut', () => {
    fc.assert(
      fc.property(cutsArb, (cuts) => {
        const seen: string[] = [];
        feed(new FrameReader((t, b, s, e) => seen.push(show(t, b, s, e))), stream, cuts);
        expect(seen).toEqual(msgs.map((m) => `${String.fromCharCode(m[0]!)}:${m.toString('hex', 5)}`));
      }),
    );
  });

  it('counts DataRows while counting, in stream order, however the stream is cut', () => {
    fc.assert(
      fc.property(cutsArb, (cuts) => {
        // Counting stops after the first ReadyForQuery: later rows reach the handler again.
        let ready = 0;
        const seen: string[] = [];
        const r = new FrameReader(
          (t, b, s, e) => {
            seen.push(t === 0x44 ? show(t, b, s, e) : String.fromCharCode(t));
            if (t === 0x5a) ready++;
          },
          { counting: () => ready === 0, add: (n) => seen.push(`rows ${n}`) },
        );
        feed(r, stream, cuts);
        // Adjacent counts belong to the same run of rows (a cut splits a run): merge them.
        const merged: string[] = [];
        for (const s of seen) {
          const last = merged.at(-1);
          if (s.startsWith('rows ') && last?.startsWith('rows '))
            merged[merged.length - 1] = `rows ${Number(last.slice(5)) + Number(s.slice(5))}`;
          else merged.push(s);
        }
        expect(merged).toEqual(['rows 3', 'C', 'Z', show(0x44, msgs[5]!, 5, msgs[5]!.length), 'Z']);
      }),
    );
  });

  it('reads a length that uses all four bytes of the header (a message over 16 MiB, whole in one chunk)', () => {
    const big = dataRow('z'.repeat((1 << 24) + 3));
    expect(big.readInt32BE(1)).toBeGreaterThan(1 << 24);
    const seen: [number, number][] = [];
    const r = new FrameReader((t, _b, s, e) => seen.push([t, e - s]));
    const ready = message('Z', 'I');
    const both = Buffer.concat([big, ready]);
    r.push(both, both.length);
    expect(seen).toEqual([
      [0x44, big.length - 5],
      [0x5a, ready.length - 5],
    ]);
  });

  it('a length below 4 is a protocol error, read in place or carried across a cut, never a hang', () => {
    for (const len of [-1, -100, 0, 3]) {
      const bad = Buffer.alloc(5);
      bad[0] = 0x44;
      bad.writeInt32BE(len, 1);
      const hostile = Buffer.concat([message('Z', 'I'), bad, dataRow('after')]);
      fc.assert(
        fc.property(
          fc.uniqueArray(fc.integer({ min: 1, max: hostile.length - 1 }), { maxLength: 6 }),
          (cuts) => {
            const seen: string[] = [];
            expect(() =>
              feed(new FrameReader((t) => seen.push(String.fromCharCode(t))), hostile, cuts),
            ).toThrow(WireProtocolError);
            // What came before the bad header was handled; nothing after it.
            expect(seen).toEqual(['Z']);
          },
        ),
      );
    }
  });
});
