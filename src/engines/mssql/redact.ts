/**
 * Keep passwords out of every message, error, log line and fingerprint. Two layers: the known secrets
 * (the password from the parsed URL, raw and URL-encoded) are replaced wherever they appear, and
 * anything shaped like a credential (Password=...; in an ADO string, user:pass@ in a URL) is masked
 * even when the secret is not known (a string that failed to parse).
 */
export const MASK = '***';

/** Mask credential-shaped parts of a text: ADO `Password=...;` / `Pwd=...` and URL `//user:pass@`. */
export function maskCredentials(text: string): string {
  return (
    text
      // ADO.NET: Password / Pwd, value up to ';' (a quoted value may hold ';': mask to the closing quote).
      .replace(
        /\b(password|pwd)(\s*=\s*)("(?:[^"]|"")*"|'(?:[^']|'')*'|\{(?:[^}]|\}\})*\}|[^;]*)/gi,
        `$1$2${MASK}`,
      )
      // URL userinfo: scheme://user:secret@host
      .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi, `$1${MASK}@`)
  );
}

export class Redactor {
  private readonly secrets: string[] = [];

  constructor(secrets: (string | undefined)[] = []) {
    for (const s of secrets) this.add(s);
  }

  /** Register a secret; its URL-encoded and quote-doubled forms are registered too. */
  add(secret: string | undefined): void {
    if (!secret) return;
    for (const form of [
      secret,
      encodeURIComponent(secret),
      secret.replace(/'/g, "''"),
      secret.replace(/"/g, '""'),
    ])
      if (form && !this.secrets.includes(form)) this.secrets.push(form);
    // Longest first, so a secret containing another is masked whole.
    this.secrets.sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join(MASK);
    return maskCredentials(out);
  }

  /** A one-line message of any thrown value, redacted. */
  message(e: unknown): string {
    const raw = e instanceof Error ? e.message : String(e);
    return this.redact(raw.replace(/\s+/g, ' ').trim());
  }
}
