"""Every repository of the PostgreSQL store, with the ports' names (services/ports.py), so a
service cannot tell it from the file store's `Repositories`."""
from __future__ import annotations

from contextlib import contextmanager

from ...domain.journal import ChainKey
from ..crypto import Sealer
from . import Database
from .accounts import PgAccountRepository, PgCreationCodeRepository
from .directory import PgDirectory
from .documents import PgDocumentRepository, PgEmergencyRepository
from .dossiers import PgDossiers
from .health import PgHealthRecords
from .jobs import PgJobStore
from .history_letters import PgHistoryLetters
from .notices import PgOpeningNoticeRepository
from .journal import PgJournal, PgOperatorsJournal
from .register import PgInsuredRegister
from .reports import PgReportRepository
from .sessions import PgSessionRepository
from .recent import PgRecentPatients
from .sharing import PgSharingCodeIndex
from .unit import PgUnit
from .wishes import PgReimbursementRepository, PgWishesRepository


class PgRepositories:
    def __init__(self, db: Database, sealer: Sealer, session_sealer: Sealer, chain: ChainKey, store=None):
        self.db = db
        # The file store on this server's disk, for what stays local: temporary files, the
        # batch commands' scratch folders and their lock.
        self.store = store
        self.jobs = PgJobStore(db, sealer)  # shared by every server's workers
        self.dossiers = PgDossiers(db)
        self.accounts = PgAccountRepository(db)
        self.journal = PgJournal(db, sealer, chain)
        self.creation_codes = PgCreationCodeRepository(db)
        self.directory = PgDirectory(db)
        self.operators = PgOperatorsJournal(db, chain)
        self.emergencies = PgEmergencyRepository(db, sealer)
        self.documents = PgDocumentRepository(db, sealer)
        self.wishes = PgWishesRepository(db, sealer)
        self.reimbursements = PgReimbursementRepository(db, sealer)
        self.reports = PgReportRepository(db, sealer)  # « je ne connais pas cette personne »
        self.sessions = PgSessionRepository(db, session_sealer)
        self.register = PgInsuredRegister(db)
        self.opening_notices = PgOpeningNoticeRepository(db)  # the hourly «who opened my DMP» message
        self.carer_notices = PgOpeningNoticeRepository(db, "carers")  # the daily «what my carers did» message
        self.sharing_codes = PgSharingCodeIndex(db)  # a sharing code's digest -> its dossier
        self.history_letters = PgHistoryLetters(db)  # «Recevoir mon historique par courrier»
        self.recent_patients = PgRecentPatients(db)  # « Mes patients récents » of each professional

    def failed_units(self) -> list[str]:
        return []  # a unit of work is a transaction: a crash rolls it back, nothing is left half done

    @contextmanager
    def batch_lock(self):
        """One batch command at a time on every server: a session lock of the database."""
        with self.db.pool.connection() as conn:
            conn.autocommit = True
            conn.execute("SELECT pg_advisory_lock(hashtextextended('dmp-batch-jobs', 0))")
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(hashtextextended('dmp-batch-jobs', 0))")
                conn.autocommit = False

    def reopened(self, sealer: Sealer) -> PgRepositories:
        """The same database seen with other data keys (reseal-data checks the first key alone)."""
        return PgRepositories(self.db, sealer, sealer, self.journal.chain, store=self.store)

    def content_mark(self, dossier_id: str) -> str:
        """A digest of the dossier's own records (settings, documents, wishes, reimbursements,
        emergency accesses): it changes with any of them (a copy is made again)."""
        with self.db.transaction() as conn:
            return conn.execute(
                "SELECT md5(concat_ws('|',"
                " (SELECT record::text FROM dossiers WHERE dossier_id = %(d)s),"
                " (SELECT string_agg(record::text, ',' ORDER BY document_id) FROM documents WHERE dossier_id = %(d)s),"
                " (SELECT md5(sealed) FROM wishes WHERE dossier_id = %(d)s),"
                " (SELECT md5(sealed) FROM reimbursements WHERE dossier_id = %(d)s),"
                " (SELECT string_agg(record::text, ',' ORDER BY access_id) FROM emergencies WHERE dossier_id = %(d)s)"
                "))", {"d": dossier_id}).fetchone()[0]

    def health(self, lock_timeout: float = 1.0) -> PgHealthRecords:
        return PgHealthRecords(self.db, self.documents.sealer)

    def unit(self, dossier_id: str) -> PgUnit:
        """A unit of work on one dossier: one transaction (store/pg/unit.py)."""
        return PgUnit(self, dossier_id)
