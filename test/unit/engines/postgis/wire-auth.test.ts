import { describe, expect, it } from 'vitest';
import {
  md5Password,
  scramClientFinal,
  scramStart,
  scramVerify,
} from '../../../../src/engines/postgis/wire/auth.ts';

/** The lean client's own password steps (wire/auth.ts) against published test vectors. */
describe('wire auth', () => {
  it('answers MD5 as md5(md5(password + user) + salt)', () => {
    // Oracle: Python's hashlib, md5(md5(b'md5-secret' + b'ab_md5').hexdigest() + bytes([1, 2, 3, 4])).
    expect(md5Password('ab_md5', 'md5-secret', Buffer.from([1, 2, 3, 4]))).toBe(
      'md5aef7edde1103bbb49a2c0738bc040384',
    );
  });

  // RFC 7677 section 3: user "user", password "pencil".
  const nonce = 'rOprNGfwEbeRWgbNEkqO';
  const serverFirst =
    'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';

  it('computes the RFC 7677 SCRAM-SHA-256 exchange exactly', async () => {
    const s = scramStart(['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-256'], nonce, 'user');
    expect(s.mechanism).toBe('SCRAM-SHA-256');
    expect(s.clientFirst).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    expect(await scramClientFinal(s, 'pencil', serverFirst)).toBe(
      'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    );
    expect(() => scramVerify(s, 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')).not.toThrow();
  });

  it('refuses a server that does not know the password, a foreign nonce, or no SCRAM-SHA-256', async () => {
    const s = scramStart(['SCRAM-SHA-256'], nonce, 'user');
    await scramClientFinal(s, 'pencil', serverFirst);
    expect(() => scramVerify(s, 'v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=')).toThrow(/does not match/);
    expect(() => scramVerify(s, 'e=invalid-proof')).toThrow(/invalid-proof/);
    const t = scramStart(['SCRAM-SHA-256'], nonce);
    await expect(
      scramClientFinal(t, 'pencil', 'r=somebodyElse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'),
    ).rejects.toThrow(/nonce/);
    await expect(
      scramClientFinal(t, 'pencil', `r=${nonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096`),
    ).rejects.toThrow(/nonce/);
    expect(() => scramStart(['SCRAM-SHA-256-PLUS'])).toThrow(/not SCRAM-SHA-256/);
    expect(scramStart(['SCRAM-SHA-256']).clientFirst).toMatch(/^n,,n=\*,r=[A-Za-z0-9+/]{24}$/);
  });
});
