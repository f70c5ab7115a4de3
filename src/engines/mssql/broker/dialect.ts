/**
 * T-SQL of the OODA traffic over Service Broker (statements per SD:docs/t-sql/statements/
 * begin-dialog-conversation-transact-sql.md, send-transact-sql.md, receive-transact-sql.md,
 * end-conversation-transact-sql.md). SEND and RECEIVE must start a batch or follow a ';' — every
 * statement here ends with one.
 *
 * Every dialog is begun FROM the initiator service, so the EndDialog / Error messages the targets send
 * back land on the initiator queue, where drainInitiatorSql ends atombench's side: no conversation is
 * left open (the lesson-2 tutorial pattern, SD:docs/database-engine/service-broker/lesson-2-beginning-a-conversation-and-transmitting-messages.md).
 * TO SERVICE takes a string literal compared byte by byte (case-sensitive): the mapped name is written
 * as N'...' with ' doubled, followed by 'CURRENT DATABASE' so the dialog is routed to the service of
 * this database only (see dialogAndSend). Message bodies are nvarchar (as in the tutorial) and come back
 * with CAST(message_body AS nvarchar(max)); Error messages are read through xml (see MESSAGE_BODY).
 */
import type { ObjectNames, Phase } from '../../../scenario/names.ts';
import { phaseQueue, phaseService } from '../../../scenario/names.ts';
import { qualifiedName, quoteName, sqlInt, sqlString } from '../sql/identifiers.ts';
import { contractName, messageTypeName, phaseQueues } from '../sql/object-names.ts';
import { param, type SqlParam, type SqlStatement } from '../sql/statement.ts';

/** System message types (http, not https: the docs' rendering of the names is wrong). */
export const END_DIALOG_TYPE = 'http://schemas.microsoft.com/SQL/ServiceBroker/EndDialog';
export const ERROR_TYPE = 'http://schemas.microsoft.com/SQL/ServiceBroker/Error';
export const DIALOG_TIMER_TYPE = 'http://schemas.microsoft.com/SQL/ServiceBroker/DialogTimer';

/**
 * The message body atombench sends: <ooda loopId=".." loopStartedAtMs=".." sentAtMs=".." phase="..">payload</ooda>,
 * built server-side with FOR XML PATH (which escapes the values; without TYPE it yields nvarchar(max)),
 * so it is well-formed XML under VALIDATION = WELL_FORMED_XML and the send time is the server's clock.
 */
export const ENVELOPE = `DECLARE @body nvarchar(max) = (
    SELECT @loopId AS [@loopId], @loopStartedAtMs AS [@loopStartedAtMs],
           DATEDIFF_BIG(MILLISECOND, CAST('1970-01-01' AS datetime2), SYSUTCDATETIME()) AS [@sentAtMs],
           @phase AS [@phase], @payload AS [text()]
    FOR XML PATH('ooda'));`;

/**
 * BEGIN DIALOG + SEND. TO SERVICE '<name>', 'CURRENT DATABASE' pins the target to this database's
 * service (SD:docs/t-sql/statements/begin-dialog-conversation-transact-sql.md, "'CURRENT DATABASE':
 * the conversation uses the service_broker_guid of the current database"). Without a broker instance
 * the AutoCreatedLocal route delivers to the first database of the instance found hosting a service of
 * that name — the current one first, then any other in an unspecified order (Service Broker Routing,
 * "Locating the Destination Service") — so a bench database whose service is missing or mis-mapped
 * could send its OODA traffic into a deployment's queues on the same instance.
 */
export function dialogAndSend(names: ObjectNames, phase: Phase, bodyVar: string): string {
  return [
    'DECLARE @h uniqueidentifier;',
    'BEGIN DIALOG CONVERSATION @h',
    `    FROM SERVICE ${quoteName(names.initiatorService)}`,
    `    TO SERVICE ${sqlString(phaseService(names, phase))}, 'CURRENT DATABASE'`,
    `    ON CONTRACT ${quoteName(contractName(names, phase))}`,
    '    WITH ENCRYPTION = OFF;',
    `SEND ON CONVERSATION @h MESSAGE TYPE ${quoteName(messageTypeName(names, phase))} (${bodyVar});`,
  ].join('\n');
}

export interface EnvelopeValues {
  loopId: string;
  loopStartedAtMs: number;
  payload: string;
}

function envelopeParams(phase: Phase, v: EnvelopeValues): SqlParam[] {
  return [
    param('loopId', 'nvarchar', v.loopId),
    param('loopStartedAtMs', 'bigint', Math.round(v.loopStartedAtMs)),
    param('phase', 'nvarchar', phase),
    param('payload', 'nvarcharMax', v.payload),
  ];
}

