-- DMP web, PostgreSQL schema version 6: the patients' reports of a professional (« Je ne connais
-- pas cette personne », dmp_web/store/pg/reports.py). `record` is the file store's row: the
-- patient's sentence and the agent's note sealed by the app inside it. The status and the day
-- stay in clear, for the desk agents' queue of the open reports.
CREATE TABLE reports (
    dossier_id   text NOT NULL,
    report_id    text NOT NULL,
    status       text NOT NULL,
    reported_at  timestamptz NOT NULL,
    record       jsonb NOT NULL,
    PRIMARY KEY (dossier_id, report_id)
);
CREATE INDEX reports_by_id ON reports (report_id);
CREATE INDEX reports_open ON reports (reported_at) WHERE status = 'open';
