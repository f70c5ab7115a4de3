/**
 * Server-side activation (`ooda.activation: server`), as Hartonomous deploys it: the Hypothesize, Act and
 * Learn queues each activate a procedure (dbo.sp_Hypothesize / sp_Act / sp_Learn) with
 * MAX_QUEUE_READERS = 1 and EXECUTE AS OWNER. Each procedure loops: WAITFOR (RECEIVE TOP (1) ...),
 * TIMEOUT 5000; the phase's work (WAITFOR DELAY); a row in OODALoopMetrics; END CONVERSATION of the
 * received dialog; BEGIN DIALOG + SEND to the next phase — all in one transaction per message.
 *
 * Pages (learn.microsoft.com/sql/...):
 * - t-sql/statements/alter-queue-transact-sql: ACTIVATION (STATUS, PROCEDURE_NAME, MAX_QUEUE_READERS,
 *   EXECUTE AS { SELF | 'user_name' | OWNER }); STATUS = ON starts the procedure while fewer than
 *   MAX_QUEUE_READERS run and messages arrive faster than they are received; "SQL Server must be able to
 *   check the permissions for this user at the time that the queue activates the stored procedure".
 * - database-engine/service-broker/internal-activation-context (ms171585): the queue's EXECUTE AS user is
 *   impersonated before the procedure starts; the activated session runs "on a background session ...
 *   The options set for this session are the default options for the database" — so every procedure sets
 *   NOCOUNT and XACT_ABORT itself, and the options the xml data type methods require ("Setting Options
 *   (XML Data Type)", ms188285: ANSI_PADDING, ANSI_WARNINGS, ARITHABORT, CONCAT_NULL_YIELDS_NULL ON,
 *   NUMERIC_ROUNDABORT OFF; ANSI_NULLS and QUOTED_IDENTIFIER ON are the procedure's own, saved at CREATE
 *   from atombench's session, where the driver sets both ON).
 * - Ownership: EXECUTE AS OWNER runs as the queue's owner, and atombench's queues and procedures are
 *   created by the same principal in one schema, so the owner can execute the procedure and RECEIVE /
 *   SEND / INSERT without grants. TRUSTWORTHY is not needed: an impersonation made by a database-scoped
 *   module is restricted to its database ("Extending Database Impersonation by Using EXECUTE AS",
 *   ms188304), and these procedures touch only the bench database's own queues, services and table.
 * - t-sql/language-elements/waitfor-transact-sql: DELAY 'time_to_pass' "can be specified either in a
 *   datetime data format, or as a local variable ... the date part of the datetime value isn't allowed.
 *   time_to_pass is formatted as hh:mm[[:ss].fff]", at most 24 hours: a varchar in exactly that form.
 *   CONVERT style 121 (t-sql/functions/cast-and-convert-transact-sql) is yyyy-mm-dd hh:mi:ss.mmm.
 * - t-sql/statements/receive-transact-sql (`@variable = column` in the column list; a RECEIVE must start
 *   a batch or follow a ';'), end-conversation-transact-sql, begin-dialog-conversation-transact-sql,
 *   send-transact-sql (through dialect.ts dialogAndSend / ENVELOPE, as the client's complete() sends).
 * - t-sql/functions/json-value-transact-sql: JSON_VALUE raises an error on text that is not JSON, so
 *   ISJSON guards it.
 *
 * The phase's service time is drawn by the client from ooda.phaseWorkMs when it sends the trigger (the
 * same seeded stream as client activation), and travels in the payload: {"work": {"Hypothesize": ms,
 * "Act": ms, "Learn": ms}, "failAt": "<phase>"}. The procedures are therefore independent of the
 * scenario (created once in prepare, owned like every other object), and a run is reproducible from its
 * seed whichever side consumes.
 */
import type { ObjectNames, Phase } from '../../../scenario/names.ts';
import { phaseQueue } from '../../../scenario/names.ts';
import { qualifiedName, sqlInt, sqlString } from '../sql/identifiers.ts';
import {
  ACTIVATED_PHASES,
  activationProcedureName,
  messageTypeName,
  type ActivatedPhase,
} from '../sql/object-names.ts';
import { param, type SqlStatement } from '../sql/statement.ts';
import type { TemplateBlock } from '../sql/template.ts';
import { dialogAndSend, ENVELOPE } from './dialect.ts';

