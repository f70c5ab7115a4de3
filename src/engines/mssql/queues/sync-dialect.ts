/**
 * T-SQL of the Neo4j sync queue over Service Broker (seed/mssql/25-neo4j-sync.sql). Pure builders.
 *
 * Ingest (ingestSyncSql, inside the ingest batch's transaction): one dialog per ingest batch with new
 * atoms, one Neo4jSyncRequest message per new atom on it, the last one marked last="1". The dialog is
 * begun FROM the sync service TO the same service ('CURRENT DATABASE' pins it to this database, as the
 * OODA dialogs in broker/dialect.ts), so both ends live on Neo4jSyncQueue.
 *   https://learn.microsoft.com/sql/t-sql/statements/begin-dialog-conversation-transact-sql
 *   https://learn.microsoft.com/sql/t-sql/statements/send-transact-sql ("the statement before SEND
 *   must be terminated with a semicolon": every SEND here follows a terminated SELECT)
 * Readers (syncReceiveSql, in a transaction the reader keeps open until Neo4j committed):
 *   WAITFOR (RECEIVE TOP (n) ...), TIMEOUT ms. "All messages that are returned by a RECEIVE statement
 *   belong the same conversation group" and come in message_sequence_number order, and RECEIVE locks
 *   that group until the transaction ends; a rollback returns the messages
 *   (https://learn.microsoft.com/sql/t-sql/statements/receive-transact-sql, Remarks). So a receive takes
 *   (part of) one ingest batch, and no two readers hold the same requests.
 * Ending: "When a conversation ends, Service Broker removes all messages for the conversation from the
 *   service queue" (https://learn.microsoft.com/sql/t-sql/statements/end-conversation-transact-sql), so
 *   a reader ends the target side only with the message marked last (all earlier ones were received
 *   before it, in sequence order); that END sends EndDialog to the initiator side, on the same queue,
 *   which the next receive takes and ends.
 * The enqueue time is the client's clock (SyncRequest.enqueuedAtMs: the sync lag is measured on it),
 * passed as a parameter.
 */
import type { ObjectNames } from '../../../scenario/names.ts';
import type { SyncRequest } from '../../types.ts';
import { qualifiedName, quoteName, sqlInt, sqlString } from '../sql/identifiers.ts';
import { param, type SqlParam, type SqlStatement } from '../sql/statement.ts';
import { END_DIALOG_TYPE, ERROR_TYPE } from '../broker/dialect.ts';

export const SYNC_TYPE = 'Create';

/** The parameter ingestSyncSql reads: the client's clock when the batch was sent. */
export function ingestSyncParams(nowMs: number): SqlParam[] {
  return [param('syncAtMs', 'bigint', Math.round(nowMs))];
}

/**
 * The sync sends of one ingest batch: reads the batch's @merged / @src (dialect-ingest.ts); runs
 * inside its transaction, so the messages are enqueued if and only if the atoms are committed.
 */
export function ingestSyncSql(names: ObjectNames): string {
  return `DECLARE @syncRows TABLE (n int IDENTITY(1, 1) PRIMARY KEY, AtomId bigint NOT NULL, TenantId int NOT NULL);
INSERT INTO @syncRows (AtomId, TenantId)
SELECT m.AtomId, s.TenantId FROM @merged AS m JOIN @src AS s ON s.ContentHash = m.ContentHash
WHERE m.MergeAction = N'INSERT' ORDER BY m.AtomId;
DECLARE @syncN int = @@ROWCOUNT, @syncI int = 1, @syncBody nvarchar(max), @sync uniqueidentifier;
IF @syncN > 0
BEGIN
    BEGIN DIALOG CONVERSATION @sync
        FROM SERVICE ${quoteName(names.neo4jSyncService)}
        TO SERVICE ${sqlString(names.neo4jSyncService)}, 'CURRENT DATABASE'
        ON CONTRACT ${quoteName(names.neo4jSyncContract)}
        WITH ENCRYPTION = OFF;
    WHILE @syncI <= @syncN
    BEGIN
        SELECT @syncBody = (SELECT r.AtomId AS [@entityId], r.TenantId AS [@tenantId], ${sqlString(SYNC_TYPE)} AS [@syncType],
                                   @syncAtMs AS [@enqueuedAtMs], CASE WHEN r.n = @syncN THEN 1 END AS [@last]
                            FOR XML PATH('sync'))
        FROM @syncRows AS r WHERE r.n = @syncI;
        SEND ON CONVERSATION @sync MESSAGE TYPE ${quoteName(names.neo4jSyncMessageType)} (@syncBody);
        SET @syncI += 1;
    END;
END;`;
}

/**
 * Up to `max` messages of one conversation group, waiting up to waitMs (a bare RECEIVE without wait
 * left). Bodies as nvarchar: atombench sends nvarchar (FOR XML PATH without TYPE); a broker Error
 * message's body is read through xml, as in broker/dialect.ts.
 */
