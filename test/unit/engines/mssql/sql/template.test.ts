import { describe, expect, it } from 'vitest';
import { activationBlocks } from '../../../../../src/engines/mssql/broker/activation.ts';
import { NAME_PRESETS, resolveNames } from '../../../../../src/scenario/names.ts';
import { templateIds, templateVars } from '../../../../../src/engines/mssql/sql/object-names.ts';
import {
  readTemplate,
  renderTemplate,
  splitBlocks,
  templateBlocks,
} from '../../../../../src/engines/mssql/sql/template.ts';

const runbook = NAME_PRESETS.runbook!;

describe('template rendering', () => {
  const vars = {
    schema: 'dbo',
    ids: { t: 'Atoms', evil: 'x]; DROP TABLE y; --', svc: "it's" },
    keywords: { v: 'NONE' },
    numbers: { n: 5000 },
  };

  it('quotes identifiers, qualifies names, writes literals and checked keywords', () => {
    expect(renderTemplate('SELECT * FROM {{qn:t}} AS {{id:t}};', vars)).toBe(
      'SELECT * FROM [dbo].[Atoms] AS [Atoms];',
    );
    expect(renderTemplate('{{id:evil}}', vars)).toBe('[x]]; DROP TABLE y; --]');
    expect(renderTemplate('TO SERVICE {{str:svc}}', vars)).toBe("TO SERVICE N'it''s'");
    expect(renderTemplate('VALIDATION = {{kw:v}}, TIMEOUT {{num:n}}', vars)).toBe(
      'VALIDATION = NONE, TIMEOUT 5000',
    );
  });

  it('an unknown key or a malformed placeholder is an error, never left in the SQL', () => {
    expect(() => renderTemplate('{{id:nope}}', vars)).toThrow(/no value/);
    expect(() => renderTemplate('{{xx:t}}', vars)).toThrow(/malformed/);
    expect(() => renderTemplate('{{kw:t}}', vars)).toThrow(/no value/);
  });

  it('splits @object blocks and drops the header', () => {
    const text =
      '-- header\nignored;\n-- @object table t\nCREATE TABLE {{qn:t}} (a int);\n-- @object queue q\nCREATE QUEUE x;\n';
    expect(splitBlocks(text)).toEqual([
      { kind: 'table', key: 't', body: 'CREATE TABLE {{qn:t}} (a int);' },
      { kind: 'queue', key: 'q', body: 'CREATE QUEUE x;' },
    ]);
    expect(() => splitBlocks('-- @object view v\nx')).toThrow(/unknown object kind/);
  });
});

