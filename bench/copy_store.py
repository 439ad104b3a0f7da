"""copy-store on a store of many dossiers: the time of the copy, of a second run, and of the check.

Run: .venv/bin/python -m bench.copy_store [--dossiers 10000]
A temporary file store gets the demo data and that many more dossiers, made through the
repositories (each: its record, account, journal key and creation entry; one in 3 a document, one
in 10 wishes, one in 25 an emergency access, one in 50 a file); then `flask copy-store` copies it
into a throw-away PostgreSQL 15 (tests/pg_server.py) and verifies it, and runs again (nothing to
copy: every dossier compared, then verified).
"""
from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime, timedelta, UTC
from pathlib import Path

from dmp_web.domain.access import EmergencyAccess
from dmp_web.domain.accounts import Account
from dmp_web.domain.details import noted
from dmp_web.domain.documents import Document
from dmp_web.domain.dossier import Consent, Dossier
from dmp_web.domain.journal import Actor
from dmp_web.domain.wishes import Wishes

START = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
DOCTOR = "10001000016"


def extra_id(n: int) -> str:
    return f"cp{n:020x}"


def add_dossiers(repos, count: int, first: int = 0) -> list[str]:
    """`count` dossiers more, through the repositories (invented NIR: 2 and 14 digits)."""
    made = []
    for n in range(first, first + count):
        dossier_id, at = extra_id(n), START + timedelta(minutes=n)
        repos.dossiers.add(Dossier(
            id=dossier_id, holder_nir=f"2{n:014d}", ins_c=f"{n:022d}", created_at=at,
            consent=Consent(given_by="holder", recorded_by="online", at=at, channel="online"),
            emergency_access=True, attending_doctor_rpps=DOCTOR))
        repos.accounts.add(Account(login_id=f"cps{n:06d}", dossier_id=dossier_id, password_hash="x",
                                   email=f"p{n}@example.org", otp_channel="email"))
        repos.journal.append(dossier_id, at, Actor("holder", dossier_id, "le titulaire"), "dossier_created",
                             detail=noted("demo_data"))
        if n % 3 == 0:
            data = b"%PDF-1.4\n" + bytes(range(256)) * 8 if n % 50 == 0 else None
            repos.documents.add(Document(
                id=f"cd{n:014x}", dossier_id=dossier_id, type_code="consultation_report",
                title=f"Consultation numéro {n}", author_kind="professional", author_id=DOCTOR,
                author_name="Dr Marie Durand", created_at=at, document_date=at.date()),
                text="Tension 12/8. Revoir dans 3 mois.", file_name="scan.pdf" if data else "",
                content_type="application/pdf" if data else "", data=data)
        if n % 10 == 0:
            with repos.unit(dossier_id) as unit:
                unit.save_wishes(Wishes(allergies="pollen", blood_group="A+"))
                unit.journal(at=at, actor=Actor("holder", dossier_id, "le titulaire"), action="manage")
                unit.commit()
        if n % 25 == 0:
            repos.emergencies.add(dossier_id, EmergencyAccess("break_glass", "10001000073", "malaise", at))
            repos.journal.append(dossier_id, at, Actor("professional", "10001000073", "Dr Karim Haddad"), "break_glass",
                                 emergency=True, reason="malaise")
        made.append(dossier_id)
    return made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=10000)
    args = parser.parse_args()

    from tests.conftest import make_app
    from tests.pg_server import running_postgres

    with tempfile.TemporaryDirectory() as folder, running_postgres() as url:
        app = make_app(Path(folder))
        began = time.perf_counter()
        add_dossiers(app.extensions["dmp.repos"], args.dossiers)
        print(f"store built: {args.dossiers + 1} dossiers in {time.perf_counter() - began:.1f} s")
        runner = app.test_cli_runner()
        for label in ("copy", "second run"):
            began = time.perf_counter()
            result = runner.invoke(args=["copy-store", "--to", url])
            took = time.perf_counter() - began
            print(f"{label}: {took:.1f} s, exit {result.exit_code}")
            print("  " + result.output.strip().replace("\n", "\n  "))


if __name__ == "__main__":
    main()
