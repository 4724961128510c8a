-- An agent removed from the team (left the company): kept for the history and
-- the reports, never signed in, offered or counted again. NULL: on the team.
ALTER TABLE agents ADD COLUMN removed_at BIGINT;
