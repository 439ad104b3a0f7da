"""Key rotation for the health data sealed at rest (documents, files, wishes, reimbursements,
emergency reasons, the journals' keys, the patients' reports).

The procedure (README): give every running instance the new key first in DMP_DATA_KEYS, the old
one after it; run `flask reseal-data`, which seals everything again with the first key and then
checks that the first key alone opens it all; only then remove the old key. Data written by an
instance that still had only the old key would otherwise be lost with it."""
from __future__ import annotations

from dataclasses import dataclass

from ..store.crypto import SealBroken

# What can go wrong with one sealed item: a key that does not open it, a file gone or unreadable.
_ITEM_PROBLEMS = (SealBroken, KeyError, OSError, ValueError)


@dataclass(frozen=True)
class Resealed:
    dossiers: int
    items: int  # texts, files and records sealed again
    failures: tuple[str, ...] = ()  # what could not be sealed again, one line each


def _parts(repos):
    return (("documents", repos.documents), ("volontés", repos.wishes), ("remboursements", repos.reimbursements),
            ("accès en urgence", repos.emergencies), ("historique", repos.journal), ("signalements", repos.reports))


def _dossier_ids(repos) -> list[str]:
    return sorted(set(repos.dossiers.all_ids()) | set(repos.reimbursements.dossier_ids()))


def reseal_everything(repos, letters) -> Resealed:
    """Seal every item again with the first key; an item that fails is reported, the rest goes on.
    letters: the postal letters' queue, sealed with a key ring of its own."""
    dossier_ids = _dossier_ids(repos)
    items, failures = 0, []
    for dossier_id in dossier_ids:
        for name, repo in _parts(repos):
            try:
                items += repo.reseal(dossier_id)
            except _ITEM_PROBLEMS as problem:
                failures.append(f"DMP {dossier_id} : {name} ({type(problem).__name__})")
    try:
        items += _health(repos).reseal_canary()
    except _ITEM_PROBLEMS as problem:
        failures.append(f"témoin de la vérification de santé ({type(problem).__name__})")
    try:
        items += letters.reseal()
    except _ITEM_PROBLEMS as problem:
        failures.append(f"lettres à imprimer ({type(problem).__name__})")
    try:
        repos.jobs.forget_all()  # kept copies and booklets are made again when asked: deleted, not resealed
    except _ITEM_PROBLEMS as problem:
        failures.append(f"copies gardées ({type(problem).__name__})")
    return Resealed(len(dossier_ids), items, tuple(failures))


def _health(repos):
    return repos.health()


def unreadable(repos, letters) -> list[str]:
    """What these repositories' and letters' key rings cannot open (give them the first key
    alone, to check that the old key can go)."""
    failures = letters.unreadable()
    for dossier_id in _dossier_ids(repos):
        reads = [("volontés", lambda dossier_id=dossier_id: repos.wishes.get(dossier_id)),
                 ("remboursements", lambda dossier_id=dossier_id: repos.reimbursements.list(dossier_id)),
                 ("accès en urgence", lambda dossier_id=dossier_id: repos.emergencies.all(dossier_id)),
                 ("historique", lambda dossier_id=dossier_id: repos.journal.entries(dossier_id)),
                 ("signalements", lambda dossier_id=dossier_id: repos.reports.of_dossier(dossier_id))]
        try:
            documents = repos.documents.list(dossier_id)  # their titles are sealed too
        except _ITEM_PROBLEMS as problem:
            failures.append(f"DMP {dossier_id} : titres des documents ({type(problem).__name__})")
            documents = []
        for document in documents:
            reads.append((f"document {document.id}",
                          lambda d=document, dossier_id=dossier_id: repos.documents.text(dossier_id, d.id)))
            stored = repos.documents.file(dossier_id, document.id)
            if stored is not None:
                reads.append((f"fichier du document {document.id}",
                              lambda s=stored, dossier_id=dossier_id: repos.documents.file_data(dossier_id, s)))
        for name, read in reads:
            try:
                read()
            except _ITEM_PROBLEMS as problem:
                failures.append(f"DMP {dossier_id} : {name} ({type(problem).__name__})")
    if repos.store.exists("health", "canary.json"):
        try:
            _health(repos).canary_opens()
        except _ITEM_PROBLEMS as problem:
            failures.append(f"témoin de la vérification de santé ({type(problem).__name__})")
    return failures
