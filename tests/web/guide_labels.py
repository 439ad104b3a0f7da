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
- /mon-dmp/je-me-fais-aider: that patient, before and during a helped visit (both pages' labels:
  «Commencer l’aide» and «Finir l’aide»); the visit is then finished;
- /mon-dmp/gestion/aidants…: that patient, once they have 2 carers (so that «Arrêter cet accès»
  and «Annuler l’invitation» both show): Paul Martin, invited through services.carers.invite
  («voir et ajouter des documents»), who accepted at /aidant/accepter… with a new account, and
  an invitation by letter made through the questions of «Inviter un aidant», each seen on the way
  (the portable and the e-mail questions too, choosing each way in turn);
- /aidant/accepter/… (after the code), /aidant/bienvenue and /aidant/connexion/code: the pages
  Paul Martin saw while accepting, then logging in at /aidant/connexion;
- /aidant and /aidant/dmp/…: Paul Martin, logged in (the demo patient's DMP is
  /aidant/dmp/d3m0f47140a0c5e55e0001);
- /pro…: Dr Marie Durand, logged in at /pro/connexion;
- any other path (/aidant/accepter and /aidant/connexion too): a visitor who is not logged in.

A label is on a screen when a link, a button, a heading, a field's label or legend, or a term of
a list (dt) shows exactly that text; words only for screen readers (.visually-hidden) do not count.
"""
from __future__ import annotations

from bs4 import BeautifulSoup

from dmp_web.demo import DEMO_LOGIN, DEMO_PASSWORD
from dmp_web.domain.dates import local_day
from dmp_web.services import carers
from dmp_web.services.holder import patient_actor
from dmp_web.web.deps import ctx

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
HELPED_VISIT = "/mon-dmp/je-me-fais-aider"
CARERS = "/mon-dmp/gestion/aidants"
INVITE = f"{CARERS}/inviter"
# The questions of «Inviter un aidant», in order, with the answers given (web/carers_patient.py).
INVITE_QUESTIONS = (
    (INVITE, {"first_name": "Anne", "last_name": "Durand"}),
    (f"{INVITE}?question=aide", {"purpose": "read"}),
    (f"{INVITE}?question=dates", None),  # as the page fills it: from today, no end
    (f"{INVITE}?question=envoi", {"sent_by": "sms"}),
    (f"{INVITE}?question=portable", {"mobile": "0677889900", "mobile_confirm": "0677889900"}),
)
CARER_ACCEPTING_SCREENS = (
    "/aidant/accepter/invitation", "/aidant/accepter/contact", "/aidant/accepter/mot-de-passe",
    "/aidant/accepter/code", "/aidant/bienvenue", "/aidant/connexion/code",
)
INVITING_SCREENS = (*(path for path, _ in INVITE_QUESTIONS), f"{INVITE}?question=e-mail", f"{INVITE}/verifier",
                    f"{CARERS}/invitation")
CARER = {"name": "Paul Martin", "mobile": "0699887766", "password": "un jardin de roses en hiver"}


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
            if who == "carer":
                self._carer_accepts(client)
            self._clients[who] = client
        return self._clients[who]

    def _carer_accepts(self, client) -> None:
        """Paul Martin, invited by the demo patient, accepts with a new account, then logs in."""
        with self.app.test_request_context():
            context = ctx()
            dossier_id = DEMO_LOGIN["dossier_id"]
            made = carers.invite(context, patient_actor(context, dossier_id), context.repos.dossiers.get(dossier_id),
                                 name=CARER["name"], purpose="read_and_add", starts_on=local_day(context.now()),
                                 ends_on=None)
        assert made.decision.allowed, made
        client.submit("/aidant/accepter", {"code": made.code})
        steps = [
            ("/aidant/accepter/invitation", None),
            ("/aidant/accepter/contact", {"mobile": CARER["mobile"], "email": ""}),
            ("/aidant/accepter/mot-de-passe", {"new_password": CARER["password"],
                                               "new_password_confirm": CARER["password"]}),
        ]
        for path, answers in steps:
            self._labels[path] = visible_labels(self._page(client, path))
            if answers:
                client.submit(path, answers)
        self._labels["/aidant/accepter/code"] = visible_labels(self._page(client, "/aidant/accepter/code"))
        client.submit("/aidant/accepter/code", {"code": self.notifier.last_otp()})  # sent to the carer's mobile
        welcome = self._page(client, "/aidant/bienvenue")
        self._labels["/aidant/bienvenue"] = visible_labels(welcome)
        login_id = welcome.find("strong", class_="code").get_text(strip=True)
        client.post("/deconnexion", data={"csrf_token": client.csrf_token("/aidant")})
        client.submit("/aidant/connexion", {"login_id": login_id, "password": CARER["password"]})
        self._labels["/aidant/connexion/code"] = visible_labels(self._page(client, "/aidant/connexion/code"))
        client.submit("/aidant/connexion/code", {"code": self.notifier.last_otp()})

    def _invite_by_letter(self, client) -> None:
        """The patient answers each question of «Inviter un aidant», then invites by letter."""
        for path, answers in INVITE_QUESTIONS:
            page = self._page(client, path)
            self._labels[path] = visible_labels(page)
            shown = {field["name"]: field.get("value", "") for field in page.select("form input[name]")
                     if field["name"] != "csrf_token"}
            client.submit(path, answers or shown)
        client.submit(f"{INVITE}?question=envoi", {"sent_by": "email"})  # the e-mail's question, then a letter
        self._labels[f"{INVITE}?question=e-mail"] = visible_labels(self._page(client, f"{INVITE}?question=e-mail"))
        client.submit(f"{INVITE}?question=envoi", {"sent_by": "letter"})
        self._labels[f"{INVITE}/verifier"] = visible_labels(self._page(client, f"{INVITE}/verifier"))
        client.submit(f"{INVITE}/verifier", {})
        self._labels[f"{CARERS}/invitation"] = visible_labels(self._page(client, f"{CARERS}/invitation"))

    def _helped_visit(self, client) -> set[str]:
        """The labels of «Je me fais aider» before a helped visit and during it; then it ends."""
        before = visible_labels(self._page(client, HELPED_VISIT))
        client.submit(HELPED_VISIT, {"name": "Julie Blanc", "organisation": "France Services"})
        during = visible_labels(self._page(client, HELPED_VISIT))
        client.post(f"{HELPED_VISIT}/finir", data={"csrf_token": client.csrf_token(HELPED_VISIT)})
        return before | during

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

    def _open(self, path: str) -> None:
        """The labels of this screen in self._labels, and of the screens seen on the way to it."""
        if path in NEW_PATIENT_SCREENS:
            self._labels.update({opened: visible_labels(soup) for opened, soup in self._new_patient().items()})
            return
        if path.startswith(CARERS) or path in CARER_ACCEPTING_SCREENS or path == "/aidant" or (
                path.startswith("/aidant/dmp/")):
            if "carer" not in self._clients:  # the patient's 2 carers, each page seen on the way
                self._client("carer")
                self._invite_by_letter(self._client("patient"))
            if path in self._labels:
                return
            who = "patient" if path.startswith("/mon-dmp") else "carer"
        elif path == HELPED_VISIT:
            self._labels[path] = self._helped_visit(self._client("patient"))
            return
        elif path.startswith("/mon-dmp") or path == "/connexion/code":
            who = "patient"
        else:
            who = "professional" if path.startswith("/pro") else "visitor"
        client = self._client(who)  # logging in, it saw the code page
        if path not in self._labels:
            self._labels[path] = visible_labels(self._page(client, path))

    def labels_on(self, path: str) -> set[str]:
        if path not in self._labels:
            self._open(path)
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
