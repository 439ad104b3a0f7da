"""Import the Assurance Maladie's reimbursements file (CSV): every row, or none.

Columns `nir;date;acte;professionnel;montant_paye;montant_rembourse`, separated by `;` or `,`,
UTF-8 with or without a byte order mark. Every row is checked before anything is written; each
problem is reported with its line number (the header is line 1), in French, for the operator.

Then each row goes to the dossier of its NIR. Rows older than 24 months are ignored, and rows
that aged past 24 months are dropped from every dossier. A row already there is not added again,
so importing the same file twice changes nothing, not one byte. A NIR without a DMP is not an
error: the summary gives its lines. The import writes dossier by dossier; if it stops half-way,
running it again finishes the work and adds nothing twice. The file is read as it comes, never
whole: memory stays the same whatever its size (see import_reimbursements).
"""
from __future__ import annotations

import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from collections.abc import Iterable, Iterator

from ..domain.dates import local_day
from ..domain.details import JournaledDetail
from ..domain.journal import Actor
from ..domain.reimbursements import (
    Reimbursement,
    in_window,
    merge,
    number_occurrences,
    window_start,
)
from ..formatting import date_fr
from .csv_rows import MAX_PROBLEMS, Problems, RowCheck, SpillBuckets, csv_rows, decode_utf8, past_day
from .csv_rows import FieldRefused as _Refused
from .csv_rows import nir as _nir

COLUMNS = ("nir", "date", "acte", "professionnel", "montant_paye", "montant_rembourse")
MAX_TEXT = 200  # an act or a professional's name longer than this is a broken file, not care
MAX_EUROS_DIGITS = 7  # up to 9 999 999,99 €: more is a broken file

ASSURANCE_MALADIE = Actor("system", "assurance_maladie", "l’Assurance Maladie")
JOURNAL_REASON = "L’Assurance Maladie envoie les remboursements des 24 derniers mois."

_TEXTS = {
    "acte": ("l'acte est vide", "l'acte"),
    "professionnel": ("le nom du professionnel est vide", "le nom du professionnel"),
}
_AMOUNTS = {"montant_paye": "le montant payé", "montant_rembourse": "le montant remboursé"}

_AMOUNT = re.compile(r"([0-9]+)(?:[.,]([0-9]{1,2}))?")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


class ReimbursementImportRefused(ValueError):
    """The file was refused and nothing was imported; problems says why, one line each."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s) in the reimbursements file")
        self.problems = problems


@dataclass(frozen=True)
class Line:
    number: int  # in the file, the header being line 1
    row: Reimbursement


@dataclass
class ImportSummary:
    today: date
    rows_read: int = 0
    too_old: int = 0  # rows of the file older than 24 months, ignored
    added: int = 0
    already_there: int = 0
    dropped: int = 0  # rows removed from dossiers because they aged past 24 months
    dossiers_changed: int = 0
    without_dmp: int = 0  # lines for a NIR without a DMP
    closed_dmp: int = 0  # lines for a closed DMP
    lines_without_dmp: list[int] = field(default_factory=list)  # the first MAX_PROBLEMS of them
    lines_closed_dmp: list[int] = field(default_factory=list)

    def note_without_dmp(self, numbers: list[int]) -> None:
        self.without_dmp += len(numbers)
        self.lines_without_dmp = sorted(self.lines_without_dmp + numbers)[:MAX_PROBLEMS]

    def note_closed_dmp(self, numbers: list[int]) -> None:
        self.closed_dmp += len(numbers)
        self.lines_closed_dmp = sorted(self.lines_closed_dmp + numbers)[:MAX_PROBLEMS]

    def lines(self) -> list[str]:
        """The report for the operator, in French."""
        report = [f"{_count(self.rows_read, 'ligne lue', 'lignes lues')}."]
        report.append(
            f"{_count(self.added, 'remboursement ajouté', 'remboursements ajoutés')}"
            f" dans {self.dossiers_changed} DMP."
            if self.added else "Aucun remboursement ajouté."
        )
        if self.already_there:
            report.append(f"{_count(self.already_there, 'ligne déjà importée', 'lignes déjà importées')}"
                          " : rien ne change.")
        if self.too_old:
            report.append(f"{_count(self.too_old, 'ligne ignorée', 'lignes ignorées')} : plus de 24 mois"
                          f" (avant le {date_fr(window_start(self.today))}).")
        if self.dropped:
            report.append(f"{_count(self.dropped, 'remboursement retiré', 'remboursements retirés')}"
                          " des DMP : plus de 24 mois.")
        if self.without_dmp:
            report.append(f"{_count(self.without_dmp, 'ligne', 'lignes')} pour un NIR sans DMP,"
                          f" non importée{'s' if self.without_dmp > 1 else ''} :"
                          f" {_line_list(self.lines_without_dmp, self.without_dmp)}.")
        if self.closed_dmp:
            report.append(f"{_count(self.closed_dmp, 'ligne', 'lignes')} pour un DMP fermé,"
                          f" non importée{'s' if self.closed_dmp > 1 else ''} :"
                          f" {_line_list(self.lines_closed_dmp, self.closed_dmp)}.")
        return report


def _count(n: int, one: str, several: str) -> str:
    return f"{n} {one if n <= 1 else several}"


def _line_list(numbers: list[int], total: int) -> str:
    listed = ("ligne " if len(numbers) == 1 else "lignes ") + ", ".join(str(n) for n in numbers)
    return listed + (f"… (les {len(numbers)} premières)" if total > len(numbers) else "")


def decode_reimbursement_file(data: bytes) -> str:
    """The file's text: UTF-8, with or without a byte order mark."""
    return decode_utf8(data, ReimbursementImportRefused)


