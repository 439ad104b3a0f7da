"""Professional steps through the test client, reused by several tests."""
from __future__ import annotations

from dmp_web.demo import DEMO_LOGIN, DEMO_PASSWORD

FATIMA_NIR = DEMO_LOGIN["nir"]
FATIMA_BIRTH = "21/05/1975"
DOSSIER = DEMO_LOGIN["dossier_id"]
DURAND = "10001000016"  # médecin traitant of the demo dossier
LEFEVRE = "10001000024"  # cardiologue, author of the document still to be explained
PETIT = "10001000032"  # pharmacienne
BERNARD = "10001000040"  # infirmier
HADDAD = "10001000073"  # médecin régulateur, SAMU – Centre 15
FORBIDDEN = ["medtrav01", "mutuelle01", "assureur01", "banque01", "employeur01"]


def pro_log_in(client, notifier, login_id: str):
    response = client.submit("/pro/connexion", {"login_id": login_id, "password": DEMO_PASSWORD})
    assert response.headers["Location"] == "/pro/connexion/code", login_id
    return client.submit("/pro/connexion/code", {"code": notifier.last_otp()})


def log_out(client, page="/"):
    client.post("/deconnexion", data={"csrf_token": client.csrf_token(page)})


def journal(app):
    return app.extensions["dmp.repos"].journal.entries(DOSSIER)
