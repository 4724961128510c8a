-- Erased customers: the row stays (conversations and closures refer to it, and
-- the reports count them) with the name replaced and nothing that identifies
-- them. The audit log of erasures: who, when, how many rows; nothing else.
ALTER TABLE customers ADD COLUMN erased_at BIGINT;
CREATE TABLE erasures (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id   BIGINT NOT NULL REFERENCES customers (id),
    -- NULL: the admin CLI.
    erased_by     BIGINT REFERENCES agents (id),
    erased_at     BIGINT NOT NULL,
    conversations BIGINT NOT NULL,
    messages      BIGINT NOT NULL,
    attachments   BIGINT NOT NULL,
    surveys       BIGINT NOT NULL,
    texts         BIGINT NOT NULL,
    tokens        BIGINT NOT NULL,
    events        BIGINT NOT NULL
);
