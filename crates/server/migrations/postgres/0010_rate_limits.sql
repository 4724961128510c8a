-- Rate limits counted across nodes (sign-ins per address and per email, new
-- chats per address, messages per conversation): per key, the theoretical
-- arrival time of the next attempt (GCRA), in milliseconds since the epoch.
CREATE TABLE rate_limits (
    bucket TEXT   COLLATE "C" PRIMARY KEY,
    tat    BIGINT NOT NULL
);
CREATE INDEX rate_limits_tat ON rate_limits (tat);
