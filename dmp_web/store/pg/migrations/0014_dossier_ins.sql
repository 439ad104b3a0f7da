-- DMP web, PostgreSQL schema version 14: each dossier holds its patient's INS (Identité
-- Nationale de Santé), its matricule and the OID of its kind, beside its INS-C. Dossiers written
-- before had none: each takes it from the register, where its 5 traits stay. The matricule is the
-- number the register knows the person by (a NIR, or a NIA when the register says so). A dossier
-- that holds its INS already is left as it is, so running this again changes nothing.
UPDATE dossiers AS d
SET record = d.record || jsonb_build_object(
        'ins', r.nir,
        'ins_oid', CASE WHEN r.record->>'matricule_kind' = 'NIA' THEN '1.2.250.1.213.1.4.9'
                        ELSE '1.2.250.1.213.1.4.8' END)
FROM register AS r
WHERE r.nir = d.record->>'holder_nir'
  AND coalesce(d.record->>'ins', '') = '';
