"""The INS (Identité Nationale de Santé): a professional finds a patient by it with the birth date and
sees it beside the INS-C, the credential letter prints it under the INS-C, and a dossier written
before it (no INS) is read, migrated (`flask migrate-store` on files, schema version 14 on
PostgreSQL) and then found by it, on both stores."""
from __future__ import annotations

import json

import psycopg

from dmp_web.domain.identity import INS_NIR_OID
from dmp_web.services import fhir_export
from dmp_web.store.pg.migrations import migrations, upgrade

from ..conftest import field_error
from .pro_journey import DOSSIER, DURAND, FATIMA_BIRTH, FATIMA_NIR, pro_log_in
from .test_desk_creation import DESK_AGENT, LETTER, MARCEL, create_at_desk, letter_text
from .test_desk_creation import pro_log_in as desk_log_in

BOTH_STORES = True

FIND = "/pro/trouver"
INS_MIGRATION = next(m for m in migrations() if m.name.endswith("_dossier_ins.sql"))
FATIMA_INS_SPACED = "2 75 05 13 055 112 12"  # her NIR: the demo register knows her by it


def main_text(response) -> str:
    return " ".join(response.soup.main.get_text(" ", strip=True).split())


def dossier(app):
    return app.extensions["dmp.repos"].dossiers.get(DOSSIER)


def test_a_professional_finds_a_patient_by_ins_with_the_birth_date_and_sees_it_beside_the_ins_c(client, notifier,
                                                                                                app):
    held = dossier(app)
    assert (held.ins, held.ins_oid) == (FATIMA_NIR, INS_NIR_OID)
    pro_log_in(client, notifier, DURAND)
    page = main_text(client.get(FIND))
    assert "Ce numéro peut être son INS, son numéro de sécurité sociale ou son INS-C." in page
    assert "INS veut dire identifiant national de santé." in page
    assert "L’INS est le numéro de santé du patient, souvent son numéro de sécurité sociale." in page
    for typed in (FATIMA_INS_SPACED, FATIMA_NIR, FATIMA_NIR[:13], "2 75 05 13 055 112", held.ins_c):
        found = client.submit(FIND, {"identifier": typed, "birth_date": FATIMA_BIRTH})
        assert found.headers.get("Location") == f"/pro/dmp/{DOSSIER}", typed
    for typed in (FATIMA_NIR, FATIMA_NIR[:13]):  # the INS does not open a dossier without its birth date
        wrong = client.submit(FIND, {"identifier": typed, "birth_date": "22/05/1975"})
        assert wrong.status_code == 200
        assert field_error(wrong.soup, "identifier") == ("Aucun DMP ne correspond à ce numéro et à cette "
                                                         "date de naissance")
    mistyped = client.submit(FIND, {"identifier": FATIMA_NIR[:12] + "3", "birth_date": FATIMA_BIRTH})
    assert field_error(mistyped.soup, "identifier").startswith("Aucun DMP ne correspond")
    shown = client.get(f"/pro/dmp/{DOSSIER}")
    terms = [dt.get_text(strip=True) for dt in shown.soup.main.find("dl").find_all("dt")]
    values = [dd.get_text(strip=True) for dd in shown.soup.main.find("dl").find_all("dd")]
    assert terms[1:3] == ["INS", "INS-C"]
    assert values[1:3] == [FATIMA_INS_SPACED, held.ins_c]
    assert "INS veut dire identifiant national de santé." in main_text(shown)


def test_the_patient_sees_their_ins_under_their_ins_c_on_their_home(client, notifier, app):
    from dmp_web.demo import DEMO_LOGIN, DEMO_PASSWORD

    from .patient_journey import log_in

    log_in(client, notifier, DEMO_LOGIN["login_id"], DEMO_PASSWORD)
    home = client.get("/mon-dmp")
    pairs = {dt.get_text(strip=True): dd.get_text(" ", strip=True) for dl in home.soup.main.find_all("dl")
             for dt, dd in zip(dl.find_all("dt"), dl.find_all("dd"), strict=True)}
    assert pairs["INS"] == FATIMA_INS_SPACED
    explained = home.soup.main.find("dl").find_next_sibling("p", class_="explain").get_text(" ", strip=True)
    assert explained.startswith("INS veut dire identifiant national de santé.")  # right under the list
    assert pairs["INS-C"].startswith(dossier(app).ins_c)


def test_the_credential_letter_of_a_new_dmp_prints_the_ins_under_the_ins_c(client, notifier, app):
    desk_log_in(client, notifier, DESK_AGENT)
    create_at_desk(client, MARCEL, {"consent": "yes"}, email="marcel@example.org")
    made = app.extensions["dmp.repos"].dossiers.find_by_nir(MARCEL.nir)
    assert (made.ins, made.ins_oid) == (MARCEL.nir, INS_NIR_OID)
    text = letter_text(client)
    assert "Votre INS-C" in text and "Votre INS 1 48 08 69 123 045 82" in text
    assert text.index("Votre INS-C") < text.index("Votre INS 1 48 08 69 123 045 82")
    assert "INS veut dire identifiant national de santé." in text
    client.get(LETTER)  # printed again: the same INS
    assert "Votre INS 1 48 08 69 123 045 82" in letter_text(client)


