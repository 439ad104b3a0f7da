-- DMP web, PostgreSQL schema version 1: every table of the embedded store, as rows.
--
-- Every table that belongs to a dossier carries `dossier_id` first in its primary key, so each
-- can be hash-partitioned by dossier (PARTITION BY HASH (dossier_id), or a Citus distribution
-- column) without a change of the code: a dossier's rows always live together, and every
-- query of a use case names its dossier. Tables keyed otherwise (the indexes by NIR, INS-C or
-- identifier, the register, the directory, sessions) are looked up by their own key and are
-- partitioned by that key. See docs/scaling.md.
--
-- Health data stays sealed by the application (Fernet, DMP_DATA_KEYS) before it reaches the
-- database: `sealed` columns hold tokens, never clear text. Files are cut in chunks.

CREATE TABLE dossiers (
    dossier_id   text PRIMARY KEY,
    record       jsonb NOT NULL,              -- the dossier's settings, as the file store keeps them
    status       text NOT NULL,
    closed_at    timestamptz
);
CREATE INDEX dossiers_closed ON dossiers (closed_at) WHERE closed_at IS NOT NULL;

-- The unique keys that find a dossier: kind 'nir', 'ins_c' or 'login'.
CREATE TABLE dossier_keys (
    kind         text NOT NULL,
    key          text NOT NULL,
    dossier_id   text NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE INDEX dossier_keys_dossier ON dossier_keys (dossier_id);

CREATE TABLE accounts (
    dossier_id   text PRIMARY KEY,
    login_id     text NOT NULL UNIQUE,
    record       jsonb NOT NULL               -- password hash, hashed codes, counters, contacts
);

CREATE TABLE documents (
    dossier_id   text NOT NULL,
    document_id  text NOT NULL,
    record       jsonb NOT NULL,              -- title and file name sealed inside
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (dossier_id, document_id)
);

-- A document's file, sealed, in chunks of at most 1 MiB, read and written one chunk at a time.
CREATE TABLE files (
    dossier_id   text NOT NULL,
    blob_id      text NOT NULL,
    chunk        integer NOT NULL,
    sealed       bytea NOT NULL,
    PRIMARY KEY (dossier_id, blob_id, chunk)
);

CREATE TABLE wishes (
    dossier_id   text PRIMARY KEY,
    sealed       bytea NOT NULL
);

CREATE TABLE reimbursements (
    dossier_id   text PRIMARY KEY,
    sealed       bytea NOT NULL
);

CREATE TABLE emergencies (
    dossier_id   text NOT NULL,
    access_id    text NOT NULL,
    rpps         text NOT NULL,
    until        timestamptz NOT NULL,
    record       jsonb NOT NULL,              -- the reason sealed inside
    PRIMARY KEY (dossier_id, access_id)
);

-- Journals: a dossier's, or the operators' (journal_id 'operators'). Append-only: the app
-- never updates nor deletes an entry (a purge marks the head). The chain's MAC covers each.
CREATE TABLE journal_entries (
    journal_id   text NOT NULL,
    seq          bigint NOT NULL,
    emergency    boolean NOT NULL,
    stored       jsonb NOT NULL,              -- the entry as stored: private fields as one sealed token
    PRIMARY KEY (journal_id, seq)
);
CREATE INDEX journal_emergencies ON journal_entries (journal_id, seq) WHERE emergency;

CREATE TABLE journal_heads (
    journal_id   text PRIMARY KEY,
    count        bigint NOT NULL,
    last_hash    text NOT NULL,
    purged_at    text,                        -- as the head's MAC covers it (ISO 8601)
    mac          text NOT NULL
);

-- Each dossier's journal key, wrapped by the data keys (envelope encryption).
CREATE TABLE journal_keys (
    dossier_id   text PRIMARY KEY,
    wrapped      text NOT NULL
);

-- A unit of work's sealed intent is not needed here: a unit is one transaction.

CREATE TABLE creation_codes (
    nir          text PRIMARY KEY,
    record       jsonb NOT NULL               -- hashed codes and counters
);

CREATE TABLE register (
    nir          text PRIMARY KEY,
    record       jsonb NOT NULL
);

CREATE TABLE directory (
    kind         text NOT NULL,               -- 'rpps' (a professional) or 'login' (an actor's account)
    key          text NOT NULL,
    record       jsonb NOT NULL,
    PRIMARY KEY (kind, key)
);

CREATE TABLE sessions (
    session_digest text PRIMARY KEY,
    owner        text NOT NULL,
    last_used    timestamptz NOT NULL,
    sealed       bytea NOT NULL
);
CREATE INDEX sessions_owner ON sessions (owner);
CREATE INDEX sessions_last_used ON sessions (last_used);

-- The background worker: one job per dossier and kind of copy (or per booklet), a queue taken
-- with FOR UPDATE SKIP LOCKED, and what a job made, sealed, in chunks.
CREATE TABLE jobs (
    dossier_id   text NOT NULL,               -- '' for a booklet
    name         text NOT NULL,               -- the copy's kind, or the booklet's slug
    job_id       text NOT NULL UNIQUE,
    state        text NOT NULL,
    lease_until  timestamptz,
    record       jsonb NOT NULL,
    PRIMARY KEY (dossier_id, name)
);
CREATE INDEX jobs_waiting ON jobs (state, lease_until) WHERE state IN ('queued', 'running');

CREATE TABLE job_outputs (
    dossier_id   text NOT NULL,
    job_id       text NOT NULL,
    chunk        integer NOT NULL,
    sealed       bytea NOT NULL,
    PRIMARY KEY (dossier_id, job_id, chunk)
);

CREATE TABLE letters (
    letter_id    text PRIMARY KEY,
    queued_at    timestamptz NOT NULL,
    printed_at   timestamptz,
    sealed       bytea NOT NULL               -- the address and the PDF
);

-- Small facts of the store: the health check's sealed canary, the data format's version.
CREATE TABLE store_facts (
    name         text PRIMARY KEY,
    value        jsonb NOT NULL
);