describe('seed/mssql templates', () => {
  const files = ['00-meta.sql', '10-tables.sql', '20-broker.sql', '90-drop.sql'];

  it.each(files)('%s renders completely with the runbook and HEAD names', (file) => {
    for (const names of [runbook, NAME_PRESETS.head!]) {
      const blocks = templateBlocks(file, templateVars(names, { validation: 'WELL_FORMED_XML' }));
      expect(blocks.length).toBeGreaterThan(0);
      for (const b of blocks) {
        expect(b.sql).not.toMatch(/\{\{|\}\}/);
        expect(templateIds(names)[b.key]).toBeDefined();
      }
    }
  });

  it('every created object has a drop block, and drops come in dependency order', () => {
    const keys = (f: string) => splitBlocks(readTemplate(f)).map((b) => `${b.kind}:${b.key}`);
    // The activation procedures are built in TS (broker/activation.ts) and created with the broker objects.
    const procedures = activationBlocks(runbook).map((b) => `${b.kind}:${b.key}`);
    const created = [
      ...keys('10-tables.sql'),
      ...keys('20-broker.sql'),
      ...procedures,
      ...keys('25-neo4j-sync.sql'),
    ].sort();
    const dropped = keys('90-drop.sql');
    expect([...dropped].sort()).toEqual(created);
    const at = (k: string) => dropped.indexOf(k);
    expect(at('service:initiatorService')).toBeLessThan(at('queue:initiatorQueue'));
    expect(at('queue:analyzeQueue')).toBeLessThan(at('contract:contractAnalyze'));
    expect(at('contract:contractAnalyze')).toBeLessThan(at('messageType:msgAnalyze'));
    expect(at('table:embeddingsTable')).toBeLessThan(at('table:atomsTable'));
    expect(at('service:neo4jSyncService')).toBeLessThan(at('queue:neo4jSyncQueue'));
    expect(at('contract:neo4jSyncContract')).toBeLessThan(at('messageType:neo4jSyncMessageType'));
  });

  it('the runbook tables as Hartonomous deployed them', () => {
    const sql = templateBlocks('10-tables.sql', templateVars(runbook))
      .map((b) => b.sql)
      .join('\n');
    expect(sql).toContain('CREATE TABLE [dbo].[Atoms] (');
    expect(sql).toContain(
      '[AtomId] bigint IDENTITY(1, 1) NOT NULL CONSTRAINT [PK_Atoms] PRIMARY KEY CLUSTERED',
    );
    expect(sql).toContain('ContentHash binary(32) NOT NULL CONSTRAINT [UQ_Atoms_ContentHash] UNIQUE');
    expect(sql).toContain(
      '[AtomEmbeddingId] bigint IDENTITY(1, 1) NOT NULL CONSTRAINT [PK_AtomEmbeddings] PRIMARY KEY CLUSTERED',
    );
    expect(sql).toContain('FOREIGN KEY REFERENCES [dbo].[Atoms] ([AtomId]) ON DELETE CASCADE');
    expect(sql).toContain('[SpatialGeometry] geometry NULL');
    expect(sql).toContain('[SpatialCoarse] geometry NULL');
    expect(sql).toContain(
      'CREATE NONCLUSTERED INDEX [IX_AtomEmbeddings_AtomId] ON [dbo].[AtomEmbeddings] ([AtomId])\n    INCLUDE (ModelId, EmbeddingType, Dimension);',
    );
    expect(sql).toContain(
      'ON [dbo].[AtomEmbeddings] (TenantId, ModelId, EmbeddingType)\n    INCLUDE ([AtomId], Dimension);',
    );
    expect(sql).toContain('CREATE TABLE [dbo].[OODALoopMetrics]');
    expect(sql).toMatch(
      /CoherenceScore AS \(CASE WHEN ISJSON\(CoherenceMetrics\) = 1\s+THEN TRY_CAST\(JSON_VALUE\(CoherenceMetrics, '\$\.avg_coherence'\) AS float\) END\)/,
    );
    expect(sql).toContain('AgreementRatio float NOT NULL');
    expect(sql).not.toMatch(/SPATIAL INDEX/);
  });

  it('Service Broker objects with the deployment names and the scenario validation', () => {
    for (const validation of ['WELL_FORMED_XML', 'NONE'] as const) {
      const sql = templateBlocks('20-broker.sql', templateVars(runbook, { validation }))
        .map((b) => b.sql)
        .join('\n');
      expect(sql).toContain(
        `CREATE MESSAGE TYPE [//Hartonomous/AutonomousLoop/AnalyzeMessage] VALIDATION = ${validation};`,
      );
      expect(sql).toContain(
        'CREATE CONTRACT [//Hartonomous/AutonomousLoop/LearnContract] ([//Hartonomous/AutonomousLoop/LearnMessage] SENT BY INITIATOR);',
      );
      expect(sql).toContain(
        'CREATE QUEUE [dbo].[AnalyzeQueue] WITH STATUS = ON, RETENTION = OFF, POISON_MESSAGE_HANDLING (STATUS = ON);',
      );
      expect(sql).toContain(
        'CREATE SERVICE [HypothesizeService] ON QUEUE [dbo].[HypothesizeQueue] ([//Hartonomous/AutonomousLoop/HypothesizeContract]);',
      );
      expect(sql).toMatch(
        /CREATE SERVICE \[\/\/Hartonomous\/Service\/Initiator\] ON QUEUE \[dbo\]\.\[InitiatorQueue\]\s+\(\[\/\/Hartonomous\/AutonomousLoop\/AnalyzeContract\], \[\/\/Hartonomous\/AutonomousLoop\/HypothesizeContract\], \[\/\/Hartonomous\/AutonomousLoop\/ActContract\], \[\/\/Hartonomous\/AutonomousLoop\/LearnContract\]\);/,
      );
    }
    expect(() => templateVars(runbook, { validation: 'EMPTY' as 'NONE' })).toThrow();
  });

  it('hostile mapped names stay quoted everywhere', () => {
    const names = resolveNames('runbook', {
      atomsTable: 'A]; DROP DATABASE x; --',
      initiatorService: "svc'--",
    });
    const sql = ['10-tables.sql', '20-broker.sql']
      .flatMap((f) => templateBlocks(f, templateVars(names)))
      .map((b) => b.sql)
      .join('\n');
    expect(sql).toContain('[dbo].[A]]; DROP DATABASE x; --]');
    expect(sql).not.toMatch(/\[A\]; DROP/);
    expect(sql).toContain("[svc'--]");
  });
});
