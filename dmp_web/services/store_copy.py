"""copy-store: the file store (DMP_DATA_DIR) copied into a PostgreSQL database, then verified.

Records are copied as they are stored, already sealed; journal entries and heads with their
MACs as they are (never made again), so the chains hold under the same DMP_JOURNAL_KEY, and each
dossier's journal key stays wrapped as it was. Only document files are sealed again, in chunks
(PgBlobStore: a chunk's seal names its dossier and blob).

Resumable and idempotent: the shared tables are written by batches, a record already there as it
is left alone; each dossier is compared with its rows in the database and, when anything
differs, made the same in ONE transaction (a run killed halfway leaves whole dossiers, the next
run does the rest). A journal is only ever extended: entries in the database that are not the
file store's first ones are a problem, never written over.

Not copied: sessions and kept forms (everyone logs in again), the worker's jobs and kept copies
(they stay on the server's disk, where the PostgreSQL app still keeps them), the postal letters
(in the exports folder), the health probe (written at each check), where the hourly messages
«un soignant a ouvert votre DMP» stand (the first opening after the move starts a new hour), the
sharing codes' index (a code lives 24 hours: one made before the move is made again).

Longer than 300 lines: the copy and its verification go table by table, the same tables.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from collections.abc import Callable

import psycopg

from ..domain.journal import OPERATORS_JOURNAL, Head
from ..domain.representatives import SLOTS
from ..store.crypto import SealBroken
from ..store.dossiers import journal_head_segments
from ..store.files import FileStore
from ..store.journal import HeadForged, JournalFiles
from ..store.pg import Database
from ..store.pg.bulk import COUNTS, DossierRows, PgBulk
from ..store.pg.migrations import upgrade
from ..store.pg.repositories import PgRepositories
from ..store.sharded import ShardedTable

BATCH = 1000  # shared records per transaction
ENTRIES_BATCH = 2048  # journal entries read and written at a time (32 segments)

# The report's words for each count (COUNTS' keys).
LABELS = {
    "register": "Registre des assurés", "directory": "Annuaire (comptes)", "activations": "Liens d’activation",
    "directory_names": "Index des noms de l’annuaire", "creation_codes": "Codes de création",
    "dossiers": "DMP", "dossier_keys": "Clés de recherche des DMP", "accounts": "Comptes des patients",
    "documents": "Documents", "files": "Fichiers des documents", "wishes": "Souhaits",
    "reimbursements": "Remboursements", "emergencies": "Accès en urgence", "journal_keys": "Clés des historiques",
    "journal_heads": "Têtes d’historique", "journal_entries": "Entrées d’historique",
    "reports": "Signalements des patients", "history_letters": "Historiques mensuels par courrier",
}


class CopyRefused(Exception):
    """A dossier whose rows in the database cannot become the file store's (French, for the operator)."""


@dataclass
class CopyReport:
    applied: list[str] = field(default_factory=list)  # schema files applied first
    copied: int = 0  # dossiers (or erased dossiers' heads) written
    unchanged: int = 0  # already in the database, identical
    shared: int = 0  # register, directory, creation codes, canary: records written
    operators_added: int = 0  # entries of the operators' journal copied
    checked: int = 0  # journals checked in the database
    problems: list[str] = field(default_factory=list)  # one French line each, no NIR nor name
    counts: dict[str, int] = field(default_factory=dict)  # the file store's, per table


def copy_store(files, url: str, progress: Callable[[int], None] = lambda n: None) -> CopyReport:
    """Copy the file store's repositories `files` into the database at `url` (its schema made or
    brought up to date first), then verify the copy."""
    report = CopyReport(applied=upgrade(url))
    target = PgRepositories(Database(url, min_size=1, max_size=3), files.documents.sealer,
                            files.sessions.sealer if files.sessions else files.documents.sealer, files.journal.chain)
    try:
        with target.batch_lock():  # one copy at a time into the database, whichever server runs it
            _copy_and_verify(files, target, report, progress)
    finally:
        target.db.close()
    return report


