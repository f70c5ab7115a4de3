import pg from 'pg';
import { RuntimeFailure, UserError } from '../../errors.ts';
import { redactUrl, scrubSecrets } from '../../redact.ts';

/** Connections say who they are in pg_stat_activity (unless the URL sets application_name). */
export const APPLICATION_NAME = 'atombench';

/** The URL the engine accepts, checked before any connection: a bad one is bad input (exit 2). */
export function checkPostgresUrl(url: string | undefined): string {
  if (!url)
    throw new UserError(
      '--url: the postgis engine needs a connection URL, postgres://user[:password]@host[:port]/database (or ATOMBENCH_URL)',
    );
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`--url: not a valid URL: ${displayUrl(url)}`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')
    throw new UserError(
      `--url: the postgis engine takes postgres://user[:password]@host[:port]/database, not ${parsed.protocol}//`,
    );
  return url;
}

/** The URL for messages: password masked, and any other place the password shows (a database name...). */
export function displayUrl(url: string): string {
  return scrubSecrets(redactUrl(url), url);
}

export function clientConfig(url: string): pg.ClientConfig & { connectionString: string } {
  return { connectionString: url, application_name: APPLICATION_NAME };
}

/**
 * An error whose message and stack carry no secret of `url` (driver errors may echo the connection
 * string, a database or user name the password equals, ...). The driver's code is kept for the error class.
 */
export function scrubbedError(e: unknown, url: string, context?: string): Error {
  const src = e as Error & { code?: string };
  const message = scrubSecrets(src?.message ?? String(e), url);
  // Our own errors keep their class (it decides the exit code), with the message scrubbed all the same.
  if (e instanceof UserError) return new UserError(message);
  if (e instanceof RuntimeFailure) return new RuntimeFailure(message);
  const out = new Error(context ? `${context}: ${message}` : message) as Error & { code?: string };
  if (typeof src?.code === 'string') out.code = src.code;
  out.name = src?.name && src.name !== 'Error' ? src.name : 'PostgresError';
  return out;
}

/** Run `fn`, rethrowing any error scrubbed of the URL's secrets. */
export async function scrubbing<T>(url: string, fn: () => Promise<T>, context?: string): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw scrubbedError(e, url, context);
  }
}

/** One dedicated connection (schema work, seeding, probes). */
export async function openClient(url: string): Promise<pg.Client> {
  const client = new pg.Client(clientConfig(url));
  // A dropped connection emits 'error' on the client; without a listener Node would crash.
  client.on('error', () => {});
  await scrubbing(url, () => client.connect());
  return client;
}
