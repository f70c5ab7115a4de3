import { describe, expect, it } from 'vitest';
import { NAME_PRESETS, resolveNames } from '../../../../../src/scenario/names.ts';
import {
  completeQuery,
  drainHandleQuery,
  drainInitiatorSql,
  queueDepthQuery,
  rawSendQuery,
  receiveSql,
  triggerQuery,
} from '../../../../../src/engines/mssql/broker/dialect.ts';

const names = NAME_PRESETS.runbook!;
const env = { loopId: 'loop-1', loopStartedAtMs: 1700000000000.4, payload: '{"trigger":"atombench"}' };

describe('OODA traffic statements', () => {
  it('trigger: BEGIN DIALOG from the initiator to AnalyzeService + SEND, in one transaction', () => {
    const s = triggerQuery(names, env);
    expect(s.text).toContain(
      "BEGIN DIALOG CONVERSATION @h\n    FROM SERVICE [//Hartonomous/Service/Initiator]\n    TO SERVICE N'AnalyzeService', 'CURRENT DATABASE'\n    ON CONTRACT [//Hartonomous/AutonomousLoop/AnalyzeContract]\n    WITH ENCRYPTION = OFF;",
    );
    expect(s.text).toContain(
      'SEND ON CONVERSATION @h MESSAGE TYPE [//Hartonomous/AutonomousLoop/AnalyzeMessage] (@body);',
    );
    expect(s.text).toMatch(
      /SET XACT_ABORT ON;\nBEGIN TRANSACTION;[\s\S]*COMMIT TRANSACTION;\nSELECT @h AS ConversationHandle;$/,
    );
    expect(s.text).toContain("FOR XML PATH('ooda')");
    expect(s.params.map((p) => `${p.name}:${p.type}`)).toEqual([
      'loopId:nvarchar',
      'loopStartedAtMs:bigint',
      'phase:nvarchar',
      'payload:nvarcharMax',
    ]);
    expect(s.params[1]!.value).toBe(1700000000000);
    expect(s.text).not.toContain('atombench"}');
  });

  it('every SEND / RECEIVE follows a statement terminator', () => {
    const texts = [
      triggerQuery(names, env).text,
      rawSendQuery(names, 'Act', '<x/>').text,
      drainInitiatorSql(names, 10),
      receiveSql(names, 'Act', 5),
    ];
    for (const t of texts) {
      for (const m of t.matchAll(/\b(SEND|RECEIVE)\b/g)) {
        const before = t.slice(0, m.index).trimEnd();
        expect(
          before === '' || before.endsWith(';') || before.endsWith('(') || before.endsWith('WAITFOR ('),
        ).toBe(true);
      }
    }
  });

  it('receive: WAITFOR (RECEIVE TOP (1) ...), TIMEOUT as an integer literal', () => {
    expect(receiveSql(names, 'Hypothesize', 200.4)).toBe(
      "WAITFOR (\n    RECEIVE TOP (1) conversation_handle, message_type_name, CASE WHEN message_type_name = N'http://schemas.microsoft.com/SQL/ServiceBroker/Error' THEN CAST(CAST(message_body AS xml) AS nvarchar(max)) ELSE CAST(message_body AS nvarchar(max)) END AS message_body\n    FROM [dbo].[HypothesizeQueue]\n), TIMEOUT 200;",
    );
  });

  it('receive with no wait left: a bare RECEIVE, never WAITFOR ... TIMEOUT 0', () => {
    for (const left of [0, -5, 0.4, Number.NaN]) {
      const t = receiveSql(names, 'Act', left);
      expect(t).not.toContain('WAITFOR');
      expect(t).not.toContain('TIMEOUT');
      expect(t).toBe(
        "RECEIVE TOP (1) conversation_handle, message_type_name, CASE WHEN message_type_name = N'http://schemas.microsoft.com/SQL/ServiceBroker/Error' THEN CAST(CAST(message_body AS xml) AS nvarchar(max)) ELSE CAST(message_body AS nvarchar(max)) END AS message_body\n    FROM [dbo].[ActQueue];",
      );
    }
    expect(receiveSql(names, 'Act', 0.6)).toContain('), TIMEOUT 1;');
  });

  it('complete: metric row, END CONVERSATION, then dialog + SEND to the next phase', () => {
    const s = completeQuery(
      names,
      {
        ...env,
        conversationHandle: 'A1B2',
        phase: 'Analyze',
        durationMs: 12.6,
        success: true,
        errorMessage: undefined,
      },
      'Hypothesize',
    );
    const t = s.text;
    expect(t).toContain('INSERT INTO [dbo].[OODALoopMetrics] (Phase, DurationMs, Success, ErrorMessage)');
    expect(t.indexOf('END CONVERSATION @received;')).toBeLessThan(t.indexOf('BEGIN DIALOG'));
    expect(t).toContain("TO SERVICE N'HypothesizeService'");
    expect(t).toContain('MESSAGE TYPE [//Hartonomous/AutonomousLoop/HypothesizeMessage] (@body);');
    const p = Object.fromEntries(s.params.map((x) => [x.name, x.value]));
    expect(p).toMatchObject({
      metricPhase: 'Analyze',
      durationMs: 13,
      success: true,
      errorMessage: null,
      received: 'A1B2',
      phase: 'Hypothesize',
    });
  });

  it('complete without a next phase ends the loop: no new dialog', () => {
    const s = completeQuery(
      names,
      { ...env, conversationHandle: 'h', phase: 'Learn', durationMs: 1, success: false, errorMessage: 'x' },
      undefined,
    );
    expect(s.text).not.toContain('BEGIN DIALOG');
    expect(s.text).toContain('END CONVERSATION @received;');
  });

  it("drain ends atombench's side one message per transaction", () => {
    const t = drainInitiatorSql(names, 50);
    expect(t).toContain('WHILE @i < 50');
    expect(t).toContain('FROM [dbo].[InitiatorQueue];');
    expect(t).toMatch(
      /BEGIN TRANSACTION;\s+RECEIVE TOP \(1\)[\s\S]*END CONVERSATION @h;[\s\S]*COMMIT TRANSACTION;/,
    );
    const h = drainHandleQuery(names, 'abc');
    expect(h.text).toContain('WHERE conversation_handle = @h;');
    expect(h.text).toContain("N'http://schemas.microsoft.com/SQL/ServiceBroker/EndDialog'");
    // A stale handle is checked before the RECEIVE (which would raise) and reported as gone.
    const guard = h.text.indexOf('IF NOT EXISTS (SELECT 1 FROM sys.conversation_endpoints AS ce');
    expect(guard).toBeGreaterThan(-1);
    expect(guard).toBeLessThan(h.text.indexOf('RECEIVE'));
    expect(h.text).toContain(
      "WHERE ce.conversation_handle = @h AND s.service_queue_id = OBJECT_ID(N'[dbo].[InitiatorQueue]'))",
    );
    expect(h.text).toMatch(/CAST\(1 AS bit\) AS gone;\n {4}RETURN;\nEND;/);
    expect(h.text).toMatch(/CAST\(0 AS bit\) AS gone;$/);
    expect(h.params).toEqual([{ name: 'h', type: 'uniqueidentifier', value: 'abc' }]);
  });

  it("depth from the queues' internal tables, names as parameters", () => {
    const s = queueDepthQuery(names);
    expect(s.text).toContain(
      "JOIN sys.internal_tables AS it ON it.parent_id = q.object_id AND it.internal_type_desc = N'QUEUE_MESSAGES'",
    );
    expect(s.text).toContain('p.index_id IN (0, 1)');
    expect(s.params.map((p) => p.value)).toEqual([
      'dbo',
      'AnalyzeQueue',
      'HypothesizeQueue',
      'ActQueue',
      'LearnQueue',
      'InitiatorQueue',
    ]);
  });

  it("every dialog is pinned to this database's target service ('CURRENT DATABASE')", () => {
    const texts = [
      triggerQuery(names, env).text,
      rawSendQuery(names, 'Learn', '<x/>').text,
      completeQuery(
        names,
        {
          ...env,
          conversationHandle: 'h',
          phase: 'Act',
          durationMs: 1,
          success: true,
          errorMessage: undefined,
        },
        'Learn',
      ).text,
    ];
    for (const t of texts) {
      const dialogs = t.match(/BEGIN DIALOG/g)?.length ?? 0;
      expect(dialogs).toBe(1);
      expect(t).toMatch(/TO SERVICE N'[^']+', 'CURRENT DATABASE'\n/);
    }
  });

  it('Error message bodies are read through xml; other bodies as nvarchar', () => {
    const errorCast = 'CAST(CAST(message_body AS xml) AS nvarchar(max))';
    for (const t of [
      receiveSql(names, 'Act', 5),
      drainInitiatorSql(names, 5),
      drainHandleQuery(names, 'h').text,
    ]) {
      expect(t).toContain(
        `CASE WHEN message_type_name = N'http://schemas.microsoft.com/SQL/ServiceBroker/Error' THEN ${errorCast} ELSE CAST(message_body AS nvarchar(max)) END`,
      );
    }
  });

  it('mapped service names are literals with quotes doubled', () => {
    const n = resolveNames('runbook', { analyzeService: "Ana'lyze" });
    expect(triggerQuery(n, env).text).toContain("TO SERVICE N'Ana''lyze'");
  });
});
