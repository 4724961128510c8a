-- The newest agent message the customer's chat page has shown them ("Seen").
ALTER TABLE conversations ADD COLUMN seen_message_id BIGINT;