export function syncReceiveSql(names: ObjectNames, max: number, waitMs: number): string {
  const body = `CASE WHEN message_type_name = ${sqlString(ERROR_TYPE)} THEN CAST(CAST(message_body AS xml) AS nvarchar(max)) ELSE CAST(message_body AS nvarchar(max)) END`;
  const receive = `RECEIVE TOP (${sqlInt(Math.max(1, Math.round(max)))}) conversation_handle, message_type_name, ${body} AS message_body
    FROM ${qualifiedName(names.schema, names.neo4jSyncQueue)}`;
  const wait = Math.round(waitMs);
  return wait > 0 ? `WAITFOR (\n    ${receive}\n), TIMEOUT ${sqlInt(wait)};` : `${receive};`;
}

export function endConversationsQuery(handles: readonly string[]): SqlStatement {
  return {
    text: handles.map((_, i) => `END CONVERSATION @h${i};`).join('\n'),
    params: handles.map((h, i) => param(`h${i}`, 'uniqueidentifier', h)),
  };
}

/**
 * Messages on the queue, from the catalog (sys.partitions of the queue's internal table, as the OODA
 * depth: reading the queue itself would wait on the readers' locks). It counts the EndDialog messages
 * in transit too (one per finished batch, ended at the next receive).
 */
export function syncDepthQuery(names: ObjectNames): SqlStatement {
  return {
    text: `SELECT COALESCE(SUM(p.rows), 0) AS depth
FROM sys.service_queues AS q
JOIN sys.internal_tables AS it ON it.parent_id = q.object_id AND it.internal_type_desc = N'QUEUE_MESSAGES'
JOIN sys.partitions AS p ON p.object_id = it.object_id AND p.index_id IN (0, 1)
WHERE q.schema_id = SCHEMA_ID(@schema) AND q.name = @queue;`,
    params: [param('schema', 'sysname', names.schema), param('queue', 'sysname', names.neo4jSyncQueue)],
  };
}

/**
 * Between runs (resetIngested): end every open sync dialog, both sides, which removes their messages
 * (END CONVERSATION remarks above); the requests name atoms about to be deleted. Open endpoints from
 * sys.conversation_endpoints (state_desc CLOSED are done) of the sync service.
 * https://learn.microsoft.com/sql/relational-databases/system-catalog-views/sys-conversation-endpoints-transact-sql
 */
export function syncClearQuery(names: ObjectNames): SqlStatement {
  return {
    text: `SET NOCOUNT ON;
DECLARE @h uniqueidentifier, @ended int = 0;
WHILE 1 = 1
BEGIN
    SET @h = NULL;
    SELECT TOP (1) @h = e.conversation_handle
    FROM sys.conversation_endpoints AS e JOIN sys.services AS s ON s.service_id = e.service_id
    WHERE s.name = @service AND e.state_desc <> N'CLOSED';
    IF @h IS NULL BREAK;
    END CONVERSATION @h;
    SET @ended += 1;
END;
SELECT @ended AS Ended;`,
    params: [param('service', 'sysname', names.neo4jSyncService)],
  };
}

export interface SyncMessageRow {
  conversation_handle: string;
  message_type_name: string;
  message_body: string | null;
}

/** One request message's body: <sync entityId=".." tenantId=".." syncType=".." enqueuedAtMs=".." [last="1"]/>. */
export function parseSyncBody(body: string): Omit<SyncRequest, 'id'> & { last: boolean } {
  const attr = (name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(body)?.[1];
  const num = (name: string) => {
    const v = Number(attr(name));
    if (!/^<sync\b/.test(body) || attr(name) === undefined || !Number.isFinite(v))
      throw new Error(`Neo4jSyncRequest: no numeric ${name} in ${body.slice(0, 200)}`);
    return v;
  };
  return {
    entityId: num('entityId'),
    tenantId: num('tenantId'),
    syncType: attr('syncType') ?? SYNC_TYPE,
    enqueuedAtMs: num('enqueuedAtMs'),
    last: attr('last') === '1',
  };
}

/** What one receive holds: the requests, and the dialogs to end when it commits. Pure. */
export function sortReceived(
  names: ObjectNames,
  received: readonly SyncMessageRow[],
): { requests: SyncRequest[]; endHandles: string[]; errors: number } {
  const requests: SyncRequest[] = [];
  const end = new Set<string>();
  let errors = 0;
  received.forEach((m, i) => {
    if (m.message_type_name === names.neo4jSyncMessageType) {
      const { last, ...request } = parseSyncBody(m.message_body ?? '');
      requests.push({ ...request, id: `${m.conversation_handle}:${i}` });
      if (last) end.add(m.conversation_handle);
      return;
    }
    // EndDialog (the target side ended: end the initiator side), or an Error: the dialog is over.
    if (m.message_type_name !== END_DIALOG_TYPE) errors++;
    end.add(m.conversation_handle);
  });
  return { requests, endHandles: [...end], errors };
}
