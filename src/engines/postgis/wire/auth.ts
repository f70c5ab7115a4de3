/**
 * The password steps of the PostgreSQL login, owned here with node:crypto (as postgres.js does) so the
 * load's client depends on no package's private modules. References: "SASL Authentication" and
 * "Message Flow" in the PostgreSQL docs (sasl-authentication.html, protocol-flow.html), RFC 5802 (SCRAM)
 * and RFC 7677 (SCRAM-SHA-256). Channel binding (SCRAM-SHA-256-PLUS) is not offered: the server
 * always accepts plain SCRAM-SHA-256 as well, and libpq's default (channel_binding=prefer) does the same
 * without TLS.
 */
import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';

/** AuthenticationMD5Password: "md5" + md5(md5(password + user) + salt), in hex. */
export function md5Password(user: string, password: string, salt: Buffer): string {
  const inner = createHash('md5').update(password, 'utf8').update(user, 'utf8').digest('hex');
  return `md5${createHash('md5').update(inner, 'latin1').update(salt).digest('hex')}`;
}

const MECHANISM = 'SCRAM-SHA-256';

/** One SCRAM-SHA-256 exchange: client-first, then client-final from the server-first, then verify. */
export interface ScramSession {
  readonly mechanism: typeof MECHANISM;
  /** SASLInitialResponse data: the GS2 header "n,," and the client-first-message-bare. */
  readonly clientFirst: string;
  readonly clientNonce: string;
  /** Set by scramClientFinal: the signature the server must send back. */
  serverSignature?: string;
}

/**
 * Start SCRAM from the server's mechanism list (AuthenticationSASL). The user name is sent as "*"
 * (the server takes it from the startup message, as libpq and pg do); `nonce` and `user` are
 * parameters for the RFC's test vector.
 */
export function scramStart(
  mechanisms: readonly string[],
  nonce = randomBytes(18).toString('base64'),
  user = '*',
): ScramSession {
  if (!mechanisms.includes(MECHANISM))
    throw new Error(`SASL: the server offers ${mechanisms.join(', ') || 'nothing'}, not ${MECHANISM}`);
  return { mechanism: MECHANISM, clientNonce: nonce, clientFirst: `n,,n=${user},r=${nonce}` };
}

const hmac = (key: Buffer, text: string): Buffer => createHmac('sha256', key).update(text, 'utf8').digest();

function attributes(message: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq === 1) out.set(part[0]!, part.slice(2));
  }
  return out;
}

/**
 * AuthenticationSASLContinue: the server-first-message ("r=<nonce>,s=<salt>,i=<iterations>") ->
 * the client-final-message with the proof.
 */
export async function scramClientFinal(
  s: ScramSession,
  password: string,
  serverFirst: string,
): Promise<string> {
  const a = attributes(serverFirst);
  const nonce = a.get('r');
  const salt = a.get('s');
  const iterations = Number(a.get('i'));
  if (!nonce || !nonce.startsWith(s.clientNonce) || nonce.length === s.clientNonce.length)
    throw new Error('SASL: the server nonce does not extend the client nonce');
  if (!salt) throw new Error('SASL: the server sent no salt');
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error('SASL: bad iteration count');
  const salted = await new Promise<Buffer>((resolve, reject) =>
    pbkdf2(password, Buffer.from(salt, 'base64'), iterations, 32, 'sha256', (e, k) =>
      e ? reject(e) : resolve(k),
    ),
  );
  const clientKey = hmac(salted, 'Client Key');
  const storedKey = createHash('sha256').update(clientKey).digest();
  const withoutProof = `c=biws,r=${nonce}`; // biws = base64("n,,"): no channel binding
  const authMessage = `${s.clientFirst.slice(3)},${serverFirst},${withoutProof}`;
  const signature = hmac(storedKey, authMessage);
  const proof = Buffer.alloc(clientKey.length);
  for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ signature[i]!;
  s.serverSignature = hmac(hmac(salted, 'Server Key'), authMessage).toString('base64');
  return `${withoutProof},p=${proof.toString('base64')}`;
}

/** AuthenticationSASLFinal ("v=<server signature>"): the server proves it knew the password too. */
export function scramVerify(s: ScramSession, serverFinal: string): void {
  const v = attributes(serverFinal).get('v');
  const expected = s.serverSignature;
  if (!expected) throw new Error('SASL: final message before the proof was sent');
  if (!v) throw new Error(`SASL: ${attributes(serverFinal).get('e') ?? 'no server signature'}`);
  const got = Buffer.from(v, 'base64');
  const want = Buffer.from(expected, 'base64');
  if (got.length !== want.length || !timingSafeEqual(got, want))
    throw new Error('SASL: the server signature does not match');
}
