/**
 * Read the OODA message bodies back: atombench's envelope (dialect-broker.ts ENVELOPE) and, in attach
 * mode, whatever the deployment sends (JSON text), plus the Error messages Service Broker returns.
 */
import { decodeEntities, leafElements, startTags } from '../plan/xml-text.ts';

export interface Envelope {
  loopId?: string;
  loopStartedAtMs?: number;
  sentAtMs?: number;
  phase?: string;
  payload: string;
}

function num(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Parse `<ooda loopId=".." ...>payload</ooda>`; any other body is returned as the payload. */
export function parseEnvelope(body: string | null | undefined): Envelope {
  const text = body ?? '';
  const m = /^\s*<ooda(\s[^>]*)?>([\s\S]*)<\/ooda>\s*$/.exec(text) ?? /^\s*<ooda(\s[^>]*)?\/>\s*$/.exec(text);
  if (!m) return { payload: text };
  const attrs = startTags(text, ['ooda'])[0]?.attrs ?? {};
  return {
    loopId: attrs.loopId,
    loopStartedAtMs: num(attrs.loopStartedAtMs),
    sentAtMs: num(attrs.sentAtMs),
    phase: attrs.phase,
    payload: decodeEntities(m[2] ?? ''),
  };
}

export interface BrokerError {
  code?: number;
  description: string;
}

/**
 * An Error message body: <Error xmlns="http://schemas.microsoft.com/SQL/ServiceBroker/Error"><Code>-9615</Code>
 * <Description>...</Description></Error> (SD:docs/database-engine/service-broker/broker-system-messages.md;
 * broker-generated codes are negative SQL Server error numbers).
 */
export function parseBrokerError(body: string | null | undefined): BrokerError {
  const leaves = leafElements(body ?? '');
  const code = leaves.Code !== undefined ? Number(leaves.Code) : undefined;
  return {
    code: code !== undefined && Number.isFinite(code) ? code : undefined,
    description: leaves.Description ?? leaves.Message ?? (body ?? '').slice(0, 200),
  };
}

/**
 * The error class of a broker Error message: validation failures apart from the rest. 9615/9616 and
 * 9704 ("failed XML validation ... while the message was being delivered to the target service",
 * SD:docs/relational-databases/errors-events/database-engine-events-and-errors-9000-9999.md).
 */
export function brokerErrorClass(err: BrokerError): string {
  const n = err.code === undefined ? undefined : Math.abs(err.code);
  if (n === 9615 || n === 9616 || n === 9704) return 'broker-validation';
  return n === undefined ? 'broker-error' : `broker-error-${n}`;
}
