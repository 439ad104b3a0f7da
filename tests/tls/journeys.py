"""The patient's journey over HTTPS, run the same way against gunicorn alone and behind nginx."""
from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from dmp_web.demo import DEMO_LOGIN, DEMO_PASSWORD

from .browserlike import BrowserLike

PATIENT_EMAIL = DEMO_LOGIN["email"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FILE_NAME = "Échographie du cœur.pdf"


def last_code(smtp, to: str) -> str:
    """The 8-digit code of the last e-mail this address received."""
    for message, recipients in zip(reversed(smtp.messages), reversed(smtp.recipients), strict=True):
        if to in recipients:
            return re.search(r"\b(\d{8})\b", message.get_body(("plain",)).get_content()).group(1)
    raise AssertionError(f"no e-mail to {to}")


def log_records(server, since: int) -> list[dict]:
    return [json.loads(line) for line in server.log_lines()[since:] if line.startswith("{")]


def patient_journey(url: str, ssl_context, smtp, server) -> dict:
    """Log in with the code, add a document with a file and read it back, send a forged form,
    log out; returns the pages, the code used and the log lines the server wrote meanwhile."""
    start = len(server.log_lines())
    client = BrowserLike(ssl_context)
    pages = {"login": client.get(url + "/connexion")}
    pages["wrong password"] = client.submit("main form", {"login_id": DEMO_LOGIN["login_id"], "password": "pas le bon"})
    pages["code"] = client.submit("main form", {"login_id": DEMO_LOGIN["login_id"], "password": DEMO_PASSWORD})
    code = last_code(smtp, PATIENT_EMAIL)
    pages["home"] = client.submit("main form", {"code": code})
    pages["add"] = client.get("/mon-dmp/documents/ajouter")
    pages["added"] = client.submit("main form", {"title": "Mes analyses de 2025", "text": ""},
                                   files={"file": (FILE_NAME, PDF, "application/pdf")})
    document_link = pages["added"].soup.find("a", string=re.compile("Mes analyses de 2025"))
    pages["document"] = client.get(document_link["href"]) if document_link else None
    file_link = pages["document"].soup.find("a", href=re.compile("/fichier$")) if pages["document"] else None
    pages["file"] = client.get(file_link["href"]) if file_link else None
    forged = client.get("/mon-dmp/documents/ajouter")
    pages["forged"] = client.submit("main form", {"title": "x", "text": "y", "csrf_token": "forged"})
    client.page = forged
    pages["logout"] = client.submit("form[action='/deconnexion']", {})
    pages["after logout"] = client.get("/mon-dmp")
    return {"pages": pages, "code": code, "log": log_records(server, start), "client": client}


def assert_journey_worked(journey: dict) -> None:
    pages = journey["pages"]
    assert pages["code"].url.endswith("/connexion/code"), pages["code"].h1
    assert pages["home"].url.endswith("/mon-dmp"), pages["home"].h1
    assert pages["added"].url.endswith("/mon-dmp/documents"), pages["added"].h1
    assert "Votre document est ajouté." in pages["added"].soup.get_text()
    assert pages["file"].body == PDF
    assert "filename*=UTF-8''%C3%89chographie" in pages["file"].headers["Content-Disposition"]
    assert pages["forged"].status == 400 and pages["forged"].h1 == "Votre page a expiré"
    assert pages["logout"].url == pages["login"].url.replace("/connexion", "/")
    assert urlsplit(pages["after logout"].url).path == "/connexion"  # logged out: sent back to log in
