-- One table per OODA queue. A consumer takes the oldest message with SELECT ... FOR UPDATE SKIP LOCKED
-- inside a transaction and keeps that transaction open while it works; completing deletes the message,
-- sends the next phase's and writes the metric row, then commits. A consumer that dies (or fails) rolls
-- back, and the message is on the queue again: Service Broker's RECEIVE-in-a-transaction semantics.
-- enqueuedAtMs / loopStartedAtMs are the client's clock (the loop latency is measured against it);
-- enqueuedAt is the server's, for people inspecting the table.
CREATE TABLE IF NOT EXISTS {{queue}} (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  loopId          text NOT NULL,
  body            text NOT NULL,
  enqueuedAtMs    bigint NOT NULL,
  loopStartedAtMs bigint NOT NULL,
  enqueuedAt      timestamptz NOT NULL DEFAULT clock_timestamp()
);
