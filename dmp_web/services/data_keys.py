"""Key rotation for the health data sealed at rest (documents, files, wishes, reimbursements).

Put the new key first in DMP_DATA_KEYS (the old one after it), run `flask reseal-data`, then
remove the old key: every token is sealed again with the first key, under each file's lock."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Resealed:
    dossiers: int
    items: int  # texts, files and records sealed again


def reseal_everything(repos) -> Resealed:
    dossier_ids = sorted(set(repos.dossiers.all_ids()) | set(repos.reimbursements.dossier_ids()))
    items = 0
    for dossier_id in dossier_ids:
        items += repos.documents.reseal(dossier_id)
        items += repos.wishes.reseal(dossier_id)
        items += repos.reimbursements.reseal(dossier_id)
    return Resealed(len(dossier_ids), items)
