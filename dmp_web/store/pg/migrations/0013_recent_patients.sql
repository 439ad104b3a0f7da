-- DMP web, PostgreSQL schema version 13: « Mes patients récents » on a professional's home
-- (dmp_web/store/pg/recent.py). One row per (professional, dossier): the last time that
-- professional's opening of the DMP was allowed. Derived from the decisions the journal keeps,
-- written after each one, so a home page never reads journals.
CREATE TABLE recent_patients (
    rpps         text NOT NULL,
    dossier_id   text NOT NULL,
    opened_at    timestamptz NOT NULL,
    PRIMARY KEY (rpps, dossier_id)
);
CREATE INDEX recent_patients_by_time ON recent_patients (rpps, opened_at DESC);
CREATE INDEX recent_patients_by_dossier ON recent_patients (dossier_id);
