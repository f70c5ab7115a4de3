-- The Neo4j sync queue as Hartonomous has it (../shared/reference/hartonomous-target.md): ingest sends one
-- Neo4jSyncRequest message per new atom on Neo4jSyncQueue, and a worker RECEIVEs it and MERGEs the atom
-- into Neo4j. Created only when a run syncs to Neo4j (SchemaPlan.neo4jSync). All names are mappable.
-- DDL per https://learn.microsoft.com/sql/t-sql/statements/create-message-type-transact-sql,
-- create-contract-transact-sql, create-queue-transact-sql, create-service-transact-sql.
--
-- One service is both ends of every sync dialog (FROM SERVICE [Neo4jSyncService] TO SERVICE
-- 'Neo4jSyncService'): the requests and the EndDialog messages of the dialogs come back to the one
-- queue, where atombench's readers receive both and end each side (engines/mssql/queues/).
-- The deployment activates 3 readers (ACTIVATION ... MAX_QUEUE_READERS = 3); atombench creates no
-- procedures: its own `neo4j.readers` client readers RECEIVE instead, so no ACTIVATION clause here.
-- POISON_MESSAGE_HANDLING is OFF (unlike the OODA queues): a reader rolls its receive back whenever
-- Neo4j is down, and five rollbacks in a row would disable the queue (create-queue-transact-sql,
-- POISON_MESSAGE_HANDLING) exactly in the outage the run is meant to survive and report.

-- @object messageType neo4jSyncMessageType
CREATE MESSAGE TYPE {{id:neo4jSyncMessageType}} VALIDATION = WELL_FORMED_XML;

-- @object contract neo4jSyncContract
CREATE CONTRACT {{id:neo4jSyncContract}} ({{id:neo4jSyncMessageType}} SENT BY INITIATOR);

-- @object queue neo4jSyncQueue
CREATE QUEUE {{qn:neo4jSyncQueue}} WITH STATUS = ON, RETENTION = OFF, POISON_MESSAGE_HANDLING (STATUS = OFF);

-- The target service must list the contract, or the messages stay in sys.transmission_queue.
-- @object service neo4jSyncService
CREATE SERVICE {{id:neo4jSyncService}} ON QUEUE {{qn:neo4jSyncQueue}} ({{id:neo4jSyncContract}});
