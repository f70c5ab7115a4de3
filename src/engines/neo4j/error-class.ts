import { Neo4jError } from 'neo4j-driver';

/**
 * Graph errors by class, as the report counts them:
 * - `unavailable`: no server to talk to (ServiceUnavailable, SessionExpired, a refused or reset socket);
 * - `transient`: the server asks for a retry (Neo.TransientError.*, e.g. a deadlock or a lock timeout);
 * - `constraint`: a schema constraint refused the write (Neo.ClientError.Schema.ConstraintValidationFailed);
 * - `auth`: authentication or authorization (Neo.ClientError.Security.*);
 * - `other`: anything else (a Cypher error is a bug here, not load).
 * The driver's managed transactions already retry transient and unavailable errors; what reaches
 * this function is what they gave up on.
 */
export const GRAPH_ERROR_CLASSES = ['transient', 'constraint', 'auth', 'unavailable', 'other'] as const;
export type GraphErrorClass = (typeof GRAPH_ERROR_CLASSES)[number];

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

export function graphErrorClass(e: unknown): GraphErrorClass {
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== 'string') return 'other';
  if (code === 'ServiceUnavailable' || code === 'SessionExpired' || SOCKET_CODES.has(code))
    return 'unavailable';
  if (code.startsWith('Neo.ClientError.Security.')) return 'auth';
  if (code === 'Neo.ClientError.Schema.ConstraintValidationFailed') return 'constraint';
  if (code.startsWith('Neo.TransientError.')) return 'transient';
  if (e instanceof Neo4jError && e.retriable) return 'transient';
  return 'other';
}
