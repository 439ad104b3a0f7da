-- DMP web, PostgreSQL schema version 11: a dossier has one account per slot
-- (dmp_web/domain/representatives.py). The holder's, or a minor's first legal representative's,
-- is slot ''; a second representative's is 'r2'. The login index (dossier_keys, kind 'login')
-- still gives the dossier; the account is the one of that dossier with that login identifier
-- (2 rows at most: the primary key's prefix finds them).
ALTER TABLE accounts ADD COLUMN slot text NOT NULL DEFAULT '';
ALTER TABLE accounts DROP CONSTRAINT accounts_pkey;
ALTER TABLE accounts ADD PRIMARY KEY (dossier_id, slot);
