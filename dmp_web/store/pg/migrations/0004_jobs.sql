-- DMP web, PostgreSQL schema version 4: the worker's jobs (dmp_web/store/pg/jobs.py).
-- A job id is found by an index, not a unique key: a partitioned table's unique keys must hold
-- its partition key (dossier_id), and a job's id is made random by the app.
ALTER TABLE jobs DROP CONSTRAINT jobs_job_id_key;
CREATE INDEX jobs_job_id ON jobs (job_id);