def _as_written_before(app, store_kind) -> None:
    """The demo dossier as an earlier version wrote it: no INS; the store or schema one version behind."""
    if store_kind == "files":
        store = app.extensions["dmp.store"]
        path = store.path("dossiers", DOSSIER[:2], DOSSIER, "dossier.json")
        data = json.loads(path.read_text(encoding="utf-8"))
        for row in data["_default"].values():
            row.pop("ins"), row.pop("ins_oid")
        path.write_text(json.dumps(data), encoding="utf-8")
        store.path("store-version.json").write_text(json.dumps({"version": 2}), encoding="utf-8")
        return
    with psycopg.connect(app.extensions["dmp.repos"].db.url) as conn:
        conn.execute("UPDATE dossiers SET record = record - 'ins' - 'ins_oid' WHERE dossier_id = %s", (DOSSIER,))
        # the schema as it was before: the runner applies only the versions above the last one
        conn.execute("DELETE FROM schema_version WHERE version >= %s", (INS_MIGRATION.version,))


def _migrate(app, store_kind) -> None:
    if store_kind == "files":
        done = app.test_cli_runner().invoke(args=["migrate-store"])
        assert done.exit_code == 0, done.output
        assert "DMP avec leur INS (identifiant national de santé)." in done.output
        again = app.test_cli_runner().invoke(args=["migrate-store"])
        assert again.exit_code == 0 and "0 DMP avec leur INS" in again.output
        return
    url = app.extensions["dmp.repos"].db.url
    assert upgrade(url)[0] == INS_MIGRATION.name
    with psycopg.connect(url) as conn:  # idempotent: run again by hand, it changes nothing
        before = conn.execute("SELECT record FROM dossiers ORDER BY dossier_id").fetchall()
        conn.execute(INS_MIGRATION.sql)
        assert conn.execute("SELECT record FROM dossiers ORDER BY dossier_id").fetchall() == before


def test_a_dossier_written_before_the_ins_is_read_migrated_and_found_by_its_ins(client, notifier, app, store_kind):
    _as_written_before(app, store_kind)
    old = dossier(app)
    assert (old.ins, old.ins_oid) == ("", "")  # read as it was written: the INS-C alone
    person = app.extensions["dmp.repos"].register.get(FATIMA_NIR)
    assert [i["value"] for i in fhir_export.patient_identifiers(old, person)] == [old.ins_c]
    pro_log_in(client, notifier, DURAND)
    shown = client.get(f"/pro/dmp/{DOSSIER}")
    assert [dt.get_text(strip=True) for dt in shown.soup.main.find("dl").find_all("dt")][1] == "INS-C"
    assert FATIMA_INS_SPACED not in main_text(shown)

    _migrate(app, store_kind)

    migrated = dossier(app)
    assert (migrated.ins, migrated.ins_oid, migrated.ins_c) == (FATIMA_NIR, INS_NIR_OID, old.ins_c)
    assert [i["system"] for i in fhir_export.patient_identifiers(migrated, person)] == [
        "urn:oid:1.2.250.1.213.1.4.8", "urn:oid:1.2.250.1.213.1.4.2"]
    found = client.submit(FIND, {"identifier": FATIMA_NIR[:13], "birth_date": FATIMA_BIRTH})
    assert found.headers.get("Location") == f"/pro/dmp/{DOSSIER}"
    assert FATIMA_INS_SPACED in main_text(client.get(f"/pro/dmp/{DOSSIER}"))
    refused = client.submit(FIND, {"identifier": FATIMA_NIR, "birth_date": "21/05/1976"})
    assert field_error(refused.soup, "identifier").startswith("Aucun DMP ne correspond")


def test_a_dossier_whose_person_the_register_lacks_keeps_its_ins_c_and_is_listed(app, store_kind):
    _as_written_before(app, store_kind)
    if store_kind == "postgresql":
        url = app.extensions["dmp.repos"].db.url
        with psycopg.connect(url) as conn:
            conn.execute("DELETE FROM register WHERE nir = %s", (FATIMA_NIR,))
        assert upgrade(url)[0] == INS_MIGRATION.name
    else:
        from dmp_web.store.sharded import ShardedTable

        ShardedTable(app.extensions["dmp.store"], "register").delete(FATIMA_NIR)
        done = app.test_cli_runner().invoke(args=["migrate-store"])
        assert done.exit_code == 0, done.output  # the store is up to date: the others have their INS
        assert (f"Attention : DMP {DOSSIER} : la personne n’est pas dans le registre ; il n’a pas d’INS."
                in done.output)
        assert [e.action for e in app.extensions["dmp.repos"].operators.entries()][-1] == "store_migrated"
    assert dossier(app).ins == "" and dossier(app).ins_c  # its INS-C still finds it