/** WAITFOR (RECEIVE ...), TIMEOUT of each procedure, as deployed: an idle reader ends after 5 s. */
export const ACTIVATION_RECEIVE_TIMEOUT_MS = 5000;
/** Hartonomous activates one reader per phase queue. */
export const ACTIVATION_MAX_READERS = 1;
/** WAITFOR DELAY takes at most 24 hours; a longer draw is cut just below. */
const MAX_DELAY_MS = 24 * 3600 * 1000 - 1000;

const NEXT: Record<ActivatedPhase, Phase | undefined> = {
  Hypothesize: 'Act',
  Act: 'Learn',
  Learn: undefined,
};

/** The procedure's key in the template ids (object-names.ts templateIds) and the ownership record. */
export function procedureKey(phase: ActivatedPhase): string {
  return `proc${phase}`;
}

/** CREATE PROCEDURE of one phase (run through sp_executesql: CREATE PROCEDURE must start its batch). */
export function activationProcedureSql(names: ObjectNames, phase: ActivatedPhase): string {
  const next = NEXT[phase];
  const forward = next
    ? [
        '        IF @success = 1',
        '        BEGIN',
        `            SET @phase = ${sqlString(next)};`,
        indent(ENVELOPE, 12),
        indent(dialogAndSend(names, next, '@body'), 12),
        '        END;',
      ]
    : [];
  return [
    `CREATE PROCEDURE ${qualifiedName(names.schema, activationProcedureName(phase))}`,
    'AS',
    'BEGIN',
    '    SET NOCOUNT ON;',
    '    SET XACT_ABORT ON;',
    // xml methods (@x.value) fail unless these are set; the activated session has the database's defaults.
    '    SET ANSI_PADDING ON;',
    '    SET ANSI_WARNINGS ON;',
    '    SET ARITHABORT ON;',
    '    SET CONCAT_NULL_YIELDS_NULL ON;',
    '    SET NUMERIC_ROUNDABORT OFF;',
    '    DECLARE @received uniqueidentifier, @type nvarchar(256), @in nvarchar(max), @x xml,',
    '        @loopId nvarchar(100), @loopStartedAtMs bigint, @payload nvarchar(max), @phase nvarchar(50),',
    '        @workMs int, @started datetime2(7), @delay varchar(12), @success bit;',
    '    WHILE 1 = 1',
    '    BEGIN',
    '        SET @received = NULL;',
    '        BEGIN TRANSACTION;',
    '        WAITFOR (',
    '            RECEIVE TOP (1) @received = conversation_handle, @type = message_type_name,',
    '                @in = CAST(message_body AS nvarchar(max))',
    `                FROM ${qualifiedName(names.schema, phaseQueue(names, phase))}`,
    `        ), TIMEOUT ${sqlInt(ACTIVATION_RECEIVE_TIMEOUT_MS)};`,
    '        IF @received IS NULL',
    '        BEGIN',
    '            ROLLBACK TRANSACTION;',
    '            BREAK;',
    '        END;',
    // EndDialog / Error / DialogTimer on a dialog this queue is the target of: end this side.
    `        IF @type <> ${sqlString(messageTypeName(names, phase))}`,
    '        BEGIN',
    '            END CONVERSATION @received;',
    '            COMMIT TRANSACTION;',
    '            CONTINUE;',
    '        END;',
    // atombench's envelope (dialect.ts ENVELOPE): <ooda loopId= loopStartedAtMs= sentAtMs= phase=>payload</ooda>
    '        SET @x = CAST(@in AS xml);',
    "        SET @loopId = @x.value(N'(/ooda/@loopId)[1]', N'nvarchar(100)');",
    "        SET @loopStartedAtMs = @x.value(N'(/ooda/@loopStartedAtMs)[1]', N'bigint');",
    "        SET @payload = @x.value(N'(/ooda/text())[1]', N'nvarchar(max)');",
    '        SET @workMs = 0;',
    '        SET @success = 1;',
    '        IF ISJSON(@payload) = 1',
    '        BEGIN',
    `            SET @workMs = COALESCE(TRY_CAST(JSON_VALUE(@payload, ${sqlString(`$.work.${phase}`)}) AS int), 0);`,
    `            IF JSON_VALUE(@payload, N'$.failAt') = ${sqlString(phase)} SET @success = 0;`,
    '        END;',
    `        IF @workMs > ${sqlInt(MAX_DELAY_MS)} SET @workMs = ${sqlInt(MAX_DELAY_MS)};`,
    '        SET @started = SYSUTCDATETIME();',
    '        IF @workMs > 0',
    '        BEGIN',
    // The documented form hh:mm[[:ss].fff], no date part: style 121 is yyyy-mm-dd hh:mi:ss.mmm, its last 12.
    '            SET @delay = RIGHT(CONVERT(varchar(23), DATEADD(MILLISECOND, @workMs, CAST(0 AS datetime)), 121), 12);',
    '            WAITFOR DELAY @delay;',
    '        END;',
    `        INSERT INTO ${qualifiedName(names.schema, names.metricsTable)} (Phase, DurationMs, Success, ErrorMessage)`,
    `            VALUES (${sqlString(phase)}, DATEDIFF(MILLISECOND, @started, SYSUTCDATETIME()), @success,`,
    "                    CASE WHEN @success = 0 THEN N'atombench simulated failure' END);",
    '        END CONVERSATION @received;',
    ...forward,
    '        COMMIT TRANSACTION;',
    '    END;',
    'END;',
  ].join('\n');
}

