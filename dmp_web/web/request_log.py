"""One JSON line per request on stdout, for the operators: what was asked, how it ended, how long
it took, and why it was refused.

What a line holds is chosen here, field by field, and never comes from the request itself: the
route's name (`pro.dossier`), never its path or query (they carry dossier ids and search words),
and no form value, name, NIR, code or title. A refusal says which rule refused, from the fixed
list REFUSALS.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time
import traceback
import uuid
from contextlib import contextmanager
from datetime import datetime, UTC
from pathlib import Path

from flask import Flask, g, request

logger = logging.getLogger("dmp.requests")

REQUEST_ID_HEADER = "X-Request-Id"
# An id a trusted proxy sends is kept (the same id in nginx's log and ours) if it looks like one.
_GOOD_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{8,64}")

# Why a request was refused: the words an operator filters on.
REFUSALS = {
    "csrf": "the form's CSRF token or origin was refused",
    "policy": "the access policy refused the action",
    "forbidden": "this kind of account may not open this page",
    "not_found": "no such page",
    "dossier_not_found": "no such dossier, document or file",
    "rate_limit": "too many requests, or too soon after the last one",
    "locked": "the account is locked after wrong passwords",
    "wrong_credentials": "wrong identifier or password",
    "wrong_code": "wrong or expired one-time code",
    "deactivated": "the account was deactivated by an operator",
    "no_contact": "the account has no mobile nor e-mail for its login codes",
    "too_large": "the request body is over the limit",
    "link_void": "an activation link that is unknown, used or expired",
    "invitation_void": "a carer's invitation cancelled, used or accepted already (domain/carers.py)",
    "session_expired": "the session ended after the idle time",
    "store_outdated": "the data folder awaits migrate-store",
}


class _Stdout(logging.StreamHandler):
    """Writes to whatever sys.stdout is at the time (gunicorn's, or a test's capture)."""

    def __init__(self):
        super().__init__(sys.stdout)

    @property
    def stream(self):
        return sys.stdout

    @stream.setter
    def stream(self, _value):
        pass


class JsonLines(logging.Formatter):
    """A record as one JSON object: its `fields` extra, or its message for the app's own logs."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                "level": record.levelname.lower(), "logger": record.name}
        line["message"] = record.getMessage()
        fields = getattr(record, "fields", None)
        if fields:
            line.update(fields)
        elif record.exc_info:
            line["exception"] = record.exc_info[0].__name__  # the kind only: a message may hold data
        return json.dumps(line, ensure_ascii=False, separators=(",", ":"))


def install_json_logging(*names: str) -> None:
    """Send these loggers to stdout as JSON lines, once per process whatever the number of apps."""
    for name in names:
        target = logging.getLogger(name)
        if not any(isinstance(h, _Stdout) for h in target.handlers):
            handler = _Stdout()
            handler.setFormatter(JsonLines())
            target.addHandler(handler)
        target.setLevel(logging.INFO)
        target.propagate = False


@contextmanager
def quiet():
    """No request lines while a command fetches the app's own pages (falc-check)."""
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = False


def refuse(reason: str) -> None:
    """Say why this request is refused; its log line carries the reason (the first one wins)."""
    if reason not in REFUSALS:
        raise ValueError(f"unknown refusal reason {reason!r}")
    if not g.get("refusal"):
        g.refusal = reason


def _actor_kind() -> str:
    from flask_login import current_user

    user = current_user._get_current_object()
    if not user.is_authenticated:
        return "anonymous"
    actor = getattr(user, "actor", None)
    if actor is not None:
        return actor.kind.value
    # a patient's account: a second slot is a minor's second legal representative's (the first
    # slot's owner is not read here: one line of log is not worth a read of the dossier)
    return "legal_representative" if user.account.slot else "holder"


def _log_exception_without_data(app: Flask):
    """Flask's own log of a 500 names the path (dossier ids, link tokens) and prints the
    traceback with the exception's message (which may quote data). In production the line says
    which route failed, with what kind of exception, where in our code: enough to find it."""
    def log_exception(exc_info) -> None:
        kind, _, trace = exc_info
        frames = traceback.extract_tb(trace) if trace else []
        ours = [f for f in frames if "/dmp_web/" in f.filename] or frames
        where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno} in {ours[-1].name}" if ours else ""
        app.logger.error("unhandled exception", extra={"fields": {
            "request_id": g.get("request_id"), "route": request.endpoint or "unmatched",
            "exception": kind.__name__ if kind else "", "where": where}})
    return log_exception


def init_app(app: Flask) -> None:
    install_json_logging("dmp.requests")
    if app.config["DMP_SETTINGS"].is_production:
        from flask.logging import default_handler

        app.logger.removeHandler(default_handler)
        install_json_logging(app.logger.name)  # the app's warnings and errors, in the same stream
        app.log_exception = _log_exception_without_data(app)
    trust_request_id = app.config["DMP_SETTINGS"].trusted_proxies > 0

    @app.before_request
    def start_clock():
        g.request_started = time.perf_counter()
        given = request.headers.get(REQUEST_ID_HEADER, "") if trust_request_id else ""
        g.request_id = given if _GOOD_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex

    @app.after_request
    def log_request(response):
        started = g.request_started
        response.headers[REQUEST_ID_HEADER] = g.request_id
        status = response.status_code
        refusal = g.get("refusal")
        if refusal is None and status == 404:
            refusal = "not_found"
        elif refusal is None and status == 429:
            refusal = "rate_limit"
        fields = {
            "request_id": g.request_id,
            "method": request.method,
            "route": request.endpoint or "unmatched",
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "actor_kind": "anonymous" if request.endpoint == "static" else _actor_kind(),
        }
        if refusal:
            fields["refusal"] = refusal
        logger.info("request", extra={"fields": fields})
        return response
