"""The patients' reports of a professional (domain/reports.py) on files.

Each dossier keeps its reports in its folder (reports.json), the patient's sentence and the
agent's note sealed in the row (free text beside a health record: never in clear). Two indexes
serve the desk agents without reading every dossier: `report-by-id` (a keyed table: which
dossier holds a report) and reports/open.json, the open reports only, which stays as small as
the agents' queue. A save goes through the dossier's unit of work (store/unit.py), and each of
its three writes is idempotent, so finishing a unit a crash cut writes it again harmlessly.
"""
from __future__ import annotations

from tinydb import Query

from ..domain.reports import OPEN, Report
from .codec import from_row, to_row
from .crypto import Sealer
from .files import FileStore
from .sharded import ShardedTable

_ID = Query().id
_REPORT = Query().report_id
SEALED = ("sentence", "note")  # the free texts of a report
OPEN_SEGMENTS = ("reports", "open.json")


def sealed_row(sealer: Sealer, report: Report) -> dict:
    row = to_row(report)
    for name in SEALED:
        row[name] = sealer.seal_text(row[name]) if row[name] else ""
    return row


def opened(sealer: Sealer, row: dict) -> Report:
    row = dict(row)
    for name in SEALED:
        row[name] = sealer.open_text(row[name]) if row.get(name) else ""
    return from_row(Report, row)


class ReportRepository:
    def __init__(self, store: FileStore, sealer: Sealer):
        self.store = store
        self.sealer = sealer
        self._by_id = ShardedTable(store, "report-by-id")

    def _segments(self, dossier_id: str) -> tuple[str, ...]:
        return ("dossiers", dossier_id[:2], dossier_id, "reports.json")

    def of_dossier(self, dossier_id: str) -> list[Report]:
        """The dossier's reports, oldest first."""
        if not self.store.exists(*self._segments(dossier_id)):
            return []
        with self.store.snapshot(*self._segments(dossier_id)) as db:
            rows = [dict(row) for row in db.all()]
        return sorted((opened(self.sealer, row) for row in rows), key=lambda r: r.reported_at)

    def find(self, report_id: str) -> Report | None:
        """A report by its id, open or handled (None when its dossier is gone)."""
        ref = self._by_id.get(report_id)
        if ref is None:
            return None
        return next((r for r in self.of_dossier(ref["dossier"]) if r.id == report_id), None)

    def open_reports(self) -> list[Report]:
        """The desk agents' queue, oldest first: the open index, each read in its dossier."""
        if not self.store.exists(*OPEN_SEGMENTS):
            return []
        with self.store.snapshot(*OPEN_SEGMENTS) as db:
            listed = [dict(row) for row in db.all()]
        found = []
        for ref in sorted(listed, key=lambda r: r["reported_at"]):
            report = next((r for r in self.of_dossier(ref["dossier_id"]) if r.id == ref["report_id"]), None)
            if report is not None and report.is_open:  # a dossier erased since: its line is stale
                found.append(report)
        return found

    def prepare(self, report: Report) -> dict:
        """The sealed row a unit of work stages."""
        return sealed_row(self.sealer, report)

    def save_row(self, dossier_id: str, row: dict) -> None:
        """Write a staged row (a unit of work's change, under the dossier's lock), then the indexes."""
        with self.store.transaction(*self._segments(dossier_id)) as db:
            db.upsert(row, _ID == row["id"])
        self._by_id.put(row["id"], {"dossier": dossier_id})
        with self.store.transaction(*OPEN_SEGMENTS) as db:
            if row["status"] == OPEN:
                db.upsert({"report_id": row["id"], "dossier_id": dossier_id, "reported_at": row["reported_at"]},
                          _REPORT == row["id"])
            else:
                db.remove(_REPORT == row["id"])

    def forget(self, dossier_id: str) -> None:
        """Before a dossier is erased: its reports leave the indexes (the folder goes with it)."""
        reports = self.of_dossier(dossier_id)
        if not reports:
            return
        with self.store.transaction(*OPEN_SEGMENTS) as db:
            db.remove(_REPORT.one_of([r.id for r in reports]))
        for report in reports:
            self._by_id.delete(report.id)

    def reseal(self, dossier_id: str) -> int:
        """Seal the free texts again with the first key (key rotation); how many reports."""
        if not self.store.exists(*self._segments(dossier_id)):
            return 0
        with self.store.transaction(*self._segments(dossier_id)) as db:
            rows = db.all()
            for row in rows:
                db.update({name: self.sealer.reseal_text(row[name]) for name in SEALED if row.get(name)},
                          doc_ids=[row.doc_id])
        return len(rows)
