-- Team routing: whether an agent takes on work now, and how much at once.
ALTER TABLE agents ADD COLUMN availability TEXT NOT NULL DEFAULT 'available'
    CHECK (availability IN ('available', 'away'));
ALTER TABLE agents ADD COLUMN availability_since BIGINT;
-- The most conversations the agent may occupy at once; NULL: no limit.
ALTER TABLE agents ADD COLUMN capacity BIGINT;
