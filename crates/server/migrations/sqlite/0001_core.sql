-- Core schema. Times are milliseconds since the Unix epoch (BIGINT) so the same
-- queries run on SQLite and PostgreSQL; booleans are 0/1 integers for the same reason.

CREATE TABLE agents (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT    NOT NULL,
    email_key     TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
    password_hash TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT   PRIMARY KEY,
    agent_id   BIGINT NOT NULL REFERENCES agents (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_agent ON sessions (agent_id);

CREATE TABLE customers (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL,
    email      TEXT,
    email_key  TEXT UNIQUE,
    phone      TEXT UNIQUE,
    blocked    BIGINT  NOT NULL DEFAULT 0,
    blocked_at BIGINT,
    blocked_by BIGINT REFERENCES agents (id),
    created_at BIGINT  NOT NULL
);

CREATE TABLE conversations (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id      BIGINT  NOT NULL REFERENCES customers (id),
    state            TEXT    NOT NULL CHECK (state IN ('not_assigned', 'occupied', 'archived', 'spam')),
    occupant_id      BIGINT REFERENCES agents (id),
    created_at       BIGINT  NOT NULL,
    -- Denormalised row status, kept by every message insert.
    last_message_at  BIGINT,
    unanswered_body  TEXT,
    unanswered_since BIGINT,
    closed_at        BIGINT,
    closed_by        BIGINT REFERENCES agents (id),
    subject          TEXT,
    subject_known    BIGINT,
    mood             TEXT,
    previous_id      BIGINT REFERENCES conversations (id),
    -- Sequence number of the event that last changed this conversation.
    version          BIGINT  NOT NULL DEFAULT 0,
    CHECK ((state = 'occupied') = (occupant_id IS NOT NULL))
);
CREATE INDEX conversations_state ON conversations (state, occupant_id);
CREATE INDEX conversations_archive ON conversations (closed_by, version);
CREATE INDEX conversations_customer ON conversations (customer_id);

CREATE TABLE customer_tokens (
    token_hash      TEXT   PRIMARY KEY,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id),
    created_at      BIGINT NOT NULL
);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id BIGINT  NOT NULL REFERENCES conversations (id),
    author          TEXT    NOT NULL CHECK (author IN ('customer', 'agent', 'system')),
    agent_id        BIGINT REFERENCES agents (id),
    body            TEXT    NOT NULL,
    hidden          BIGINT  NOT NULL DEFAULT 0,
    created_at      BIGINT  NOT NULL
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);

-- Every end of a conversation, kept when it is reopened (the chat report counts them).
CREATE TABLE closures (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id),
    closed_at       BIGINT NOT NULL,
    closed_by       BIGINT NOT NULL REFERENCES agents (id),
    subject         TEXT,
    mood            TEXT   NOT NULL
);
CREATE INDEX closures_agent ON closures (closed_by, closed_at);

-- When a conversation left an agent's archive (reopened, customer blocked), so
-- archive paging "since a cursor" can tell offline caches to drop it.
CREATE TABLE archive_removals (
    agent_id        BIGINT NOT NULL REFERENCES agents (id),
    conversation_id BIGINT NOT NULL REFERENCES conversations (id),
    seq             BIGINT NOT NULL
);
CREATE INDEX archive_removals_agent ON archive_removals (agent_id, seq);

CREATE TABLE surveys (
    conversation_id BIGINT PRIMARY KEY REFERENCES conversations (id),
    agent_id        BIGINT NOT NULL REFERENCES agents (id),
    rating          BIGINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment         TEXT,
    answered_at     BIGINT NOT NULL
);

CREATE TABLE subjects (
    position BIGINT PRIMARY KEY,
    name     TEXT   NOT NULL UNIQUE
);

-- The event log. `seq` comes from event_counter inside the writing transaction, so
-- commit order equals sequence order even with several writers.
CREATE TABLE event_counter (
    id  BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL
);
INSERT INTO event_counter (id, seq) VALUES (1, 0);

CREATE TABLE events (
    seq          BIGINT PRIMARY KEY,
    at           BIGINT NOT NULL,
    -- Who may see it: everyone, up to two agents, or (neither) supervisors only.
    audience_all BIGINT NOT NULL,
    agent_a      BIGINT,
    agent_b      BIGINT,
    payload      TEXT   NOT NULL
);

-- Idempotency: the stored answer to every agent mutation, by its client-made op id.
CREATE TABLE ops (
    agent_id    BIGINT NOT NULL REFERENCES agents (id),
    op_id       TEXT   NOT NULL,
    fingerprint TEXT   NOT NULL,
    status      BIGINT NOT NULL,
    response    TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (agent_id, op_id)
);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('pruned_through', '0');