def _width_hint(separator: str) -> str:
    return (" ; avec le séparateur « , », écrivez les montants avec un point (25.00)"
            " ou entre guillemets (\"25,00\")") if separator == "," else ""


def read_reimbursements(lines: Iterable[str], today: date, problems: Problems) -> Iterator[Line]:
    """The rows of a file as they come, with their line numbers; each wrong row goes to
    `problems` (then no row may be used). `today` is the day in France: a later date is refused."""
    for number, values in csv_rows(lines, COLUMNS, problems, _width_hint):
        row, row_problems = _read_row(values, today)
        for problem in row_problems:
            problems.add(f"ligne {number} : {problem}")
        if row is not None:
            yield Line(number, row)


def parse_reimbursement_csv(text: str, today: date) -> tuple[list[Line], list[str]]:
    """A small file's rows, numbered, and its problems (read_reimbursements on a text)."""
    problems = Problems()
    lines = list(read_reimbursements(io.StringIO(text, newline=""), today, problems))
    numbered = number_occurrences(line.row for line in lines)
    return [Line(line.number, row) for line, row in zip(lines, numbered, strict=True)], problems.report()


def import_reimbursements(lines: Iterable[str], repos, now: datetime, spill_folder: Path,
                          file_bytes: int = 0) -> ImportSummary:
    """Attach each row of the file to its dossier, or raise ReimbursementImportRefused and write nothing.

    The file is read once, as it comes: each row is checked, and the good ones wait in sealed
    buckets by NIR (spill_folder), so that memory does not grow with the file. Only a file with
    no problem is then written, one bucket, hence a few thousand NIRs, at a time.
    `repos` are the app's Repositories (dossiers, reimbursements, journal); `now` the app's clock."""
    today = local_day(now)
    problems = Problems()
    summary = ImportSummary(today=today)
    with SpillBuckets(spill_folder, file_bytes) as spill:
        for line in read_reimbursements(lines, today, problems):
            summary.rows_read += 1
            if problems:
                continue  # refused already: checked to the end, kept nowhere
            if in_window(line.row, today):
                nir, care_date, *rest = line.row.identity
                spill.add(nir, {"line": line.number, "row": [nir, care_date.isoformat(), *rest]})
            else:
                summary.too_old += 1
        if problems:
            raise ReimbursementImportRefused(problems.report())
        for bucket in spill.groups():
            by_nir: dict[str, list[Line]] = defaultdict(list)
            for item in sorted(bucket, key=lambda item: item["line"]):  # file order, for the occurrences
                row = Reimbursement(item["row"][0], date.fromisoformat(item["row"][1]), *item["row"][2:])
                by_nir[row.nir].append(Line(item["line"], row))
            for nir, nir_lines in by_nir.items():
                _import_person(repos, summary, nir, nir_lines, today, now)
    # Rows age in dossiers the file does not mention too: drop them everywhere, at each import
    # (a dossier the file fed was aged already: it changes nothing more).
    for dossier_id in repos.reimbursements.dossier_ids():
        dossier = repos.dossiers.get(dossier_id)
        if dossier is not None and dossier.status == "open":
            summary.dropped += _update(repos, dossier_id, [], today, now).dropped
    return summary


