import { describe, expect, it } from 'vitest';
import { atomRecord } from '../../../../fixtures/atom-record.ts';
import { END_DIALOG_TYPE, ERROR_TYPE } from '../../../../../src/engines/mssql/broker/dialect.ts';
import {
  endConversationsQuery,
  ingestSyncSql,
  parseSyncBody,
  sortReceived,
  syncClearQuery,
  syncDepthQuery,
  syncReceiveSql,
} from '../../../../../src/engines/mssql/queues/sync-dialect.ts';
import { ingestQuery } from '../../../../../src/engines/mssql/sql/dialect-ingest.ts';
import { templateVars } from '../../../../../src/engines/mssql/sql/object-names.ts';
import { templateBlocks } from '../../../../../src/engines/mssql/sql/template.ts';
import { NAME_PRESETS, resolveNames } from '../../../../../src/scenario/names.ts';

const runbook = NAME_PRESETS.runbook!;
const mapped = resolveNames('runbook', {
  neo4jSyncService: "Sync]Svc'x",
  neo4jSyncQueue: 'SyncQ',
  neo4jSyncMessageType: '//x/Req',
  neo4jSyncContract: '//x/Contract',
});

/** Every SEND / RECEIVE must start the batch or follow a statement ended with ';' (send-transact-sql). */
function precededBySemicolon(text: string, keyword: RegExp): boolean {
  const lines = text.split('\n');
  return lines.every((l, i) => {
    if (!keyword.test(l.trim())) return true;
    const prev = lines
      .slice(0, i)
      .reverse()
      .find((p) => p.trim() !== '');
    return prev === undefined || /;\s*$/.test(prev) || /\(\s*$/.test(prev);
  });
}

describe('the sync sends of an ingest batch', () => {
  it('one dialog from and to the sync service, pinned to this database, one SEND per new atom', () => {
    const t = ingestSyncSql(runbook);
    expect(t).toContain('FROM SERVICE [Neo4jSyncService]');
    expect(t).toContain("TO SERVICE N'Neo4jSyncService', 'CURRENT DATABASE'");
    expect(t).toContain('ON CONTRACT [Neo4jSyncContract]');
    expect(t).toContain('SEND ON CONVERSATION @sync MESSAGE TYPE [Neo4jSyncRequest] (@syncBody);');
    expect(t).toMatch(/WHERE m\.MergeAction = N'INSERT' ORDER BY m\.AtomId;/);
    expect(t).toContain('CASE WHEN r.n = @syncN THEN 1 END AS [@last]');
    expect(precededBySemicolon(t, /^SEND\b/)).toBe(true);
  });

  it('quotes mapped names: ] doubled in identifiers, quote doubled in the TO SERVICE string', () => {
    const t = ingestSyncSql(mapped);
    expect(t).toContain("FROM SERVICE [Sync]]Svc'x]");
    expect(t).toContain("TO SERVICE N'Sync]Svc''x', 'CURRENT DATABASE'");
    expect(t).toContain('MESSAGE TYPE [//x/Req]');
  });

  it('is part of the ingest transaction only when the run syncs to Neo4j', () => {
    const records = [atomRecord(1), atomRecord(2)];
    const plain = ingestQuery(runbook, 'native', records);
    expect(plain.text).not.toContain('BEGIN DIALOG');
    expect(plain.params.map((p) => p.name)).toEqual(['rows']);
    const synced = ingestQuery(runbook, 'native', records, { nowMs: 1_700_000_000_123.4 });
    const begin = synced.text.indexOf('BEGIN TRANSACTION;');
    const dialog = synced.text.indexOf('BEGIN DIALOG CONVERSATION');
    const commit = synced.text.indexOf('COMMIT TRANSACTION;');
    expect(begin).toBeGreaterThan(0);
    expect(dialog).toBeGreaterThan(synced.text.indexOf('INSERT INTO [dbo].[AtomEmbeddings]'));
    expect(commit).toBeGreaterThan(dialog);
    expect(synced.params.find((p) => p.name === 'syncAtMs')).toEqual({
      name: 'syncAtMs',
      type: 'bigint',
      value: 1_700_000_000_123,
    });
  });
});

describe('the readers statements', () => {
  it('RECEIVE TOP (n) inside WAITFOR with a checked TIMEOUT; a bare RECEIVE without wait left', () => {
    const t = syncReceiveSql(runbook, 10, 250.4);
    expect(t).toMatch(/^WAITFOR \(\n\s+RECEIVE TOP \(10\) conversation_handle, message_type_name, /);
    expect(t).toContain('FROM [dbo].[Neo4jSyncQueue]');
    expect(t).toMatch(/\), TIMEOUT 250;$/);
    expect(syncReceiveSql(runbook, 0, 0)).toMatch(/^RECEIVE TOP \(1\) [\s\S]*\[Neo4jSyncQueue\];$/);
    expect(syncReceiveSql(mapped, 5, 100)).toContain('FROM [dbo].[SyncQ]');
  });

  it('ends each dialog by parameter; depth and clear read the catalog by the mapped names', () => {
    const e = endConversationsQuery(['a', 'b']);
    expect(e.text).toBe('END CONVERSATION @h0;\nEND CONVERSATION @h1;');
    expect(e.params.map((p) => [p.name, p.type, p.value])).toEqual([
      ['h0', 'uniqueidentifier', 'a'],
      ['h1', 'uniqueidentifier', 'b'],
    ]);
    expect(syncDepthQuery(mapped).params.map((p) => p.value)).toEqual(['dbo', 'SyncQ']);
    const c = syncClearQuery(mapped);
    expect(c.params[0]!.value).toBe("Sync]Svc'x");
    expect(c.text).toContain("e.state_desc <> N'CLOSED'");
    expect(precededBySemicolon(c.text, /^END CONVERSATION\b/)).toBe(true);
  });
});

describe('received messages', () => {
  // What FOR XML PATH('sync') yields for one row (attributes in column order; NULL ones left out).
  const body = (id: number, last = false) =>
    `<sync entityId="${id}" tenantId="3" syncType="Create" enqueuedAtMs="1700000000123"${last ? ' last="1"' : ''}/>`;

  it('parses a request body and refuses one without its numbers', () => {
    expect(parseSyncBody(body(2001, true))).toEqual({
      entityId: 2001,
      tenantId: 3,
      syncType: 'Create',
      enqueuedAtMs: 1_700_000_000_123,
      last: true,
    });
    expect(parseSyncBody(body(5)).last).toBe(false);
    expect(() => parseSyncBody('<sync tenantId="1"/>')).toThrow(/no numeric entityId/);
    expect(() => parseSyncBody('{"entityId":1}')).toThrow(/Neo4jSyncRequest/);
  });

  it('ends a dialog only with its last request; EndDialog and Error end theirs, Error is counted', () => {
    const req = (h: string, id: number, last = false) => ({
      conversation_handle: h,
      message_type_name: 'Neo4jSyncRequest',
      message_body: body(id, last),
    });
    const part = sortReceived(runbook, [req('d1', 1), req('d1', 2)]);
    expect(part.requests.map((r) => r.entityId)).toEqual([1, 2]);
    expect(part.endHandles).toEqual([]); // more of d1 still queued: ending now would delete them
    const rest = sortReceived(runbook, [req('d1', 3), req('d1', 4, true)]);
    expect(rest.endHandles).toEqual(['d1']);
    expect(new Set([...part.requests, ...rest.requests].map((r) => r.id)).size).toBe(2); // ids per receive
    const system = sortReceived(runbook, [
      { conversation_handle: 'i1', message_type_name: END_DIALOG_TYPE, message_body: null },
      { conversation_handle: 'i2', message_type_name: ERROR_TYPE, message_body: '<Error/>' },
    ]);
    expect(system).toEqual({ requests: [], endHandles: ['i1', 'i2'], errors: 1 });
  });
});

describe('seed/mssql templates', () => {
  it('creates the message type, contract, queue (poison handling off) and service, and drops them', () => {
    const vars = templateVars(runbook);
    const blocks = templateBlocks('25-neo4j-sync.sql', vars);
    expect(blocks.map((b) => [b.kind, b.key])).toEqual([
      ['messageType', 'neo4jSyncMessageType'],
      ['contract', 'neo4jSyncContract'],
      ['queue', 'neo4jSyncQueue'],
      ['service', 'neo4jSyncService'],
    ]);
    expect(blocks[0]!.sql).toContain('CREATE MESSAGE TYPE [Neo4jSyncRequest] VALIDATION = WELL_FORMED_XML;');
    expect(blocks[1]!.sql).toContain(
      'CREATE CONTRACT [Neo4jSyncContract] ([Neo4jSyncRequest] SENT BY INITIATOR);',
    );
    expect(blocks[2]!.sql).toContain(
      'CREATE QUEUE [dbo].[Neo4jSyncQueue] WITH STATUS = ON, RETENTION = OFF, POISON_MESSAGE_HANDLING (STATUS = OFF);',
    );
    expect(blocks[3]!.sql).toContain(
      'CREATE SERVICE [Neo4jSyncService] ON QUEUE [dbo].[Neo4jSyncQueue] ([Neo4jSyncContract]);',
    );
    const drops = templateBlocks('90-drop.sql', vars).filter((b) => b.key.startsWith('neo4jSync'));
    expect(drops.map((b) => b.key)).toEqual([
      'neo4jSyncService',
      'neo4jSyncQueue',
      'neo4jSyncContract',
      'neo4jSyncMessageType',
    ]);
  });
});
