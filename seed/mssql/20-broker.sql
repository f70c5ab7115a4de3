-- Service Broker objects of the OODA loop with the deployment's names (AHartTN/Hartonomous-Sandbox), all
-- mappable. DDL per SD:docs/t-sql/statements/create-message-type-transact-sql.md,
-- create-contract-transact-sql.md, create-queue-transact-sql.md, create-service-transact-sql.md.
-- Validation is the scenario's ooda.validation: WELL_FORMED_XML as deployed, or NONE. It is applied
-- when the target enqueues a message; a rejected message comes back to the initiator as an Error
-- message (SD:docs/database-engine/service-broker/message-types.md), which atombench counts by class.
-- Activation: the procedures sp_Hypothesize, sp_Act, sp_Learn are created with these objects
-- (src/engines/mssql/broker/activation.ts builds them from one function, owned like the rest); the
-- queues' ACTIVATION is switched on only for `ooda.activation: server` runs, otherwise atombench's own
-- consumers RECEIVE.

-- @object messageType msgAnalyze
CREATE MESSAGE TYPE {{id:msgAnalyze}} VALIDATION = {{kw:validation}};
-- @object messageType msgHypothesize
CREATE MESSAGE TYPE {{id:msgHypothesize}} VALIDATION = {{kw:validation}};
-- @object messageType msgAct
CREATE MESSAGE TYPE {{id:msgAct}} VALIDATION = {{kw:validation}};
-- @object messageType msgLearn
CREATE MESSAGE TYPE {{id:msgLearn}} VALIDATION = {{kw:validation}};

-- @object contract contractAnalyze
CREATE CONTRACT {{id:contractAnalyze}} ({{id:msgAnalyze}} SENT BY INITIATOR);
-- @object contract contractHypothesize
CREATE CONTRACT {{id:contractHypothesize}} ({{id:msgHypothesize}} SENT BY INITIATOR);
-- @object contract contractAct
CREATE CONTRACT {{id:contractAct}} ({{id:msgAct}} SENT BY INITIATOR);
-- @object contract contractLearn
CREATE CONTRACT {{id:contractLearn}} ({{id:msgLearn}} SENT BY INITIATOR);

-- Poison-message handling stays ON as deployed: five rollbacks in a row disable a queue
-- (sys.service_queues.is_receive_enabled = 0), which the probes report.
-- @object queue analyzeQueue
CREATE QUEUE {{qn:analyzeQueue}} WITH STATUS = ON, RETENTION = OFF, POISON_MESSAGE_HANDLING (STATUS = ON);
-- @object queue hypothesizeQueue
CREATE QUEUE {{qn:hypothesizeQueue}} WITH STATUS = ON, RETENTION = OFF, POISON_MESSAGE_HANDLING (STATUS = ON);
-- @object queue actQueue
CREATE QUEUE {{qn:actQueue}} WITH STATUS = ON, RETENTION = OFF, POISON_MESSAGE_HANDLING (STATUS = ON);
-- @object queue learnQueue
CREATE QUEUE {{qn:learnQueue}} WITH STATUS = ON, RETENTION = OFF, POISON_MESSAGE_HANDLING (STATUS = ON);
-- @object queue initiatorQueue
CREATE QUEUE {{qn:initiatorQueue}} WITH STATUS = ON, RETENTION = OFF, POISON_MESSAGE_HANDLING (STATUS = ON);

-- A target service must list the contract, or messages stay in sys.transmission_queue.
-- @object service analyzeService
CREATE SERVICE {{id:analyzeService}} ON QUEUE {{qn:analyzeQueue}} ({{id:contractAnalyze}});
-- @object service hypothesizeService
CREATE SERVICE {{id:hypothesizeService}} ON QUEUE {{qn:hypothesizeQueue}} ({{id:contractHypothesize}});
-- @object service actService
CREATE SERVICE {{id:actService}} ON QUEUE {{qn:actQueue}} ({{id:contractAct}});
-- @object service learnService
CREATE SERVICE {{id:learnService}} ON QUEUE {{qn:learnQueue}} ({{id:contractLearn}});
-- The initiator ([//Hartonomous/Service/Initiator] by default) carries all four contracts, as deployed.
-- Every dialog atombench begins is FROM this service, so EndDialog and Error messages come back to
-- its queue, where the driver receives them and ends its side (no leaked conversations).
-- @object service initiatorService
CREATE SERVICE {{id:initiatorService}} ON QUEUE {{qn:initiatorQueue}}
    ({{id:contractAnalyze}}, {{id:contractHypothesize}}, {{id:contractAct}}, {{id:contractLearn}});
