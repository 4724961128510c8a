-- Files attached to messages. The content is kept once per SHA-256 (blobs),
-- with its type sniffed from the content and, for images shown inline, a PNG
-- thumbnail of at most 320 px; attachments name a blob for a message.
CREATE TABLE blobs (
    sha256       TEXT    PRIMARY KEY,
    size         BIGINT  NOT NULL,
    content_type TEXT    NOT NULL,
    data         BLOB    NOT NULL,
    thumbnail    BLOB,
    created_at   BIGINT  NOT NULL
);

CREATE TABLE attachments (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id      BIGINT  NOT NULL REFERENCES messages (id),
    conversation_id BIGINT  NOT NULL REFERENCES conversations (id),
    sha256          TEXT    NOT NULL REFERENCES blobs (sha256),
    name            TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL
);
CREATE INDEX attachments_message ON attachments (message_id);
CREATE INDEX attachments_conversation ON attachments (conversation_id);
