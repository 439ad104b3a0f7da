"""DMP web: create_app builds the Flask application from Settings."""
from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import Flask
from flask_htmx import HTMX
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from .settings import PROJECT_ROOT, Settings, SettingsError
from .store import FileStore

csrf = CSRFProtect()
htmx = HTMX()
login_manager = LoginManager()


def utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(settings: Settings | None = None, **flask_config) -> Flask:
    settings = settings or Settings.from_env()
    problems = settings.problems()
    if problems:
        raise SettingsError(problems)
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(
        SECRET_KEY=settings.resolved_secret_key(),
        TESTING=settings.env == "testing",
        SESSION_COOKIE_NAME="dmp_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not settings.is_development,
        MAX_CONTENT_LENGTH=12 * 1024 * 1024,  # a 10 MB document plus the form around it
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session, which is short
        DMP_SETTINGS=settings,
    )
    app.config.update(flask_config)
    if settings.trusted_proxies:
        # Behind N proxies, trust the last N X-Forwarded-* values (and no more: a client can
        # write these headers too) for the scheme, host and client address.
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)
    if settings.env == "development":
        # the developer reads where each e-mail and SMS of the outbox went, in the console
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
        # but not WeasyPrint's and fontTools' notes on every PDF they make (INFO: fonts, CSS rules skipped)
        for noisy in ("weasyprint", "fontTools"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.exports_dir.mkdir(parents=True, exist_ok=True)
    store = FileStore(settings.data_dir, settings.lock_timeout_seconds)
    app.extensions["dmp.store"] = store
    from .notify import notifier_from_settings
    from .store.dossiers import Repositories

    from .domain.journal import ChainKey
    from .store.crypto import Sealer

    data_keys = settings.resolved_data_keys()
    sealer = Sealer.from_keys(data_keys, "documents", legacy_secrets=settings.legacy_sealing_secrets())
    session_sealer = Sealer.from_keys(data_keys, "sessions")
    chain = ChainKey(settings.resolved_journal_key())
    if settings.database_url:
        # PostgreSQL (issue 14, under way; refused in production): the tables must exist
        # (db-upgrade); the file store stays for this server's temporary files and jobs.
        from .store.pg import Database
        from .store.pg.repositories import PgRepositories

        database = Database(settings.database_url, lock_timeout=settings.lock_timeout_seconds)
        app.extensions["dmp.repos"] = PgRepositories(database, sealer, session_sealer, chain, store=store)
        app.extensions["dmp.store_current"] = True  # the schema's version is db-upgrade's
    else:
        app.extensions["dmp.repos"] = Repositories(store, sealer, session_sealer=session_sealer, chain=chain)
        from .store.unit import recover_all

        recover_all(app.extensions["dmp.repos"])  # what a crash left half done is finished first
        from .services.store_migration import STORE_VERSION, store_version

        # data of an earlier version: pages answer «en travaux» until migrate-store has run
        app.extensions["dmp.store_current"] = store_version(store) >= STORE_VERSION
    store.clean_leftovers()
    app.extensions["dmp.register"] = app.extensions["dmp.repos"].register
    letter_sealer = Sealer.from_keys(data_keys, "letters")
    app.extensions["dmp.notifier"] = notifier_from_settings(
        settings.env, settings.exports_dir, settings.smtp, sms_email_domain=settings.sms_email_domain,
        letter_sealer=letter_sealer,
    )
    if settings.database_url:  # the mail room sees the letters every server queued
        from .store.pg.letters import PgLetterQueue

        app.extensions["dmp.notifier"].letters = PgLetterQueue(app.extensions["dmp.repos"].db, letter_sealer)
    app.extensions["dmp.clock"] = utc_now  # tests put a clock they can move here

    from .web import request_log

    request_log.init_app(app)  # first, so it times and names every request, refused ones too
    from .web.sessions import StoreSessionInterface

    app.session_interface = StoreSessionInterface()  # the cookie holds only a random id
    csrf.init_app(app)
    htmx.init_app(app)
    login_manager.init_app(app)

    from .web import auth, creation, desk, errors, filters, navigation, patient, pro, public, security

    security.init_app(app)
    errors.init_app(app)
    navigation.init_app(app)
    filters.init_app(app)
    auth.init_app(app)
    app.register_blueprint(public.bp)
    app.register_blueprint(creation.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(patient.bp)
    app.register_blueprint(pro.bp)
    app.register_blueprint(desk.bp)
    from .web import desk_help
    app.register_blueprint(desk_help.bp)  # a desk agent helps a person who already has a DMP
    from .web import wishes
    app.register_blueprint(wishes.bp)
    from .web import reimbursements
    app.register_blueprint(reimbursements.bp)
    from .web import history
    app.register_blueprint(history.bp)
    from .web import reports
    app.register_blueprint(reports.bp)  # « je ne connais pas cette personne », and the desk agents' queue
    from .web import sharing
    app.register_blueprint(sharing.bp)  # sharing codes: the patient's page and the professional's form
    from .web import helped_visit
    app.register_blueprint(helped_visit.bp)  # « Je me fais aider »: a helper beside the patient for one visit
    from .web import carers_patient
    app.register_blueprint(carers_patient.bp)  # « Mes aidants »: the patient invites and ends their carers
    from .web import copies
    app.register_blueprint(copies.bp)
    from .web import guides
    app.register_blueprint(guides.bp)
    from .web import glossary
    app.register_blueprint(glossary.bp)
    from .web import ops
    app.register_blueprint(ops.bp)
    from .web import carers
    app.register_blueprint(carers.bp)  # the carers' space: accept an invitation, act within its grant

    from .web import limits

    limits.init_app(app)  # after every blueprint: it wraps their views
    from . import cli, worker

    cli.init_app(app)
    worker.init_app(app)
    from . import copy_store_cli
    copy_store_cli.init_app(app)
    return app
