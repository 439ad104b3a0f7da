-- DMP web, PostgreSQL schema version 7: where each dossier's hourly message «un soignant a
-- ouvert votre DMP» stands (dmp_web/store/pg/notices.py), shared by every server, so one server
-- only tells each opening. `record` is the state as the file store keeps it (last message,
-- journal place told, due time); `due_at` is the worker's queue, found by its index. Neither
-- holds who opened the DMP: the message is made from the dossier's sealed journal.
CREATE TABLE opening_notices (
    dossier_id   text PRIMARY KEY,
    record       jsonb NOT NULL,
    due_at       timestamptz
);
CREATE INDEX opening_notices_due ON opening_notices (due_at) WHERE due_at IS NOT NULL;
