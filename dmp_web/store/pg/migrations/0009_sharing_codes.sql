-- DMP web, PostgreSQL schema version 9: the sharing codes' index (dmp_web/store/pg/sharing.py).
-- A professional types a patient's sharing code: its digest (an HMAC under a server key, never
-- the code) finds the dossier. The dossier's record says whether the code is still live; a row
-- goes when its code is used or cancelled, and an expired one finds nothing. Keyed by the digest,
-- like dossier_keys: the lookup comes before anyone knows the dossier.
CREATE TABLE sharing_codes (
    code_digest  text PRIMARY KEY,
    dossier_id   text NOT NULL,
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sharing_codes_by_dossier ON sharing_codes (dossier_id);
CREATE INDEX sharing_codes_by_expiry ON sharing_codes (expires_at);