/** The trigger: BEGIN DIALOG + SEND to the Analyze service, in one transaction. */
export function triggerQuery(names: ObjectNames, v: EnvelopeValues): SqlStatement {
  return {
    text: [
      'SET NOCOUNT ON;',
      'SET XACT_ABORT ON;',
      'BEGIN TRANSACTION;',
      ENVELOPE,
      dialogAndSend(names, 'Analyze', '@body'),
      'COMMIT TRANSACTION;',
      'SELECT @h AS ConversationHandle;',
    ].join('\n'),
    params: envelopeParams('Analyze', v),
  };
}

/** A send with a body exactly as given (the runbook's manual trigger sends JSON text); for validation checks. */
export function rawSendQuery(names: ObjectNames, phase: Phase, body: string): SqlStatement {
  return {
    text: [
      'SET NOCOUNT ON;',
      'SET XACT_ABORT ON;',
      'BEGIN TRANSACTION;',
      dialogAndSend(names, phase, '@raw'),
      'COMMIT TRANSACTION;',
      'SELECT @h AS ConversationHandle;',
    ].join('\n'),
    params: [param('raw', 'nvarcharMax', body)],
  };
}

/**
 * The message body as text. atombench sends nvarchar, so CAST(... AS nvarchar(max)) gives it back. A
 * broker Error message is XML whose byte encoding the docs do not state; the documented way to read it
 * is CAST(message_body AS xml) (SD:docs/database-engine/service-broker/how-to-retrieve-information-from-a-service-broker-error-message-transact-sql.md),
 * then to nvarchar for the client, so its <Code> (-9615 = failed validation) is always readable.
 * An expression is allowed in RECEIVE's column list (SD:docs/t-sql/statements/receive-transact-sql.md, example I).
 */
const MESSAGE_BODY = `CASE WHEN message_type_name = ${sqlString(ERROR_TYPE)} THEN CAST(CAST(message_body AS xml) AS nvarchar(max)) ELSE CAST(message_body AS nvarchar(max)) END`;

/**
 * Take one message of a phase queue, waiting up to waitMs. Runs inside the caller's transaction: the
 * message leaves the queue only when complete() commits (rollback returns it; SD: RECEIVE remarks).
 * TIMEOUT is written as a checked integer literal.
 */
/**
 * WAITFOR (RECEIVE TOP (1) ...), TIMEOUT ms. With no wait left (waitMs <= 0, e.g. the deadline passed
 * while system messages were handled) the WAITFOR is skipped: a bare RECEIVE returns at once with an
 * empty result set when the queue holds nothing (SD:docs/t-sql/statements/receive-transact-sql.md).
 */
export function receiveSql(names: ObjectNames, phase: Phase, waitMs: number): string {
  const receive = [
    `RECEIVE TOP (1) conversation_handle, message_type_name, ${MESSAGE_BODY} AS message_body`,
    `    FROM ${qualifiedName(names.schema, phaseQueue(names, phase))}`,
  ];
  const wait = Math.round(waitMs);
  if (!(wait > 0)) return `${receive.join('\n')};`;
  return ['WAITFOR (', `    ${receive[0]}`, receive[1], `), TIMEOUT ${sqlInt(wait)};`].join('\n');
}

export interface CompleteValues extends EnvelopeValues {
  conversationHandle: string;
  phase: Phase;
  durationMs: number;
  success: boolean;
  errorMessage: string | undefined;
}

/**
 * Finish a received message in the receive's transaction: the metric row, END CONVERSATION of the
 * received dialog, then (unless the loop ends or failed) BEGIN DIALOG + SEND to the next phase, as the
 * deployment's phase procedures do.
 */
export function completeQuery(names: ObjectNames, v: CompleteValues, next: Phase | undefined): SqlStatement {
  const parts = [
    'SET NOCOUNT ON;',
    `INSERT INTO ${qualifiedName(names.schema, names.metricsTable)} (Phase, DurationMs, Success, ErrorMessage)`,
    '    VALUES (@metricPhase, @durationMs, @success, @errorMessage);',
    'END CONVERSATION @received;',
  ];
  const params: SqlParam[] = [
    param('metricPhase', 'nvarchar', v.phase),
    param('durationMs', 'int', Math.max(0, Math.min(2_147_483_647, Math.round(v.durationMs)))),
    param('success', 'bit', v.success),
    param('errorMessage', 'nvarcharMax', v.errorMessage ?? null),
    param('received', 'uniqueidentifier', v.conversationHandle),
  ];
  if (next) {
    parts.push(ENVELOPE, dialogAndSend(names, next, '@body'));
    params.push(...envelopeParams(next, v));
  }
  return { text: parts.join('\n'), params };
}

