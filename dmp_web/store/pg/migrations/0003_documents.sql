-- DMP web, PostgreSQL schema version 3: the order in which documents and emergency accesses
-- were added, which the file store keeps by appending to a list.
--
-- A document list is newest first, and documents of one instant keep the order they came in
-- (a page of 50 never shuffles); the emergency accesses are read oldest added first, and the
-- latest one added that still runs is the one that opens a dossier. A sequence, not an identity
-- column: a sequence default also works on hash-partitioned and Citus-distributed tables.

CREATE SEQUENCE documents_added;
ALTER TABLE documents ADD COLUMN added bigint NOT NULL DEFAULT nextval('documents_added');
ALTER SEQUENCE documents_added OWNED BY documents.added;

CREATE SEQUENCE emergencies_added;
ALTER TABLE emergencies ADD COLUMN added bigint NOT NULL DEFAULT nextval('emergencies_added');
ALTER SEQUENCE emergencies_added OWNED BY emergencies.added;
