-- DMP web, PostgreSQL schema version 5: the mail room's letters (dmp_web/store/pg/letters.py),
-- shared by every server, so the mail room sees every letter whichever server queued it.
-- `sealed` holds the PDF sealed by the app; the address is sealed too; the kind and the dates
-- stay in clear, to list and purge without a key. `once`: a worker's job id, one letter each.
ALTER TABLE letters
    ADD COLUMN kind text NOT NULL,
    ADD COLUMN address text NOT NULL,
    ADD COLUMN once text UNIQUE;
CREATE INDEX letters_printed_at ON letters (printed_at) WHERE printed_at IS NOT NULL;