function indent(text: string, n: number): string {
  const pad = ' '.repeat(n);
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

/** The procedures as owned-object blocks for prepare() (kind procedure; dropped by 90-drop.sql). */
export function activationBlocks(names: ObjectNames): TemplateBlock[] {
  return ACTIVATED_PHASES.map((p) => ({
    kind: 'procedure' as const,
    key: procedureKey(p),
    sql: activationProcedureSql(names, p),
  }));
}

/** A procedure block's text as one statement: sp_executesql runs it as its own batch, inside the caller's transaction. */
export function procedureCreateStatement(sqlText: string): SqlStatement {
  return { text: 'EXEC sys.sp_executesql @procSql;', params: [param('procSql', 'nvarcharMax', sqlText)] };
}

/** ALTER QUEUE ... WITH ACTIVATION (STATUS = ON, PROCEDURE_NAME, MAX_QUEUE_READERS = 1, EXECUTE AS OWNER). */
export function activationOnSql(names: ObjectNames, phase: ActivatedPhase): string {
  return [
    `ALTER QUEUE ${qualifiedName(names.schema, phaseQueue(names, phase))}`,
    `    WITH ACTIVATION (STATUS = ON, PROCEDURE_NAME = ${qualifiedName(names.schema, activationProcedureName(phase))},`,
    `        MAX_QUEUE_READERS = ${sqlInt(ACTIVATION_MAX_READERS)}, EXECUTE AS OWNER);`,
  ].join('\n');
}

/**
 * Activation off (client activation, and at the end of a server-activation run), only where it is on
 * (sys.service_queues.is_activation_enabled): a running procedure ends at its next empty RECEIVE timeout.
 */
export function activationOffSql(names: ObjectNames, phase: ActivatedPhase): string {
  const queue = qualifiedName(names.schema, phaseQueue(names, phase));
  return [
    `IF EXISTS (SELECT 1 FROM sys.service_queues WHERE object_id = OBJECT_ID(${sqlString(queue)}) AND is_activation_enabled = 1)`,
    `    ALTER QUEUE ${queue} WITH ACTIVATION (STATUS = OFF);`,
  ].join('\n');
}

/** The highest metric row id now: rows above it are this run's. */
export function metricWatermarkQuery(names: ObjectNames): SqlStatement {
  return {
    text: `SELECT COALESCE(MAX(MetricId), 0) AS MaxId FROM ${qualifiedName(names.schema, names.metricsTable)};`,
    params: [],
  };
}

/** The activated phases' rows above the watermark, with ExecutedAt as ms since the epoch (UTC). */
export function serverPhaseRowsQuery(names: ObjectNames, afterId: number): SqlStatement {
  return {
    text: `SELECT MetricId, Phase, DurationMs, Success,
    DATEDIFF_BIG(MILLISECOND, CAST('1970-01-01' AS datetime2), ExecutedAt) AS ExecutedAtMs
FROM ${qualifiedName(names.schema, names.metricsTable)}
WHERE MetricId > @after AND Phase IN (${ACTIVATED_PHASES.map((p) => sqlString(p)).join(', ')})
ORDER BY MetricId;`,
    params: [param('after', 'bigint', afterId)],
  };
}
