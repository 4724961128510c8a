-- The customer's language on the chat page, as one of the server's languages
-- ("en", "fr"): the server's texts to that customer use it. NULL for texts
-- and for conversations from before (the server's --language then).
ALTER TABLE conversations ADD COLUMN language TEXT COLLATE "C";