def _copy_and_verify(files, target: PgRepositories, report: CopyReport, progress) -> None:
    bulk = PgBulk(target.db, target.documents.blobs)
    counts: Counter = Counter()
    report.shared = copy_shared(files.store, bulk, counts)
    journal_ids = sorted(set(files.dossiers.all_ids()) | set(files.journal.journal_ids()))
    for dossier_id in journal_ids:
        try:
            changed = copy_dossier(files, bulk, dossier_id, counts)
        except CopyRefused as refused:
            report.problems.append(f"DMP {dossier_id} : {refused}")
        else:
            if changed:
                report.copied += 1
            else:
                report.unchanged += 1
        progress(1)
    try:
        report.operators_added = copy_operators(files, bulk, counts)
    except CopyRefused as refused:
        report.problems.append(f"Journal des opérateurs : {refused}")
    report.counts = {name: counts.get(name, 0) for name in COUNTS}
    report.checked, problems = verify(target, bulk, report.counts, journal_ids)
    report.problems += problems
    report.problems += [f"DMP {dossier_id} : une modification n’a pas pu être finie après une panne "
                        "(voir pending-failed/) : elle n’est pas dans la copie." for dossier_id in files.failed_units()]


# -- the shared tables ---------------------------------------------------------------------------

def copy_shared(store: FileStore, bulk: PgBulk, counts: Counter) -> int:
    """The register, the directory (entries, name index, activation links), the creation codes
    and the health canary; how many records were written."""
    written = _batched(ShardedTable(store, "register").items(), bulk.put_register, counts, "register")
    written += _batched(ShardedTable(store, "directory").items(), lambda rows: bulk.put_directory("login", rows),
                        counts, "directory")
    written += _batched(ShardedTable(store, "directory-by-activation").items(),
                        lambda rows: bulk.put_directory("activation", rows), counts, "activations")
    names = ((prefix, rpps, name) for prefix, entries in ShardedTable(store, "directory-by-name").items()
             for rpps, name in entries.items())
    written += _batched(names, bulk.put_names, counts, "directory_names")
    written += _batched(ShardedTable(store, "creation-code-by-nir").items(), bulk.put_creation_codes, counts,
                        "creation_codes")
    canary = _single(store, ("health", "canary.json"))
    if canary is not None:
        written += bulk.put_fact("canary", canary["sealed"])
    return written


def _batched(items, write, counts: Counter, name: str) -> int:
    written, batch = 0, []
    for item in items:
        batch.append(item)
        counts[name] += 1
        if len(batch) == BATCH:
            written += write(batch)
            batch = []
    return written + (write(batch) if batch else 0)


# -- the file store's rows, as stored ------------------------------------------------------------

def _read(store: FileStore, segments: tuple[str, ...]) -> list[dict]:
    """A TinyDB file's rows in the order added (its layout, read as the document list reads it)."""
    try:
        data = store.path(*segments).read_bytes()
    except FileNotFoundError:
        return []
    table = json.loads(data).get("_default", {}) if data.strip() else {}
    return [table[k] for k in sorted(table, key=int)]


def _single(store: FileStore, segments: tuple[str, ...]) -> dict | None:
    rows = _read(store, segments)
    return rows[0] if rows else None


def _head(store: FileStore, segments: tuple[str, ...]) -> dict | None:
    """A journal's head as stored (its MAC unchecked: the database's check sees a forged one)."""
    try:
        row = json.loads(store.path(*segments).read_text(encoding="utf-8"))
        return {"count": int(row["count"]), "last_hash": str(row["last_hash"]), "purged_at": row.get("purged_at"),
                "mac": str(row["mac"])}
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):
        raise CopyRefused("sa tête d’historique est illisible : lancez journal-check.") from None


