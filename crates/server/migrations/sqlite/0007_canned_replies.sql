-- Canned replies: saved answers agents insert from the composer. The shortcut
-- is stored in lowercase and unique.
CREATE TABLE canned_replies (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    title      TEXT    NOT NULL,
    shortcut   TEXT    NOT NULL UNIQUE,
    body       TEXT    NOT NULL,
    created_by BIGINT  REFERENCES agents (id),
    updated_at BIGINT  NOT NULL
);
