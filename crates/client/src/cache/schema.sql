-- The offline cache, schema version 3. Times are milliseconds since the epoch.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Every conversation this agent may see, with its wire summary as JSON and the
-- columns the lists filter and sort on.
CREATE TABLE conversations (
    id              INTEGER PRIMARY KEY,
    state           TEXT    NOT NULL,
    occupant_id     INTEGER,
    closed_by       INTEGER,
    closed_at       INTEGER,
    customer_id     INTEGER NOT NULL,
    last_message_at INTEGER,
    version         INTEGER NOT NULL,
    -- Which archive backfill last confirmed this row (see Cache::finish_backfill).
    archive_gen     INTEGER NOT NULL DEFAULT 0,
    summary         TEXT    NOT NULL
);
CREATE INDEX conversations_list ON conversations (state, occupant_id);
CREATE INDEX conversations_archive ON conversations (closed_by, closed_at);
CREATE INDEX conversations_customer ON conversations (customer_id);

-- Conversations this cache dropped (taken by someone else, blocked…) and the
-- version that said so: older news of them (a slow history fetch) is ignored.
CREATE TABLE dropped (
    id      INTEGER PRIMARY KEY,
    version INTEGER NOT NULL
);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL,
    author          TEXT    NOT NULL,
    agent_id        INTEGER,
    agent_name      TEXT,
    body            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    -- The files attached to the line, as the wire's JSON list (NULL: none).
    attachments     TEXT,
    -- What a system line says, as the wire's JSON (NULL: not a system line,
    -- or one from before; its body says it in English).
    system          TEXT
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);

-- Full-text search: message bodies in id-range partitions (fts.rs, which also
-- creates their table fts_parts), customers by conversation.
CREATE VIRTUAL TABLE customers_fts USING fts5(
    name, email, tokenize = 'unicode61 remove_diacritics 2'
);

-- Actions waiting to reach the server, oldest first, each with its op id.
CREATE TABLE outbox (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    op_id           TEXT    NOT NULL UNIQUE,
    conversation_id INTEGER NOT NULL,
    action          TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'failed')),
    error_code      TEXT,
    error_message   TEXT,
    created_at      INTEGER NOT NULL
);
