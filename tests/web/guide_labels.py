"""The label check of the easy-to-read guides: each «…» a guide quotes is on the screen it names.

A guide names the screen of its labels with a line `<!-- écran : /path -->` (see
dmp_web/texts/guides.py). Each screen is opened with the test client as the visitor who can
see it, chosen by its path:

- /creer/termine and /mon-dmp/premiere-connexion/…: a new patient, who creates a DMP online
  (Marcel Dupuis of the demo register), then logs in and walks the 3 steps of the first connection;
- /connexion/code and /pro/connexion/code: the page seen by the patient or the professional
  below while logging in, after the identifier and the password;
- /mon-dmp…: the demo patient (fro7510), logged in with the code the fake notifier received,
  who has hidden 1 document (so that «Interdire l’accès» and «Autoriser l’accès» both show);
- /pro…: Dr Marie Durand, logged in at /pro/connexion;
- any other path: a visitor who is not logged in.

A label is on a screen when a link, a button, a heading, a field's label or legend, or a term of
a list (dt) shows exactly that text; words only for screen readers (.visually-hidden) do not count.
"""
from __future__ import annotations

from bs4 import BeautifulSoup

from dmp_web.demo import DEMO_LOGIN, DEMO_PASSWORD

from ..conftest import CheckedClient
from .patient_journey import CHECK_ANSWERS, CREATION_PAGES, MARCEL, NEW_PASSWORD, ask_creation_code, log_in
from .pro_journey import DURAND

VISIBLE_LABELS = ["a", "button", "h1", "h2", "h3", "h4", "label", "legend", "dt", "summary", "caption", "th"]
NEW_PATIENT_SCREENS = (
    *(path for path, _ in CREATION_PAGES[1:]), CHECK_ANSWERS,
    "/creer/termine",
    "/mon-dmp/premiere-connexion/coordonnees",
    "/mon-dmp/premiere-connexion/mot-de-passe",
    "/mon-dmp/premiere-connexion/urgence",
)


def normalized(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def visible_labels(soup: BeautifulSoup) -> set[str]:
    """The texts a reader can click or read as a label on this page."""
    soup = BeautifulSoup(str(soup), "html.parser")  # a copy: the caller's page stays whole
    for hidden in soup.select(".visually-hidden"):
        hidden.decompose()
    return {normalized(node.get_text(" ")) for node in soup.find_all(VISIBLE_LABELS)}


class Screens:
    """Opens each screen once, as the visitor who can see it."""

    def __init__(self, app):
        self.app = app
        app.test_client_class = CheckedClient  # every screen opened is checked, and parsed
        self.notifier = app.extensions["dmp.notifier"]
        self._labels: dict[str, set[str]] = {}
        self._clients: dict[str, object] = {}

    def _client(self, who: str):
        """The logged-in client of the patient or of the professional; the code page seen on the way."""
        if who not in self._clients:
            client = self.app.test_client()
            if who in ("patient", "professional"):
                login, login_id = (("/connexion", DEMO_LOGIN["login_id"]) if who == "patient"
                                   else ("/pro/connexion", DURAND))
                client.submit(login, {"login_id": login_id, "password": DEMO_PASSWORD})
                self._labels[f"{login}/code"] = visible_labels(self._page(client, f"{login}/code"))
                client.submit(f"{login}/code", {"code": self.notifier.last_otp()})
            if who == "patient":
                first = self._page(client, "/mon-dmp/documents").select_one("li.document-row form")
                client.post(first["action"],
                            data={"csrf_token": client.csrf_token("/mon-dmp/documents"), "hidden": "1"})
            self._clients[who] = client
        return self._clients[who]

    def _page(self, client, path: str) -> BeautifulSoup:
        response = client.get(path)
        if response.status_code != 200:
            raise LookupError(f"{path} answers {response.status_code}")
        return response.soup

    def _new_patient(self) -> dict[str, BeautifulSoup]:
        client = self.app.test_client()
        ask_creation_code(client, MARCEL)
        answers = {
            "code": self.notifier.last_creation_code(), "nir": MARCEL.nir, "vitale_type": MARCEL.vitale_type,
            "vitale_serial": MARCEL.vitale_serial, "mobile": "06 12 34 56 78", "email": "", "accept_terms": "y",
        }
        soups = {}
        for path, names in CREATION_PAGES:  # one question per page, each seen on the way
            soups[path] = self._page(client, path)
            client.submit(path, {name: answers[name] for name in names})
        soups[CHECK_ANSWERS] = self._page(client, CHECK_ANSWERS)
        client.submit(CHECK_ANSWERS, {})
        done = self._page(client, "/creer/termine")
        login_id = done.find(id="identifiant").get_text(strip=True)
        password = done.find(id="mot-de-passe").get_text(strip=True).replace(" ", "")
        log_in(client, self.notifier, login_id, password)
        soups["/creer/termine"] = done
        steps = [
            ("/mon-dmp/premiere-connexion/coordonnees", {
                "mobile": "0612345678", "mobile_confirm": "0612345678",
                "email": "marcel@example.org", "email_confirm": "marcel@example.org"}),
            ("/mon-dmp/premiere-connexion/mot-de-passe", {
                "current_password": password, "new_password": NEW_PASSWORD,
                "new_password_confirm": NEW_PASSWORD, "channel": "email"}),
            ("/mon-dmp/premiere-connexion/urgence", None),
        ]
        for path, answers in steps:
            soups[path] = self._page(client, path)
            if answers:
                client.submit(path, answers)
        return soups

    def _open(self, path: str) -> dict[str, BeautifulSoup]:
        if path in NEW_PATIENT_SCREENS:
            return self._new_patient()
        if path.startswith("/mon-dmp") or path == "/connexion/code":
            who = "patient"
        else:
            who = "professional" if path.startswith("/pro") else "visitor"
        client = self._client(who)  # logging in, it saw the code page
        return {} if path in self._labels else {path: self._page(client, path)}

    def labels_on(self, path: str) -> set[str]:
        if path not in self._labels:
            self._labels.update({opened: visible_labels(soup) for opened, soup in self._open(path).items()})
        return self._labels[path]


def missing_labels(app, guides) -> list[str]:
    """One line per quoted label that its screen does not show (empty when all are there)."""
    screens = Screens(app)
    problems = []
    for guide in guides:
        for label in guide.labels:
            try:
                shown = screens.labels_on(label.screen)
            except LookupError as error:
                problems.append(f"{label.guide}.md, line {label.line}: the screen {error}")
                continue
            if label.text not in shown:
                problems.append(f"{label.guide}.md, line {label.line}: «{label.text}» is not on {label.screen}")
    return problems
