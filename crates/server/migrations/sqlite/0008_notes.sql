-- Internal notes are messages written by 'note'. SQLite cannot change a CHECK
-- constraint in place, so messages is rebuilt inside the migration's
-- transaction (https://www.sqlite.org/lang_altertable.html#otheralter). Renaming
-- it points sms_outbox's reference at the old table, so sms_outbox is rebuilt
-- too, referring to the new one. Every row keeps its id, and the id counters
-- carry over (ids are never reused, not even those of deleted newest rows).
DROP INDEX messages_conversation;
DROP INDEX messages_agent_replies;
ALTER TABLE messages RENAME TO messages_old;
CREATE TABLE messages (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id BIGINT  NOT NULL REFERENCES conversations (id),
    author          TEXT    NOT NULL CHECK (author IN ('customer', 'agent', 'system', 'note')),
    agent_id        BIGINT REFERENCES agents (id),
    body            TEXT    NOT NULL,
    hidden          BIGINT  NOT NULL DEFAULT 0,
    created_at      BIGINT  NOT NULL
);
INSERT INTO messages (id, conversation_id, author, agent_id, body, hidden, created_at)
    SELECT id, conversation_id, author, agent_id, body, hidden, created_at FROM messages_old;
DELETE FROM sqlite_sequence WHERE name = 'messages';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'messages', seq FROM sqlite_sequence WHERE name = 'messages_old';

DROP INDEX sms_outbox_pending;
DROP INDEX sms_outbox_recipient;
ALTER TABLE sms_outbox RENAME TO sms_outbox_old;
CREATE TABLE sms_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id BIGINT  NOT NULL REFERENCES conversations (id),
    message_id      BIGINT REFERENCES messages (id),
    to_number       TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('reply', 'survey', 'clarification', 'thanks')),
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    last_error      TEXT,
    provider_sid    TEXT,
    created_at      BIGINT  NOT NULL,
    sent_at         BIGINT
);
INSERT INTO sms_outbox (id, conversation_id, message_id, to_number, body, kind, status, attempts,
                        next_attempt_at, last_error, provider_sid, created_at, sent_at)
    SELECT id, conversation_id, message_id, to_number, body, kind, status, attempts,
           next_attempt_at, last_error, provider_sid, created_at, sent_at FROM sms_outbox_old;
DELETE FROM sqlite_sequence WHERE name = 'sms_outbox';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'sms_outbox', seq FROM sqlite_sequence WHERE name = 'sms_outbox_old';

DROP TABLE sms_outbox_old;
DROP TABLE messages_old;
CREATE INDEX messages_conversation ON messages (conversation_id, id);
CREATE INDEX messages_agent_replies ON messages (created_at) WHERE author = 'agent';
CREATE INDEX sms_outbox_pending ON sms_outbox (status, next_attempt_at);
CREATE INDEX sms_outbox_recipient ON sms_outbox (to_number, status, id);
