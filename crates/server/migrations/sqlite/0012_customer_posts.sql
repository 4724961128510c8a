-- Customers' posts by their client-made id, so that a retry after a lost answer
-- stores nothing new. `conversation_id` is the conversation the post addressed
-- (its message may have opened a newer one); `message_id` is set in the same
-- transaction as the claim.
CREATE TABLE customer_posts (
    conversation_id BIGINT NOT NULL REFERENCES conversations (id),
    client_id       TEXT   NOT NULL,
    message_id      BIGINT REFERENCES messages (id),
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, client_id)
);
CREATE INDEX customer_posts_created ON customer_posts (created_at);