def _in_files(store: FileStore, dossier_id: str) -> DossierRows:
    folder = ("dossiers", dossier_id[:2], dossier_id)
    dossier = _single(store, (*folder, "dossier.json"))
    accounts = {slot: found for slot in SLOTS
                if (found := _single(store, (*folder, f"account-{slot}.json" if slot else "account.json")))}
    keys = set()
    if dossier is not None:
        keys |= {(kind, dossier[field]) for kind, field in (("nir", "holder_nir"), ("ins_c", "ins_c"))
                 if dossier.get(field)}
    # a closed account (a representative's, at the minor's 18) kept its record, not its identifier
    keys |= {("login", account["login_id"]) for account in accounts.values() if not account.get("deactivated_at")}
    documents = {row["id"]: row for row in _read(store, (*folder, "documents.json"))}
    wishes = _single(store, (*folder, "wishes.json"))
    reimbursements = _single(store, (*folder, "reimbursements.json"))
    key = _single(store, (*folder, "journal-key.json"))
    head = _head(store, journal_head_segments(dossier_id))
    return DossierRows(
        dossier=dossier, accounts=accounts, keys=keys, documents=documents,
        blobs={row["file"]["blob_id"] for row in documents.values() if row.get("file")},
        wishes=wishes["sealed"] if wishes else None,
        reimbursements=reimbursements["sealed"] if reimbursements else None,
        emergencies=_read(store, (*folder, "emergencies.json")), journal_key=key["sealed"] if key else None,
        head=head, **_journal_end(head),
        reports=sorted(_read(store, (*folder, "reports.json")), key=lambda r: (r["reported_at"], r["id"])),
        history_letters={row["month"]: row for row in _read(store, (*folder, "history-letters.json"))})


def _journal_end(head: dict | None) -> dict:
    """The entries a head says there are (none kept once purged) and the last one's hash."""
    entries = head["count"] if head and not head["purged_at"] else 0
    return {"entries": entries, "last_hash": head["last_hash"] if entries else None}


def _count(counts: Counter, rows: DossierRows) -> None:
    counts["dossiers"] += rows.dossier is not None
    counts["accounts"] += len(rows.accounts)
    counts["dossier_keys"] += len(rows.keys)
    counts["documents"] += len(rows.documents)
    counts["files"] += len(rows.blobs)
    counts["wishes"] += rows.wishes is not None
    counts["reimbursements"] += rows.reimbursements is not None
    counts["emergencies"] += len(rows.emergencies)
    counts["journal_keys"] += rows.journal_key is not None
    counts["journal_heads"] += rows.head is not None
    counts["journal_entries"] += rows.entries
    counts["reports"] += len(rows.reports)
    counts["history_letters"] += len(rows.history_letters)


# -- one dossier, in one transaction -------------------------------------------------------------

def copy_dossier(files, bulk: PgBulk, dossier_id: str, counts: Counter) -> bool:
    """Make the dossier's rows in the database the file store's; False if they were already."""
    try:
        with files.unit(dossier_id):  # its lock, read only: no unit of work is seen half done
            source = _in_files(files.store, dossier_id)
    except HeadForged:
        raise CopyRefused("sa tête d’historique a été écrite sans la clé : lancez journal-check.") from None
    _count(counts, source)
    try:
        with bulk.db.transaction() as c:
            bulk.lock(c, dossier_id)
            there = bulk.state(c, dossier_id)
            if there == source:
                return False
            _write_dossier(files, bulk, c, dossier_id, source, there)
    except psycopg.IntegrityError:
        raise CopyRefused("ses lignes dans la base ne peuvent pas devenir celles des fichiers "
                          "(une base déjà utilisée ?).") from None
    return True


