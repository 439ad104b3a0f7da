"""`journal-check` and `journal-anchor`: prove that no journal entry was changed or removed.

The check reads each journal against the journal key and its head. The anchor is a file of every
head (count, last hash) under the key's MAC, to keep elsewhere: a later check against it proves
that every entry anchored is still there, even if a journal and its head were deleted together.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from ..domain.journal import OPERATORS_JOURNAL, ChainProblem
from ..store.files import UnsafePath
from ..store.journal import HeadForged

ANCHOR_KIND = "dmp-web journal anchor"


@dataclass(frozen=True)
class CheckReport:
    checked: int
    problems: tuple[str, ...]  # one French line each


def _label(journal_id: str) -> str:
    return "Journal des opérateurs" if journal_id == OPERATORS_JOURNAL else f"DMP {journal_id}"


# what a damaged or forged file raises while it is read: reported, never a traceback
_UNREADABLE = (ValueError, KeyError, TypeError, OSError)


def _problem(repos, dossier_id: str) -> ChainProblem | None:
    try:
        return _read_problem(repos, dossier_id)
    except UnsafePath:
        return ChainProblem("unknown")  # not a dossier id at all
    except HeadForged:
        return ChainProblem("head_forged")
    except _UNREADABLE:
        return ChainProblem("unreadable")


def _read_problem(repos, dossier_id: str) -> ChainProblem | None:
    legacy = repos.journal.legacy_problem(dossier_id)
    if legacy is not None:
        return legacy
    problem = repos.journal.check(dossier_id)
    if problem is None and repos.journal.head(dossier_id) is None:
        # every dossier has its creation entry: no journal at all is a journal deleted
        return ChainProblem("deleted", count=0) if repos.dossiers.get(dossier_id) else ChainProblem("unknown")
    return problem


def check_journals(repos, dossier_ids: list[str] | None = None) -> CheckReport:
    """Check the given dossiers' journals, or every journal of the store (the operators' too)."""
    ids = dossier_ids or sorted(set(repos.dossiers.all_ids()) | set(repos.journal.journal_ids()))
    problems = []
    for dossier_id in ids:
        problem = _problem(repos, dossier_id)
        if problem is not None:
            problems.append(f"{_label(dossier_id)} : {problem.sentence()}")
    for dossier_id in repos.failed_units():
        if not dossier_ids or dossier_id in dossier_ids:
            problems.append(f"{_label(dossier_id)} : une modification n’a pas pu être finie après une panne "
                            "(voir pending-failed/).")
    if not dossier_ids:
        try:
            problem = repos.operators.check()
        except _UNREADABLE:
            problem = ChainProblem("unreadable")
        if problem is not None:
            problems.append(f"{_label(OPERATORS_JOURNAL)} : {problem.sentence()}")
    return CheckReport(len(ids), tuple(problems))


def write_anchor(repos, out: TextIO, now: datetime) -> int:
    """Write every head to `out`, then the MAC of all that; the number of journals anchored."""
    lines = []
    for journal_id in [*repos.journal.journal_ids(), OPERATORS_JOURNAL]:
        head = repos.operators.head() if journal_id == OPERATORS_JOURNAL else repos.journal.head(journal_id)
        if head is not None:
            lines.append(json.dumps({"journal": journal_id, "count": head.count, "last_hash": head.last_hash}))
    body = "\n".join([json.dumps({"kind": ANCHOR_KIND, "at": now.isoformat(), "journals": len(lines)}), *lines]) + "\n"
    out.write(body)
    out.write(json.dumps({"mac": repos.journal.chain.text_mac(body.encode("utf-8"))}) + "\n")
    return len(lines)


def check_anchor(repos, text: str) -> tuple[int, list[str]]:
    """Check the store against an anchor: how many journals it holds, and what was removed or
    changed since (one French line each). An anchor written or edited without the key is refused."""
    body, _, last = text.rstrip("\n").rpartition("\n")
    body += "\n"
    try:
        mac = json.loads(last)["mac"]
        header, *heads = [json.loads(line) for line in body.splitlines()]
    except (ValueError, KeyError, TypeError):
        return 0, ["Ce fichier n’est pas une ancre de journal-anchor."]
    if header.get("kind") != ANCHOR_KIND or mac != repos.journal.chain.text_mac(body.encode("utf-8")):
        return 0, ["L’ancre a été modifiée, ou écrite sans la clé des historiques."]
    problems = []
    for anchored in heads:
        journal_id, count = anchored["journal"], anchored["count"]
        operators = journal_id == OPERATORS_JOURNAL
        try:
            head = repos.operators.head() if operators else repos.journal.head(journal_id)
        except (UnsafePath, HeadForged, *_UNREADABLE):
            problems.append(f"{_label(journal_id)} : la tête de l’historique est illisible ou écrite sans la clé.")
            continue
        if head is not None and head.purged_at:
            continue  # erased by purge-closed, which the operators' journal records
        if head is None or head.count < count:
            problems.append(f"{_label(journal_id)} : {count} entrées ancrées, "
                            f"{head.count if head else 0} aujourd’hui ; des entrées ont été enlevées.")
            continue
        try:
            last = count - 1
            row = None if not count else (
                repos.operators.stored_row(last) if operators else repos.journal.stored_row(journal_id, last))
        except _UNREADABLE:
            row = None
        if count and (not row or row.get("hash") != anchored["last_hash"]):
            problems.append(f"{_label(journal_id)} : l’entrée {count} n’est plus celle de l’ancre.")
    return len(heads), problems