/** End a conversation that brought a system message (EndDialog / Error / DialogTimer) to a phase queue. */
export function endConversationQuery(handle: string): SqlStatement {
  return { text: 'END CONVERSATION @h;', params: [param('h', 'uniqueidentifier', handle)] };
}

/**
 * Drain the initiator queue: receive each EndDialog / Error message and END CONVERSATION on
 * atombench's side, one transaction per message, at most `limit` messages. Returns what was drained
 * (Error bodies carry <Code>, e.g. -9615 for a message that failed validation).
 */
export function drainInitiatorSql(names: ObjectNames, limit: number): string {
  return `SET NOCOUNT ON;
SET XACT_ABORT ON;
DECLARE @drained TABLE (message_type_name nvarchar(256) NULL, message_body nvarchar(max) NULL);
DECLARE @h uniqueidentifier, @type nvarchar(256), @body nvarchar(max), @i int = 0;
WHILE @i < ${sqlInt(limit)}
BEGIN
    SET @h = NULL;
    BEGIN TRANSACTION;
    RECEIVE TOP (1) @h = conversation_handle, @type = message_type_name,
        @body = ${MESSAGE_BODY}
        FROM ${qualifiedName(names.schema, names.initiatorQueue)};
    IF @h IS NULL
    BEGIN
        COMMIT TRANSACTION;
        BREAK;
    END;
    END CONVERSATION @h;
    INSERT INTO @drained (message_type_name, message_body) VALUES (@type, @body);
    COMMIT TRANSACTION;
    SET @i += 1;
END;
SELECT message_type_name, message_body FROM @drained;`;
}

/**
 * Attach mode: end only a conversation atombench began (the deployment's own conversations on its
 * initiator queue are not touched). RECEIVE ... WHERE conversation_handle = @h takes only that dialog's
 * message; its side is ended once the target's EndDialog or an Error has arrived. "If the conversation
 * handle ... does not exist, or is not associated with the specified queue, the RECEIVE statement
 * returns an error" (SD:docs/t-sql/statements/receive-transact-sql.md): a handle whose endpoint is gone
 * (ended elsewhere, cleaned up) is checked in sys.conversation_endpoints first and reported as gone = 1
 * instead; the driver also catches per handle, for the race between the check and the RECEIVE.
 */
export function drainHandleQuery(names: ObjectNames, handle: string): SqlStatement {
  const queue = qualifiedName(names.schema, names.initiatorQueue);
  return {
    text: `SET NOCOUNT ON;
SET XACT_ABORT ON;
IF NOT EXISTS (SELECT 1 FROM sys.conversation_endpoints AS ce
               JOIN sys.services AS s ON s.service_id = ce.service_id
               WHERE ce.conversation_handle = @h AND s.service_queue_id = OBJECT_ID(${sqlString(queue)}))
BEGIN
    SELECT CAST(NULL AS uniqueidentifier) AS got, CAST(NULL AS nvarchar(256)) AS message_type_name,
        CAST(NULL AS nvarchar(max)) AS message_body, CAST(1 AS bit) AS gone;
    RETURN;
END;
DECLARE @got uniqueidentifier, @type nvarchar(256), @body nvarchar(max);
BEGIN TRANSACTION;
RECEIVE TOP (1) @got = conversation_handle, @type = message_type_name, @body = ${MESSAGE_BODY}
    FROM ${queue}
    WHERE conversation_handle = @h;
IF @got IS NOT NULL AND @type IN (${sqlString(END_DIALOG_TYPE)}, ${sqlString(ERROR_TYPE)})
    END CONVERSATION @h;
COMMIT TRANSACTION;
SELECT @got AS got, @type AS message_type_name, @body AS message_body, CAST(0 AS bit) AS gone;`,
    params: [param('h', 'uniqueidentifier', handle)],
  };
}

/**
 * Messages waiting per queue, from the queues' internal tables (cheap, no locks on the queue;
 * SD:docs/relational-databases/system-catalog-views/sys-internal-tables-transact-sql.md example H).
 */
export function queueDepthQuery(names: ObjectNames): SqlStatement {
  const queues = [...Object.values(phaseQueues(names)), names.initiatorQueue];
  return {
    text: `SELECT q.name AS queue_name, COALESCE(SUM(p.rows), 0) AS depth
FROM sys.service_queues AS q
JOIN sys.internal_tables AS it ON it.parent_id = q.object_id AND it.internal_type_desc = N'QUEUE_MESSAGES'
JOIN sys.partitions AS p ON p.object_id = it.object_id AND p.index_id IN (0, 1)
WHERE q.schema_id = SCHEMA_ID(@schema) AND q.name IN (${queues.map((_, i) => `@q${i}`).join(', ')})
GROUP BY q.name;`,
    params: [param('schema', 'sysname', names.schema), ...queues.map((q, i) => param(`q${i}`, 'sysname', q))],
  };
}
