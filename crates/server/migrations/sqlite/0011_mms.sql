-- Texts that carry a file (MMS): the attachment, and the unguessable token of
-- the address the provider fetches it from (no sign-in: the provider has none).
ALTER TABLE sms_outbox ADD COLUMN attachment_id BIGINT REFERENCES attachments (id);
ALTER TABLE sms_outbox ADD COLUMN media_token TEXT;
CREATE UNIQUE INDEX sms_outbox_media_token ON sms_outbox (media_token);
