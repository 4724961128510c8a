-- The pruner deletes old op ids by age every minute.
CREATE INDEX ops_created ON ops (created_at);
