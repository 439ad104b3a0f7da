-- DMP web, PostgreSQL schema version 12: the table of the hourly message also keeps where each
-- dossier's daily message «une personne qui vous aide a utilisé votre DMP» stands (carers,
-- services/notices.py): one row per dossier and kind of message, 'openings' or 'carers'. The
-- rows of before are the hourly message's. Neither holds what a carer did: the message is made
-- from the dossier's sealed journal.
ALTER TABLE opening_notices ADD COLUMN kind text NOT NULL DEFAULT 'openings';
ALTER TABLE opening_notices ALTER COLUMN kind DROP DEFAULT;
ALTER TABLE opening_notices DROP CONSTRAINT opening_notices_pkey;
ALTER TABLE opening_notices ADD PRIMARY KEY (dossier_id, kind);
DROP INDEX opening_notices_due;
CREATE INDEX opening_notices_due ON opening_notices (kind, due_at) WHERE due_at IS NOT NULL;
