-- DMP web, PostgreSQL schema version 10: the monthly history letters («Recevoir mon historique
-- par courrier», dmp_web/store/pg/history_letters.py): one row per dossier and month, claimed by
-- a run of `flask letters history`, then queued, so no server ever posts one month twice.
-- `record` is the state as the file store keeps it (the month, the letter queue's key, when it
-- was claimed and queued); it holds no access: the letter is made from the sealed journal.
CREATE TABLE history_letters (
    dossier_id   text NOT NULL,
    month        text NOT NULL,
    record       jsonb NOT NULL,
    PRIMARY KEY (dossier_id, month)
);