def _write_dossier(files, bulk: PgBulk, c, dossier_id: str, source: DossierRows,  # noqa: C901 - one step per table
                   there: DossierRows) -> None:
    if source.dossier is None and there.dossier is not None:
        bulk.erase(c, dossier_id)  # erased from the files since the last copy (purge-closed)
        there = bulk.state(c, dossier_id)
    if source.dossier != there.dossier and source.dossier is not None:
        bulk.put_dossier(c, source.dossier)
    if source.keys != there.keys and bulk.put_keys(c, dossier_id, source.keys, there.keys):
        raise CopyRefused("une de ses clés (NIR, INS-C ou identifiant) mène déjà à un autre DMP dans la base.")
    if source.accounts != there.accounts:
        bulk.put_accounts(c, dossier_id, source.accounts, there.accounts)
    if source.documents != there.documents:
        bulk.put_documents(c, dossier_id, list(source.documents.values()), there.documents)
    for blob_id in sorted(source.blobs - there.blobs):
        try:
            data = files.documents.blobs.get(dossier_id, blob_id)
        except KeyError:
            raise CopyRefused("le fichier d’un de ses documents manque dans DMP_DATA_DIR.") from None
        except SealBroken:
            raise CopyRefused("le fichier d’un de ses documents ne s’ouvre pas avec DMP_DATA_KEYS.") from None
        bulk.put_blob(c, dossier_id, blob_id, data)
    bulk.delete_blobs(c, dossier_id, there.blobs - source.blobs)
    if source.wishes != there.wishes:
        bulk.put_sealed(c, "wishes", dossier_id, source.wishes)
    if source.reimbursements != there.reimbursements:
        bulk.put_sealed(c, "reimbursements", dossier_id, source.reimbursements)
    if source.emergencies != there.emergencies:
        bulk.put_emergencies(c, dossier_id, source.emergencies)
    if source.journal_key != there.journal_key:
        bulk.put_journal_key(c, dossier_id, source.journal_key)
    if source.reports != there.reports:
        bulk.put_reports(c, dossier_id, source.reports)
    if source.history_letters != there.history_letters:
        bulk.put_history_letters(c, dossier_id, source.history_letters)
    _copy_journal(bulk, c, files.journal.files(dossier_id), source, there)


def _copy_journal(bulk: PgBulk, c, journal: JournalFiles, source: DossierRows, there: DossierRows) -> int:
    """Extend the journal in the database with the file store's next entries, then its head;
    how many entries were added."""
    if (source.head, source.entries, source.last_hash) == (there.head, there.entries, there.last_hash):
        return 0
    if there.entries > source.entries:
        if source.head is not None and source.head["purged_at"]:
            bulk.drop_entries(c, journal.journal_id)  # the dossier was erased from the files since
            bulk.put_head(c, journal.journal_id, source.head)
            return 0
        raise CopyRefused("son historique a plus d’entrées dans la base que dans les fichiers.")
    head = Head(source.head["count"], source.head["last_hash"]) if source.head else Head()
    if there.entries:
        before = journal.rows(there.entries - 1, there.entries, head=head)
        if not before or before[0].get("hash") != there.last_hash:
            raise CopyRefused("son historique dans la base n’est pas celui des fichiers.")
    added = 0
    for start in range(there.entries, source.entries, ENTRIES_BATCH):  # a long journal: never whole in memory
        rows = journal.rows(start, min(start + ENTRIES_BATCH, source.entries), head=head)
        bulk.append_entries(c, journal.journal_id, rows)
        added += len(rows)
    bulk.put_head(c, journal.journal_id, source.head)
    return added


def copy_operators(files, bulk: PgBulk, counts: Counter) -> int:
    """The operators' journal's entries that the database does not have yet; how many."""
    head = _head(files.store, ("journal-heads", f"{OPERATORS_JOURNAL}.json"))
    source = DossierRows(head=head, **_journal_end(head))
    counts["journal_heads"] += head is not None
    counts["journal_entries"] += source.entries
    with bulk.db.transaction() as c:
        c.execute("SELECT 1 FROM journal_heads WHERE journal_id = %s FOR UPDATE", (OPERATORS_JOURNAL,))
        return _copy_journal(bulk, c, files.operators.files, source, bulk.journal_state(c))


# -- the verification ----------------------------------------------------------------------------

def verify(target: PgRepositories, bulk: PgBulk, counts: dict[str, int], journal_ids: list[str]) -> tuple[int, list]:
    """Every table's count against the file store's, every journal's chain in the database."""
    problems = []
    there = bulk.counts()
    for name in COUNTS:
        if there[name] != counts.get(name, 0):
            problems.append(f"{LABELS[name]} : {counts.get(name, 0)} dans les fichiers, {there[name]} dans la base.")
    for journal_id in journal_ids:
        problem = target.journal.check(journal_id)
        if problem is not None:
            problems.append(f"DMP {journal_id} : dans la base, {problem.sentence()}")
    problem = target.operators.check()
    if problem is not None:
        problems.append(f"Journal des opérateurs : dans la base, {problem.sentence()}")
    return len(journal_ids) + 1, problems
