-- Team routing: whether an agent takes on work now, and how much at once.
ALTER TABLE agents ADD COLUMN availability TEXT NOT NULL DEFAULT 'available'
    CHECK (availability IN ('available', 'away'));
ALTER TABLE agents ADD COLUMN availability_since BIGINT;
-- The most conversations the agent may occupy at once; NULL: no limit.
ALTER TABLE agents ADD COLUMN capacity BIGINT;

-- Which agents have the app open: open event streams per agent and node. A
-- node refreshes `seen_at` of its rows while it runs; rows of a node not seen
-- for a while (it died) no longer count and are swept.
CREATE TABLE presence (
    agent_id BIGINT NOT NULL REFERENCES agents (id),
    node     TEXT   NOT NULL,
    streams  BIGINT NOT NULL,
    seen_at  BIGINT NOT NULL,
    PRIMARY KEY (agent_id, node)
);
