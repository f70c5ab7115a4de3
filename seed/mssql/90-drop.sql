-- Drops, in dependency order, for objects atombench OWNS (recorded in AtombenchObjects). prepare()
-- runs a block only when its object is in that record, and only with allowDestructive (--reseed):
-- atombench never drops or alters an object it did not create. The bookkeeping tables stay.
-- DROP SERVICE / QUEUE / CONTRACT / MESSAGE TYPE: SD:docs/t-sql/statements/drop-service-transact-sql.md etc.

-- The activation procedures (broker/activation.ts; SD:docs/t-sql/statements/drop-procedure-transact-sql.md).
-- @object procedure procHypothesize
DROP PROCEDURE {{qn:procHypothesize}};
-- @object procedure procAct
DROP PROCEDURE {{qn:procAct}};
-- @object procedure procLearn
DROP PROCEDURE {{qn:procLearn}};
-- @object service initiatorService
DROP SERVICE {{id:initiatorService}};
-- @object service analyzeService
DROP SERVICE {{id:analyzeService}};
-- @object service hypothesizeService
DROP SERVICE {{id:hypothesizeService}};
-- @object service actService
DROP SERVICE {{id:actService}};
-- @object service learnService
DROP SERVICE {{id:learnService}};
-- @object queue initiatorQueue
DROP QUEUE {{qn:initiatorQueue}};
-- @object queue analyzeQueue
DROP QUEUE {{qn:analyzeQueue}};
-- @object queue hypothesizeQueue
DROP QUEUE {{qn:hypothesizeQueue}};
-- @object queue actQueue
DROP QUEUE {{qn:actQueue}};
-- @object queue learnQueue
DROP QUEUE {{qn:learnQueue}};
-- @object contract contractAnalyze
DROP CONTRACT {{id:contractAnalyze}};
-- @object contract contractHypothesize
DROP CONTRACT {{id:contractHypothesize}};
-- @object contract contractAct
DROP CONTRACT {{id:contractAct}};
-- @object contract contractLearn
DROP CONTRACT {{id:contractLearn}};
-- @object messageType msgAnalyze
DROP MESSAGE TYPE {{id:msgAnalyze}};
-- @object messageType msgHypothesize
DROP MESSAGE TYPE {{id:msgHypothesize}};
-- @object messageType msgAct
DROP MESSAGE TYPE {{id:msgAct}};
-- @object messageType msgLearn
DROP MESSAGE TYPE {{id:msgLearn}};
-- Embeddings before atoms (foreign key); the spatial and nonclustered indexes go with their table.
-- @object table embeddingsTable
DROP TABLE {{qn:embeddingsTable}};
-- @object table atomsTable
DROP TABLE {{qn:atomsTable}};
-- @object table metricsTable
DROP TABLE {{qn:metricsTable}};
-- @object table reasoningChainsTable
DROP TABLE {{qn:reasoningChainsTable}};
-- @object table multiPathTable
DROP TABLE {{qn:multiPathTable}};
-- @object table selfConsistencyTable
DROP TABLE {{qn:selfConsistencyTable}};
-- The Neo4j sync objects (25-neo4j-sync.sql): service, queue, contract, message type.
-- @object service neo4jSyncService
DROP SERVICE {{id:neo4jSyncService}};
-- @object queue neo4jSyncQueue
DROP QUEUE {{qn:neo4jSyncQueue}};
-- @object contract neo4jSyncContract
DROP CONTRACT {{id:neo4jSyncContract}};
-- @object messageType neo4jSyncMessageType
DROP MESSAGE TYPE {{id:neo4jSyncMessageType}};
