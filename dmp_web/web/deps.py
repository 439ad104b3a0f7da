"""What views take from the app: the use-case context, sealed values in the session."""
from __future__ import annotations

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken
import re
import unicodedata
from urllib.parse import quote

from datetime import datetime

from flask import abort, current_app, has_request_context, make_response, session

from ..domain.helped_visit import HelpedVisit, Helper
from ..services import helped_visits
from ..services.context import Context
from .request_log import refuse


def ctx() -> Context:
    ext = current_app.extensions
    return Context(
        repos=ext["dmp.repos"],
        register=ext["dmp.register"],
        notifier=ext["dmp.notifier"],
        clock=ext["dmp.clock"],
        site_url=current_app.config["DMP_SETTINGS"].site_url,
        otp_pepper=_otp_pepper(),
        help_line=current_app.config["DMP_SETTINGS"].help_line,
        helper=helper_in_force(),
    )


# « Je me fais aider »: the helped visit in force, sealed in the patient's session (web/helped_visit.py)
HELPED_VISIT = "helped_visit"
# the token's own age limit, in real time: the app's clock and the domain's rule end the visit
# well before (a longer one, so the end after 2 hours is still read, and journaled)
HELPED_VISIT_TOKEN_AGE = 24 * 3600


def helped_visit_in_session() -> HelpedVisit | None:
    """The helped visit kept in this session for whoever is logged in, in force or not (yet to
    be journaled as ended); None without one."""
    if HELPED_VISIT not in session:
        return None
    kept = unseal(HELPED_VISIT, HELPED_VISIT_TOKEN_AGE)
    if not kept or kept.get("owner") != session.get("_user_id"):
        return None
    return HelpedVisit(Helper.from_stored(kept), datetime.fromisoformat(kept["started_at"]))


def keep_helped_visit(visit: HelpedVisit) -> None:
    seal(HELPED_VISIT, {**visit.helper.stored(), "started_at": visit.started_at.isoformat(),
                        "owner": session.get("_user_id")})


def end_helped_visit(key: str, asked: str) -> bool:
    """End this session's helped visit and journal why (domain/helped_visit.py ENDINGS): the
    patient's button, a logout, the session's end, or its 2 hours. False when there was none."""
    visit = helped_visit_in_session()
    session.pop(HELPED_VISIT, None)
    if visit is None:
        return False
    helped_visits.end(ctx(), key, visit, asked)
    return True


def helper_in_force() -> Helper | None:
    """Who sits beside the patient now (« Je me fais aider »), or None: what ctx() carries."""
    if not has_request_context():
        return None
    visit = helped_visit_in_session()
    return visit.helper if visit is not None and visit.in_force(current_app.extensions["dmp.clock"]()) else None


def _otp_pepper() -> bytes:
    # derived from the secret key, which is never in the store: a code's hash opens nothing there
    return hashlib.sha256(b"dmp-one-time-code-pepper|" + current_app.config["SECRET_KEY"].encode()).digest()


def _fernet() -> Fernet:
    # A key of its own, derived from the secret key, so session cookies carry no secret in clear.
    digest = hashlib.sha256(b"dmp-sealed-session-values|" + current_app.config["SECRET_KEY"].encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(key: str, value: dict) -> None:
    session[key] = _fernet().encrypt(json.dumps(value).encode()).decode()


def unseal(key: str, max_age_seconds: int) -> dict | None:
    token = session.get(key)
    if not token:
        return None
    try:
        return json.loads(_fernet().decrypt(token.encode(), ttl=max_age_seconds))
    except InvalidToken:
        session.pop(key, None)
        return None


def hidden_as_not_found(reason: str = "dossier_not_found"):
    """End the request with a 404; the log says why (a policy refusal the page must not tell)."""
    refuse(reason)
    abort(404)


def document_or_404(dossier, document_id: str):
    """The dossier's document, or a 404 for an id that is malformed or not in this dossier."""
    found = ctx().repos.documents.get(dossier.id, document_id) if re.fullmatch(r"[0-9a-f]{16}", document_id) else None
    if found is None:
        hidden_as_not_found()
    return found


def content_disposition(filename: str, inline: bool = False) -> str:
    """RFC 6266: a plain-ASCII name for old clients and the exact UTF-8 one for the others.
    A header must be Latin-1: «Échographie du cœur.pdf» written raw is a 500 under gunicorn."""
    stem, dot, extension = filename.rpartition(".") if "." in filename else (filename, "", "")

    def ascii_only(text: str) -> str:
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return re.sub(r"[^A-Za-z0-9 ._()-]", "_", text).strip(" ._")

    plain = (ascii_only(stem) or "fichier") + (dot + ascii_only(extension) if ascii_only(extension) else "")
    value = f'{"inline" if inline else "attachment"}; filename="{plain}"'
    if plain != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value


def send_document_file(dossier, document):
    """Always an attachment with its checked type: never rendered in the page."""
    repo = ctx().repos.documents
    stored = repo.file(dossier.id, document.id)
    if stored is None:
        hidden_as_not_found()
    response = make_response(repo.file_data(dossier.id, stored))
    response.headers["Content-Type"] = stored.content_type
    response.headers["Content-Disposition"] = content_disposition(stored.name)
    return response


def checked_upload(file_field):
    """Read an uploaded file (at most the limit + 1 byte) and check it by its content.

    Returns (CheckedUpload, data), or (None, None) when no file was sent; a refused file leaves
    its French message on the field."""
    from ..domain.uploads import MAX_UPLOAD_BYTES, UploadRefused, check_upload

    if not (file_field.data and file_field.data.filename):
        return None, None
    data = file_field.data.read(MAX_UPLOAD_BYTES + 1)
    try:
        return check_upload(file_field.data.filename, data), data
    except UploadRefused as refusal:
        file_field.errors = [refusal.message]
        return None, None
