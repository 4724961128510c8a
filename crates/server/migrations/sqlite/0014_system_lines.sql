-- What a system line says, as JSON (SystemLine), for each client to put in
-- its agent's language; body keeps the English. NULL on other lines and on
-- system lines from before.
ALTER TABLE messages ADD COLUMN system TEXT;
