"""Steps of the patient journey through the test client, reused by several tests."""
from __future__ import annotations

from dataclasses import dataclass

from dmp_web.demo import INSURED

MARCEL = next(p for p in INSURED if p.birth_name == "DUPUIS")  # the register knows his e-mail
JEANNE = next(p for p in INSURED if p.birth_name == "MARTIN")  # no e-mail: codes go by post
NEW_PASSWORD = "un jardin de roses en hiver"


@dataclass
class Created:
    login_id: str
    initial_password: str


def ask_creation_code(client, person=MARCEL):
    return client.submit("/creer/code", {"nir": person.nir, "nir_confirm": person.nir})


# « Créer votre DMP », one question per page (web/creation.py CREATION_STEPS), then the check page
CREATION_PAGES = [
    ("/creer/dossier", ("code",)),
    ("/creer/dossier?question=numero", ("nir",)),
    ("/creer/dossier?question=carte", ("vitale_type",)),
    ("/creer/dossier?question=numero-de-serie", ("vitale_serial",)),
    ("/creer/dossier?question=contact", ("mobile", "email")),
    ("/creer/dossier?question=accord", ("accept_terms",)),
]
CHECK_ANSWERS = "/creer/dossier/verifier"


def submit_creation(client, answers: dict, follow_redirects: bool = False):
    """Answers each question on its page, then presses « Créer mon DMP » on « Vérifiez vos
    réponses ». A page that refuses its answer is returned (its errors); else the check page's answer."""
    for path, names in CREATION_PAGES:
        response = client.submit(path, {name: answers.get(name, "") for name in names})
        if response.status_code != 302:
            return response
    return client.submit(CHECK_ANSWERS, {}, follow_redirects=follow_redirects)


def create_dossier(client, notifier, person=MARCEL, mobile="06 12 34 56 78", email="") -> Created:
    assert ask_creation_code(client, person).status_code == 302
    response = submit_creation(
        client,
        {
            "code": notifier.last_creation_code(),
            "nir": person.nir,
            "vitale_type": person.vitale_type,
            "vitale_serial": person.vitale_serial,
            "mobile": mobile,
            "email": email,
            "accept_terms": "y",
        },
    )
    assert response.headers["Location"] == "/creer/termine", response.get_data(as_text=True)[:3000]
    page = client.get("/creer/termine").soup
    return Created(
        page.find(id="identifiant").get_text(strip=True),
        page.find(id="mot-de-passe").get_text(strip=True).replace(" ", ""),
    )


def log_in(client, notifier, login_id, password):
    response = client.submit("/connexion", {"login_id": login_id, "password": password})
    assert response.headers["Location"] == "/connexion/code"
    return client.submit("/connexion/code", {"code": notifier.last_otp()})


# The 3 emergency switches of the first connection's step 3 and of «Gestion du DMP»: the first
# two on, hidden documents kept hidden.
EMERGENCY_SWITCHES = {"regulator_access": "yes", "break_glass_access": "yes", "hidden_in_emergency": "no"}


def first_connection(client, created: Created, email="marcel@example.org", channel="email"):
    client.submit("/mon-dmp/premiere-connexion/coordonnees", {
        "mobile": "0612345678", "mobile_confirm": "06 12 34 56 78", "email": email, "email_confirm": email,
    })
    client.submit("/mon-dmp/premiere-connexion/mot-de-passe", {
        "current_password": created.initial_password, "new_password": NEW_PASSWORD,
        "new_password_confirm": NEW_PASSWORD, "channel": channel,
    })
    return answer_emergency(client, STEP_3, EMERGENCY_SWITCHES)


STEP_3 = "/mon-dmp/premiere-connexion/urgence"
MANAGE_EMERGENCY = "/mon-dmp/gestion/urgence"


def answer_emergency(client, base: str, switches: dict):
    """The 3 emergency questions, one page each, each answered by pressing its « Oui » or « Non »
    button (its name and value); returns the answer to the last press."""
    response = None
    for number, (name, answer) in enumerate(switches.items(), 1):
        path = base if number == 1 else f"{base}?question={number}"
        response = client.submit(path, {name: answer})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response
