import { describe, expect, it } from 'vitest';
import { NAME_PRESETS, resolveNames } from '../../../../../src/scenario/names.ts';
import {
  activationBlocks,
  activationOffSql,
  activationOnSql,
  activationProcedureSql,
  metricWatermarkQuery,
  procedureCreateStatement,
  serverPhaseRowsQuery,
} from '../../../../../src/engines/mssql/broker/activation.ts';
import { templateBlocks } from '../../../../../src/engines/mssql/sql/template.ts';
import { templateVars } from '../../../../../src/engines/mssql/sql/object-names.ts';
import { existsQuery } from '../../../../../src/engines/mssql/sql/catalog.ts';

const names = NAME_PRESETS.runbook!;

describe('activation procedures (ooda.activation: server)', () => {
  it('Hypothesize: WAITFOR (RECEIVE TOP (1) ...), TIMEOUT 5000 on its queue, work, metric row, END CONVERSATION, SEND to Act', () => {
    const t = activationProcedureSql(names, 'Hypothesize');
    expect(
      t.startsWith(
        'CREATE PROCEDURE [dbo].[sp_Hypothesize]\nAS\nBEGIN\n    SET NOCOUNT ON;\n    SET XACT_ABORT ON;',
      ),
    ).toBe(true);
    expect(t).toContain(
      '        WAITFOR (\n            RECEIVE TOP (1) @received = conversation_handle, @type = message_type_name,\n                @in = CAST(message_body AS nvarchar(max))\n                FROM [dbo].[HypothesizeQueue]\n        ), TIMEOUT 5000;',
    );
    // The activated session has the database's default options: the xml methods' required ones are set.
    expect(t).toContain(
      '    SET ANSI_PADDING ON;\n    SET ANSI_WARNINGS ON;\n    SET ARITHABORT ON;\n    SET CONCAT_NULL_YIELDS_NULL ON;\n    SET NUMERIC_ROUNDABORT OFF;',
    );
    expect(t.indexOf('SET ARITHABORT ON;')).toBeLessThan(t.indexOf('@x.value('));
    // An empty wait ends the activated procedure (the queue monitor starts it again on the next message).
    expect(t).toMatch(/IF @received IS NULL\n\s+BEGIN\n\s+ROLLBACK TRANSACTION;\n\s+BREAK;/);
    expect(t).toContain("IF @type <> N'//Hartonomous/AutonomousLoop/HypothesizeMessage'");
    // The service time travels in the payload (drawn from ooda.phaseWorkMs by the client).
    expect(t).toContain("JSON_VALUE(@payload, N'$.work.Hypothesize')");
    expect(t).toContain("IF JSON_VALUE(@payload, N'$.failAt') = N'Hypothesize' SET @success = 0;");
    expect(t).toContain(
      'SET @delay = RIGHT(CONVERT(varchar(23), DATEADD(MILLISECOND, @workMs, CAST(0 AS datetime)), 121), 12);\n            WAITFOR DELAY @delay;',
    );
    expect(t).toContain('IF @workMs > 86399000 SET @workMs = 86399000;');
    expect(t).toContain(
      "INSERT INTO [dbo].[OODALoopMetrics] (Phase, DurationMs, Success, ErrorMessage)\n            VALUES (N'Hypothesize', DATEDIFF(MILLISECOND, @started, SYSUTCDATETIME()), @success,",
    );
    // Order inside the transaction: metric row, END CONVERSATION, then the next dialog, then COMMIT.
    const order = [
      'INSERT INTO',
      'END CONVERSATION @received;',
      "SET @phase = N'Act';",
      'BEGIN DIALOG CONVERSATION @h',
      'SEND ON CONVERSATION @h MESSAGE TYPE [//Hartonomous/AutonomousLoop/ActMessage] (@body);',
      'COMMIT TRANSACTION;\n    END;\nEND;',
    ];
    const at = order.map((s) => t.lastIndexOf(s));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(t).toContain("TO SERVICE N'ActService', 'CURRENT DATABASE'");
    expect(t).toContain('FROM SERVICE [//Hartonomous/Service/Initiator]');
  });

  it('Act sends to Learn; Learn ends the loop without a SEND', () => {
    expect(activationProcedureSql(names, 'Act')).toContain("TO SERVICE N'LearnService', 'CURRENT DATABASE'");
    const learn = activationProcedureSql(names, 'Learn');
    expect(learn).toContain('FROM [dbo].[LearnQueue]');
    expect(learn).not.toContain('SEND ON CONVERSATION');
    expect(learn).not.toContain('BEGIN DIALOG');
    expect(learn).toContain('END CONVERSATION @received;');
  });

  it('quotes mapped names (schema, queue, metrics table, service string)', () => {
    const n = resolveNames('runbook', {
      schema: 'be]nch',
      actQueue: 'Act]Q',
      metricsTable: "Me'trics",
      learnService: "Le'arn",
    });
    const act = activationProcedureSql(n, 'Act');
    expect(act).toContain('CREATE PROCEDURE [be]]nch].[sp_Act]');
    expect(act).toContain('FROM [be]]nch].[Act]]Q]');
    expect(act).toContain("INSERT INTO [be]]nch].[Me'trics]");
    expect(act).toContain("TO SERVICE N'Le''arn', 'CURRENT DATABASE'");
    expect(activationOnSql(n, 'Act')).toContain('ALTER QUEUE [be]]nch].[Act]]Q]');
    expect(activationOffSql(n, 'Act')).toContain("OBJECT_ID(N'[be]]nch].[Act]]Q]')");
  });

  it('ACTIVATION clause: STATUS = ON, the phase procedure, MAX_QUEUE_READERS = 1, EXECUTE AS OWNER', () => {
    expect(activationOnSql(names, 'Learn')).toBe(
      'ALTER QUEUE [dbo].[LearnQueue]\n    WITH ACTIVATION (STATUS = ON, PROCEDURE_NAME = [dbo].[sp_Learn],\n        MAX_QUEUE_READERS = 1, EXECUTE AS OWNER);',
    );
    expect(activationOffSql(names, 'Learn')).toBe(
      "IF EXISTS (SELECT 1 FROM sys.service_queues WHERE object_id = OBJECT_ID(N'[dbo].[LearnQueue]') AND is_activation_enabled = 1)\n    ALTER QUEUE [dbo].[LearnQueue] WITH ACTIVATION (STATUS = OFF);",
    );
  });

  it('procedures are owned blocks, created through sp_executesql, existence by OBJECT_ID(..., P), dropped by 90-drop.sql', () => {
    const blocks = activationBlocks(names);
    expect(blocks.map((b) => `${b.kind}:${b.key}`)).toEqual([
      'procedure:procHypothesize',
      'procedure:procAct',
      'procedure:procLearn',
    ]);
    const vars = templateVars(names);
    expect(blocks.map((b) => vars.ids[b.key])).toEqual(['sp_Hypothesize', 'sp_Act', 'sp_Learn']);
    const create = procedureCreateStatement(blocks[0]!.sql);
    expect(create.text).toBe('EXEC sys.sp_executesql @procSql;');
    expect(create.params[0]).toMatchObject({ name: 'procSql', type: 'nvarcharMax', value: blocks[0]!.sql });
    expect(existsQuery('procedure', 'dbo', 'sp_Act').text).toContain("OBJECT_ID(@qname, N'P')");
    const drops = templateBlocks('90-drop.sql', vars).filter((b) => b.kind === 'procedure');
    expect(drops.map((b) => b.sql)).toEqual([
      'DROP PROCEDURE [dbo].[sp_Hypothesize];',
      'DROP PROCEDURE [dbo].[sp_Act];',
      'DROP PROCEDURE [dbo].[sp_Learn];',
    ]);
  });

  it('server rows: above the watermark, the activated phases only, ExecutedAt in epoch ms', () => {
    expect(metricWatermarkQuery(names).text).toBe(
      'SELECT COALESCE(MAX(MetricId), 0) AS MaxId FROM [dbo].[OODALoopMetrics];',
    );
    const q = serverPhaseRowsQuery(names, 41);
    expect(q.text).toContain("WHERE MetricId > @after AND Phase IN (N'Hypothesize', N'Act', N'Learn')");
    expect(q.text).toContain(
      "DATEDIFF_BIG(MILLISECOND, CAST('1970-01-01' AS datetime2), ExecutedAt) AS ExecutedAtMs",
    );
    expect(q.params).toEqual([{ name: 'after', type: 'bigint', value: 41 }]);
  });
});
