const MASK = '***';

/**
 * A connection string with its secrets masked, for any output. Handles URLs
 * (postgres://user:pass@host/db, mssql://...) and ADO-style strings (Password=...;Pwd=...).
 */
export function redactUrl(url: string): string {
  let out = url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@?#]*):([^@]*)@/i, `$1:${MASK}@`);
  out = out.replace(/((?:^|;)\s*(?:password|pwd)\s*=\s*)("[^"]*"|'[^']*'|\{[^}]*\}|[^;]*)/gi, `$1${MASK}`);
  out = out.replace(/([?&](?:password|pwd|sslpassword)=)[^&#]*/gi, `$1${MASK}`);
  return out;
}

/** Replace every occurrence of the secrets of `url` in a message (driver errors can echo them). */
export function scrubSecrets(message: string, url: string | undefined): string {
  if (!url) return message;
  const secrets = new Set<string>();
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^:/@?#]*:([^@]*)@/i.exec(url);
  if (m?.[1]) {
    secrets.add(m[1]);
    try {
      secrets.add(decodeURIComponent(m[1]));
    } catch {
      /* not percent-encoded */
    }
  }
  for (const a of url.matchAll(
    /(?:^|;|[?&])\s*(?:password|pwd|sslpassword)\s*=\s*("[^"]*"|'[^']*'|\{[^}]*\}|[^;&]*)/gi,
  )) {
    if (a[1]) secrets.add(a[1].replace(/^["'{]|["'}]$/g, ''));
  }
  let out = message.split(url).join(redactUrl(url));
  for (const s of secrets) if (s.length >= 1) out = out.split(s).join(MASK);
  return out;
}

/** The resolved scenario as result.json keeps it: the URL redacted. */
export function redactScenario(sc: object): Record<string, unknown> {
  const copy = structuredClone(sc) as Record<string, unknown>;
  if (typeof copy.url === 'string') copy.url = redactUrl(copy.url);
  const neo4j = copy.neo4j as Record<string, unknown> | undefined;
  if (neo4j && typeof neo4j.url === 'string') neo4j.url = redactUrl(neo4j.url);
  return copy;
}
