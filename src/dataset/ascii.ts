/** Short ASCII strings are copied in JS: a native Buffer.write call per column costs more than the copy. */
const ASCII_FAST_PATH_MAX = 128;

/**
 * Copy `s` into `b` at `at`, one byte per character, when it is short and all ASCII (then its UTF-8 is
 * exactly those bytes); false otherwise (what was copied is garbage to overwrite). Hot path of the
 * row encoders: the checksum and the binary COPY data.
 */
export function copyShortAscii(b: Buffer, at: number, s: string): boolean {
  const length = s.length;
  if (length > ASCII_FAST_PATH_MAX) return false;
  for (let i = 0; i < length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return false;
    b[at + i] = c;
  }
  return true;
}
