import { UserError } from '../../errors.ts';
import { redactUrl } from '../../redact.ts';

/**
 * The Neo4j URL: `bolt://user:password@host:7687` (also bolt+s, bolt+ssc, neo4j, neo4j+s, neo4j+ssc).
 * The credentials travel to the driver as basic auth, never in the URL it is given, and every message
 * shows the URL redacted. Without credentials in the URL the user is `neo4j` and the password comes
 * from ATOMBENCH_NEO4J_PASSWORD (docker-compose sets the server's from NEO4J_PASSWORD).
 */
export interface Neo4jTarget {
  /** The URL without credentials: what the driver connects to. */
  url: string;
  user: string;
  password: string;
  /** For messages and reports: no password. */
  display: string;
}

const SCHEMES = ['bolt', 'bolt+s', 'bolt+ssc', 'neo4j', 'neo4j+s', 'neo4j+ssc'];

export function parseNeo4jUrl(raw: string, env: NodeJS.ProcessEnv = process.env): Neo4jTarget {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UserError(
      `--neo4j-url: not a URL (${redactUrl(raw)}); expected bolt://user:password@host:7687`,
    );
  }
  const scheme = u.protocol.replace(/:$/, '');
  if (!SCHEMES.includes(scheme))
    throw new UserError(`--neo4j-url: unknown scheme "${scheme}:"; valid: ${SCHEMES.join(', ')}`);
  if (!u.hostname) throw new UserError('--neo4j-url: no host');
  const user = u.username ? decodeURIComponent(u.username) : 'neo4j';
  const password = u.password ? decodeURIComponent(u.password) : (env.ATOMBENCH_NEO4J_PASSWORD ?? '');
  if (!password)
    throw new UserError(
      '--neo4j-url: no password (put it in the URL, bolt://neo4j:<password>@host:7687, or in ATOMBENCH_NEO4J_PASSWORD)',
    );
  u.username = '';
  u.password = '';
  const url = u.toString().replace(/\/$/, '');
  return { url, user, password, display: `${url} (user ${user})` };
}
