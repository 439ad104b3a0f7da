-- DMP web, PostgreSQL schema version 2: what the accounts, sessions and directory repositories
-- need beyond version 1 (dmp_web/store/pg/accounts.py, sessions.py, directory.py).

-- A patient's login identifier is found through dossier_keys (kind 'login'), whose primary key
-- makes it unique. A UNIQUE (login_id) on accounts would forbid partitioning accounts by
-- dossier (a partitioned table's unique keys must hold its partition key), so it goes.
ALTER TABLE accounts DROP CONSTRAINT accounts_login_id_key;

-- A session is kept as the file store keeps it (`record`: its dates and device in clear, its
-- data sealed by the app); the columns beside it are what the owner's listing and the purge
-- look up. Version 1's `sealed` column held no row yet: the sealed data lives in `record`.
ALTER TABLE sessions
    DROP COLUMN sealed,
    ADD COLUMN created_at timestamptz NOT NULL,
    ADD COLUMN record jsonb NOT NULL;
CREATE INDEX sessions_created_at ON sessions (created_at);

-- What a form held when its session had ended: one per session owner, sealed by the app.
CREATE TABLE kept_forms (
    owner        text PRIMARY KEY,
    record       jsonb NOT NULL               -- {"at": ISO 8601, "sealed": token}
);

-- The directory: `directory` rows of kind 'login' hold an entry ({"actor", "account"}) under its
-- login identifier (a professional's is the RPPS number: one namespace, as on files); rows of
-- kind 'activation' map an activation link's digest to a login identifier.
-- The name search's index: one row per (3-letter word prefix, professional), so an import
-- changes rows of its own professionals and never rewrites a shared list.
CREATE TABLE directory_names (
    prefix       text NOT NULL,
    rpps         text NOT NULL,
    name         text NOT NULL,
    PRIMARY KEY (prefix, rpps)
);
CREATE INDEX directory_names_rpps ON directory_names (rpps);
CREATE INDEX directory_professionals ON directory (key)
    WHERE kind = 'login' AND record -> 'actor' ->> 'kind' = 'professional';
