-- Internal notes are messages written by 'note'.
ALTER TABLE messages DROP CONSTRAINT messages_author_check;
ALTER TABLE messages ADD CONSTRAINT messages_author_check
    CHECK (author IN ('customer', 'agent', 'system', 'note'));