def _import_person(repos, summary: ImportSummary, nir: str, lines: list[Line], today: date, now: datetime) -> None:
    dossier = repos.dossiers.find_by_nir(nir)
    numbers = [line.number for line in lines]
    if dossier is None:
        summary.note_without_dmp(numbers)
        return
    if dossier.status != "open":  # no one feeds a closed DMP; its data stays as it was
        summary.note_closed_dmp(numbers)
        return
    rows = number_occurrences(line.row for line in lines)
    result = _update(repos, dossier.id, rows, today, now)
    summary.added += result.added
    summary.already_there += len(rows) - result.added
    summary.dropped += result.dropped
    summary.dossiers_changed += bool(result.added)


def _update(repos, dossier_id: str, incoming: list[Reimbursement], today: date, now: datetime):
    """Merge the rows into the dossier's, and journal what changed: both commit together (a unit
    of work), or neither. Nothing changed: nothing written, not one byte."""
    with repos.unit(dossier_id) as unit:
        result = merge(unit.reimbursements(), incoming, today)
        if result.changed:
            counts = {"added": result.added, "dropped": result.dropped}
            unit.save_reimbursements(result.rows)
            unit.journal(at=now, actor=ASSURANCE_MALADIE, action="reimbursements_updated", reason=JOURNAL_REASON,
                         detail=JournaledDetail(counts={k: n for k, n in counts.items() if n}).stored())
            unit.commit()
    return result


def _read_row(values: dict[str, str], today: date) -> tuple[Reimbursement | None, list[str]]:
    """The reimbursement the row describes, or None and every problem of the row."""
    check = RowCheck()
    problems = check.problems
    nir = check(_nir, values["nir"])
    care_date = check(past_day, values["date"], today)
    act = check(_text, values["acte"], "acte")
    professional = check(_text, values["professionnel"], "professionnel")
    paid = check(parse_amount, values["montant_paye"], _AMOUNTS["montant_paye"])
    reimbursed = check(parse_amount, values["montant_rembourse"], _AMOUNTS["montant_rembourse"])
    if paid is not None and reimbursed is not None and reimbursed > paid:
        problems.append("le montant remboursé est plus grand que le montant payé")
    if problems:
        return None, problems
    return Reimbursement(nir, care_date, act, professional, paid, reimbursed), []


def _text(raw: str, column: str) -> str:
    empty, name = _TEXTS[column]
    text = " ".join(raw.split())
    if not text:
        raise _Refused(empty)
    if len(text) > MAX_TEXT:
        raise _Refused(f"{name} est trop long : {MAX_TEXT} caractères au plus, il en a {len(text)}")
    return text


def parse_amount(raw: str, name: str = "le montant") -> int:
    """Euro cents from «25,00», «25.00», «25», «25,5 €» or «1 250,00»; raises _Refused with `name`."""
    text = _SPACES.sub("", raw.replace("€", ""))
    if not text:
        raise _Refused(f"{name} est vide")
    if text.startswith("-"):
        raise _Refused(f"{name} ne peut pas être négatif")
    match = _AMOUNT.fullmatch(text)
    if not match:
        raise _Refused(f"{name} doit être écrit comme 25,00 ou 25.00")
    whole, decimals = match.groups()
    if len(whole.lstrip("0")) > MAX_EUROS_DIGITS:
        raise _Refused(f"{name} est trop grand")
    return int(whole) * 100 + int((decimals or "0").ljust(2, "0"))
