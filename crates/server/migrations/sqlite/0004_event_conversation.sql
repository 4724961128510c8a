-- The conversation an event is about, so a node that reads events back from the
-- table (several nodes on PostgreSQL share one log) can route them to customers'
-- pages without parsing payloads. Older events keep NULL.
ALTER TABLE events ADD COLUMN conversation_id BIGINT;
