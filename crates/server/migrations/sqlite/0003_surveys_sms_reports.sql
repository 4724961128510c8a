-- Surveys per end (closure), the SMS channel, and what the chat report needs.

-- Which end an archived conversation is in (its survey hangs off it), and when the
-- current occupant took it (an end's handling time starts there).
ALTER TABLE conversations ADD COLUMN closure_id BIGINT REFERENCES closures (id);
ALTER TABLE conversations ADD COLUMN occupied_since BIGINT;
-- 'web' (the chat page) or 'sms' (texts through the SMS provider).
ALTER TABLE conversations ADD COLUMN channel TEXT NOT NULL DEFAULT 'web';
UPDATE conversations SET closure_id =
    (SELECT MAX(cl.id) FROM closures cl WHERE cl.conversation_id = conversations.id)
    WHERE closed_at IS NOT NULL;

-- When the closer took the conversation before this end (NULL for ends recorded
-- before this migration, and for conversations occupied when it ran: their take
-- time was not kept, so they have no handling time).
ALTER TABLE closures ADD COLUMN started_at BIGINT;
CREATE INDEX closures_conversation ON closures (conversation_id, id);

-- A customer who texted STOP gets no more texts until they text START.
ALTER TABLE customers ADD COLUMN sms_opted_out BIGINT NOT NULL DEFAULT 0;

-- One survey per end, credited to the agent who ended the conversation. The old
-- table (one per conversation) never had an API, so it holds nothing.
DROP TABLE surveys;
CREATE TABLE surveys (
    closure_id      BIGINT PRIMARY KEY REFERENCES closures (id),
    conversation_id BIGINT NOT NULL REFERENCES conversations (id),
    agent_id        BIGINT NOT NULL REFERENCES agents (id),
    channel         TEXT   NOT NULL CHECK (channel IN ('web', 'sms')),
    -- 1 when the customer was asked (always on the web; by text unless opted out).
    asked           BIGINT NOT NULL,
    requested_at    BIGINT NOT NULL,
    rating          BIGINT CHECK (rating BETWEEN 1 AND 5),
    comment         TEXT,
    answered_at     BIGINT,
    -- Texts only: 'asked', 'clarified' (one unclear reply got the clarification),
    -- 'closed' (the next unclear reply became an ordinary message, or it expired).
    sms_state       TEXT,
    -- The unclear reply, kept so it reaches an agent if the next one is unclear too.
    sms_unclear     TEXT,
    CHECK ((rating IS NULL) = (answered_at IS NULL))
);
CREATE INDEX surveys_agent ON surveys (agent_id, requested_at);

-- Every inbound text by the provider's id: a webhook retried by the provider is
-- stored once.
CREATE TABLE sms_inbound (
    message_sid     TEXT   PRIMARY KEY,
    from_number     TEXT   NOT NULL,
    conversation_id BIGINT REFERENCES conversations (id),
    received_at     BIGINT NOT NULL
);

-- Texts to send, written in the same transaction as the reply or end that causes
-- them; a worker sends them in order per recipient, retrying with backoff.
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
CREATE INDEX sms_outbox_pending ON sms_outbox (status, next_attempt_at);
CREATE INDEX sms_outbox_recipient ON sms_outbox (to_number, status, id);

-- The chat report reads agents' replies and ends by time.
CREATE INDEX messages_agent_replies ON messages (created_at) WHERE author = 'agent';
CREATE INDEX closures_time ON closures (closed_at);
