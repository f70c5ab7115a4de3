-- One table per OODA queue. A consumer leases the oldest message (claimedUntilMs), works, then
-- deletes it, sends the next phase's message and writes the metric row in one transaction; a
-- consumer that dies leaves the lease to expire, so the message is received again (like a
-- Service Broker rollback returning the message to the queue).
CREATE TABLE IF NOT EXISTS {{queue}} (
  id              INTEGER PRIMARY KEY,
  loopId          TEXT NOT NULL,
  body            TEXT NOT NULL,
  enqueuedAtMs    INTEGER NOT NULL,
  loopStartedAtMs INTEGER NOT NULL,
  claimedUntilMs  INTEGER
);
