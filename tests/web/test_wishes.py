"""«Mes informations / Volontés et droits» through the test client: the contact details change
only with a code sent to the new number or address; the wishes are saved sealed, through the
access policy, and journaled; the directives given as a file reach the médecin traitant."""
import io

import pytest

from dmp_web.demo import DEMO_LOGIN
from dmp_web.services import wishes as wishes_service
from dmp_web.web.deps import ctx

from ..conftest import field_error
from ..stored import everything_stored
from .pro_journey import DOSSIER, DURAND, PETIT, journal, log_out, pro_log_in

BOTH_STORES = True  # these journeys run on the file store and on PostgreSQL

OLD_MOBILE, OLD_EMAIL = DEMO_LOGIN["mobile"], DEMO_LOGIN["email"]
NEW_MOBILE = "0799887766"
NEW_EMAIL = "fatima.nouvelle@example.org"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def patient_log_in(client, notifier):
    client.submit("/connexion", {"login_id": "fro7510", "password": "demo-dmp-2026"})
    response = client.submit("/connexion/code", {"code": notifier.last_otp()})
    assert response.headers["Location"] == "/mon-dmp"


def account(app):
    return app.extensions["dmp.repos"].accounts.get(DOSSIER)


def wishes(app):
    return app.extensions["dmp.repos"].wishes.get(DOSSIER)


def last_manage(app):
    """The last "manage" entry (opening the summary then journals its list of documents)."""
    return [e for e in journal(app) if e.action == "manage"][-1]


def flash(response) -> str:
    return response.soup.select_one("[aria-live]").get_text(" ", strip=True)


def errors(soup, *ids) -> dict:
    return {i: field_error(soup, i) for i in ids}


def summary_links(soup) -> list[str]:
    return [a.get_text(" ", strip=True) for a in soup.select("main .error-summary a")]


@pytest.fixture
def patient(client, notifier):
    patient_log_in(client, notifier)
    return client


# -- Mes informations ---------------------------------------------------------------------------

def test_my_information_is_in_the_menu_and_shows_my_contact_details_and_the_way_to_my_wishes(patient):
    home = patient.get("/mon-dmp").soup
    link = home.find(id="menu-dmp").find("a", string="Mes informations")
    assert link["href"] == "/mon-dmp/informations"
    page = patient.get(link["href"]).soup
    assert page.h1.get_text(strip=True) == "Mes informations"
    assert page.find(id="mobile-actuel").get_text(strip=True) == "06 11 22 33 44"
    assert page.find(id="email-actuel").get_text(strip=True) == OLD_EMAIL
    links = {a.get_text(strip=True): a["href"] for a in page.main.find_all("a")}
    assert links["Volontés et droits"] == "/mon-dmp/volontes"
    assert links["Changer mon numéro de portable"] == "/mon-dmp/informations/telephone"
    assert links["Changer mon adresse e-mail"] == "/mon-dmp/informations/e-mail"


@pytest.mark.parametrize("mobile, confirm, expected", [
    ("", "", {"mobile": "Écrivez votre nouveau numéro de portable",
              "mobile_confirm": "Écrivez encore une fois ce numéro"}),
    ("06", "06", {"mobile": "Le numéro de portable a 10 chiffres. Vous en avez écrit 2",
                  "mobile_confirm": "Le numéro de portable a 10 chiffres. Vous en avez écrit 2"}),
    ("06 AB 12 34 56", NEW_MOBILE, {"mobile": "Le numéro de portable s’écrit avec des chiffres seulement",
                                     "mobile_confirm": ""}),
    ("0123456789", "0123456789", {"mobile": "Le numéro de portable commence par 06 ou 07",
                                   "mobile_confirm": "Le numéro de portable commence par 06 ou 07"}),
    (NEW_MOBILE, "0799887767", {"mobile": "",
                                "mobile_confirm": "Les 2 numéros ne sont pas les mêmes. "
                                                  "Écrivez 2 fois le même numéro"}),
    ("06 11 22 33 44", OLD_MOBILE, {"mobile": "C’est déjà votre numéro. Écrivez le nouveau numéro",
                                    "mobile_confirm": ""}),
])
def test_the_new_mobile_form_says_what_to_fix(patient, notifier, mobile, confirm, expected):
    sent_before = len(notifier.outbox)
    page = patient.submit("/mon-dmp/informations/telephone", {"mobile": mobile, "mobile_confirm": confirm})
    assert page.status_code == 200
    assert page.soup.title.get_text().startswith("Erreur : Changer mon numéro de portable")
    assert errors(page.soup, "mobile", "mobile_confirm") == expected
    assert summary_links(page.soup) == [m for m in expected.values() if m]
    assert len(notifier.outbox) == sent_before  # no code sent


@pytest.mark.parametrize("email, confirm, expected", [
    ("", "", {"email": "Écrivez votre nouvelle adresse e-mail",
              "email_confirm": "Écrivez encore une fois cette adresse"}),
    ("fatima", "fatima", {"email": "Cette adresse n’est pas complète. Par exemple : prenom.nom@exemple.fr",
                          "email_confirm": "Cette adresse n’est pas complète. Par exemple : prenom.nom@exemple.fr"}),
    ("fatimà@example.org", NEW_EMAIL, {"email": "Écrivez l’adresse e-mail sans accent", "email_confirm": ""}),
    # the form refuses what the e-mail sender would refuse: no code could ever reach it
    ("jean@exemple_sante.fr", "jean@exemple_sante.fr", {
        "email": "Cette adresse a un signe qui n’est pas permis. Par exemple : prenom.nom@exemple.fr",
        "email_confirm": "Cette adresse a un signe qui n’est pas permis. Par exemple : prenom.nom@exemple.fr"}),
    (NEW_EMAIL, "autre@example.org", {"email": "", "email_confirm":
                                      "Les 2 adresses ne sont pas les mêmes. Écrivez 2 fois la même adresse"}),
    ("Fatima.Roche@example.org", OLD_EMAIL, {"email": "C’est déjà votre adresse. Écrivez la nouvelle adresse",
                                             "email_confirm": ""}),
])
def test_the_new_email_form_says_what_to_fix(patient, notifier, email, confirm, expected):
    sent_before = len(notifier.outbox)
    page = patient.submit("/mon-dmp/informations/e-mail", {"email": email, "email_confirm": confirm})
    assert page.soup.title.get_text().startswith("Erreur : Changer mon adresse e-mail")
    assert errors(page.soup, "email", "email_confirm") == expected
    assert len(notifier.outbox) == sent_before


def test_a_new_mobile_gets_the_code_and_only_the_right_code_changes_it(patient, notifier, app):
    sent_before = len(notifier.outbox)
    step1 = patient.submit("/mon-dmp/informations/telephone", {"mobile": "07 99 88 77 66",
                                                                "mobile_confirm": "+33799887766"})
    assert step1.headers["Location"] == "/mon-dmp/informations/telephone/code"
    new_messages = notifier.outbox[sent_before:]
    assert [type(m).__name__ for m in new_messages] == ["Sms"]
    assert new_messages[0].to == NEW_MOBILE  # the new number, never the old one nor the e-mail
    assert "nouveau numéro" in new_messages[0].body
    assert account(app).mobile == OLD_MOBILE  # nothing changes before the code comes back

    page = patient.get("/mon-dmp/informations/telephone/code").soup
    assert "par SMS au 07 99 88 77 66" in page.main.get_text(" ", strip=True)
    assert page.find(id="code")["autocomplete"] == "one-time-code"
    wrong = patient.submit("/mon-dmp/informations/telephone/code", {"code": "0000 0000"})
    assert field_error(wrong.soup, "code") == "Ce code n’est pas le bon. Il vous reste 4 essais"
    assert wrong.soup.title.get_text().startswith("Erreur : ")
    short = patient.submit("/mon-dmp/informations/telephone/code", {"code": "123"})
    assert field_error(short.soup, "code") == "Le code a 8 chiffres. Vous en avez écrit 3"
    assert account(app).mobile == OLD_MOBILE

    done = patient.submit("/mon-dmp/informations/telephone/code", {"code": notifier.last_otp()},
                          follow_redirects=True)
    assert flash(done) == "Votre numéro de portable est changé."
    assert done.soup.find(id="mobile-actuel").get_text(strip=True) == "07 99 88 77 66"
    assert account(app).mobile == NEW_MOBILE and account(app).otp is None  # the code worked once
    warning = notifier.outbox[-1]  # the old number learns that it no longer gets the codes
    assert type(warning).__name__ == "Sms" and warning.to == OLD_MOBILE
    assert "vient de changer" in warning.body and "caisse" in warning.body
    assert "99 88" not in warning.body and "99887766" not in warning.body  # never the new number
    assert patient.get("/mon-dmp/informations/telephone/code").headers["Location"] == "/mon-dmp/informations/telephone"

    entries = journal(app)
    actions = [e.action for e in entries]
    assert actions[-3:] == ["otp_sent", "otp_wrong", "contact_changed"]
    changed = entries[-1]
    assert changed.allowed and changed.actor_kind == "holder" and changed.detail == {"note": "mobile_changed"}
    assert NEW_MOBILE not in "".join(str(e.detail) + e.reason for e in entries)
    assert app.extensions["dmp.repos"].journal.check(DOSSIER) is None


def test_five_wrong_codes_void_it_and_nothing_changes_until_a_new_code(patient, notifier, app, clock):
    patient.submit("/mon-dmp/informations/telephone", {"mobile": NEW_MOBILE, "mobile_confirm": NEW_MOBILE})
    right = notifier.last_otp()
    wrong = str((int(right) + 1) % 100_000_000).zfill(8)
    messages = [field_error(patient.submit("/mon-dmp/informations/telephone/code", {"code": wrong}).soup, "code")
                for _ in range(5)]
    assert messages == [
        "Ce code n’est pas le bon. Il vous reste 4 essais",
        "Ce code n’est pas le bon. Il vous reste 3 essais",
        "Ce code n’est pas le bon. Il vous reste 2 essais",
        "Ce code n’est pas le bon. Il vous reste 1 essai",
        "Ce code ne marche plus après 5 erreurs. Demandez un nouveau code",
    ]
    late = patient.submit("/mon-dmp/informations/telephone/code", {"code": right})
    assert field_error(late.soup, "code") == "Ce code ne marche plus après 5 erreurs. Demandez un nouveau code"
    assert account(app).mobile == OLD_MOBILE
    assert [e.action for e in journal(app)][-6:] == ["otp_wrong"] * 4 + ["otp_void", "otp_void"]

    sent_before = len(notifier.outbox)
    token = patient.csrf_token("/mon-dmp/informations/telephone/code")
    too_soon = patient.post("/mon-dmp/informations/telephone/code/nouveau", data={"csrf_token": token},
                            follow_redirects=True)
    assert flash(too_soon) == "Attendez encore 60 secondes avant de demander un nouveau code."
    assert len(notifier.outbox) == sent_before
    clock.advance(seconds=61)
    again = patient.post("/mon-dmp/informations/telephone/code/nouveau", data={"csrf_token": token},
                         follow_redirects=True)
    assert flash(again) == "Nous avons envoyé un nouveau code. Il remplace l’ancien."
    assert [m.to for m in notifier.outbox[sent_before:]] == [NEW_MOBILE]
    done = patient.submit("/mon-dmp/informations/telephone/code", {"code": notifier.last_otp()})
    assert done.headers["Location"] == "/mon-dmp/informations"
    assert account(app).mobile == NEW_MOBILE


def test_a_code_older_than_10_minutes_no_longer_works(patient, notifier, app, clock):
    patient.submit("/mon-dmp/informations/e-mail", {"email": NEW_EMAIL, "email_confirm": NEW_EMAIL})
    code = notifier.last_otp()
    clock.advance(minutes=10)
    late = patient.submit("/mon-dmp/informations/e-mail/code", {"code": code})
    assert field_error(late.soup, "code") == ("Ce code a plus de 10 minutes : il ne marche plus. "
                                              "Demandez un nouveau code")
    assert account(app).email == OLD_EMAIL


def test_just_under_10_minutes_the_code_still_works(patient, notifier, app, clock):
    patient.submit("/mon-dmp/informations/e-mail", {"email": NEW_EMAIL, "email_confirm": NEW_EMAIL})
    clock.advance(minutes=9, seconds=59)
    done = patient.submit("/mon-dmp/informations/e-mail/code", {"code": notifier.last_otp()})
    assert done.headers["Location"] == "/mon-dmp/informations"
    assert account(app).email == NEW_EMAIL


def test_a_new_email_gets_the_code_and_the_next_login_codes_go_there(patient, notifier, app):
    sent_before = len(notifier.outbox)
    patient.submit("/mon-dmp/informations/e-mail", {"email": NEW_EMAIL.upper(), "email_confirm": NEW_EMAIL})
    sent = notifier.outbox[sent_before:]
    assert [(type(m).__name__, m.to) for m in sent] == [("Email", NEW_EMAIL)]
    assert "nouvelle adresse e-mail" in sent[0].body
    page = patient.get("/mon-dmp/informations/e-mail/code").soup
    assert f"par e-mail à {NEW_EMAIL}" in page.main.get_text(" ", strip=True)
    done = patient.submit("/mon-dmp/informations/e-mail/code", {"code": notifier.last_otp()}, follow_redirects=True)
    assert flash(done) == "Votre adresse e-mail est changée."
    assert account(app).email == NEW_EMAIL
    assert journal(app)[-1].detail == {"note": "email_changed"}

    log_out(patient, "/mon-dmp")
    before = len(notifier.outbox)
    patient.submit("/connexion", {"login_id": "fro7510", "password": "demo-dmp-2026"})
    assert [m.to for m in notifier.outbox[before:]] == [NEW_EMAIL]
    assert patient.submit("/connexion/code", {"code": notifier.last_otp()}).headers["Location"] == "/mon-dmp"


def test_with_codes_by_sms_the_next_login_code_goes_to_the_new_mobile(client, notifier, app):
    with app.extensions["dmp.repos"].accounts.updating(DOSSIER) as acc:
        acc.otp_channel = "sms"
    patient_log_in(client, notifier)
    client.submit("/mon-dmp/informations/telephone", {"mobile": NEW_MOBILE, "mobile_confirm": NEW_MOBILE})
    client.submit("/mon-dmp/informations/telephone/code", {"code": notifier.last_otp()})
    log_out(client, "/mon-dmp")
    before = len(notifier.outbox)
    client.submit("/connexion", {"login_id": "fro7510", "password": "demo-dmp-2026"})
    assert [(type(m).__name__, m.to) for m in notifier.outbox[before:]] == [("Sms", NEW_MOBILE)]
    assert client.submit("/connexion/code", {"code": notifier.last_otp()}).headers["Location"] == "/mon-dmp"


def test_a_code_sent_to_one_number_never_confirms_another(app, notifier):
    with app.test_request_context():
        wishes_service.send_contact_code(ctx(), DOSSIER, "mobile", NEW_MOBILE)
        code = notifier.last_otp()
        check, _ = wishes_service.confirm_contact(ctx(), DOSSIER, "mobile", "0600000001", code)
        assert check.value == "missing"
        assert account(app).mobile == OLD_MOBILE
        check, _ = wishes_service.confirm_contact(ctx(), DOSSIER, "email", NEW_EMAIL, code)
        assert check.value == "missing" and account(app).email == OLD_EMAIL
        check, _ = wishes_service.confirm_contact(ctx(), DOSSIER, "mobile", NEW_MOBILE, code)
        assert check.value == "ok" and account(app).mobile == NEW_MOBILE


def test_asking_for_another_new_number_within_a_minute_is_refused_plainly(patient, notifier, clock):
    patient.submit("/mon-dmp/informations/telephone", {"mobile": NEW_MOBILE, "mobile_confirm": NEW_MOBILE})
    clock.advance(seconds=20)
    again = patient.submit("/mon-dmp/informations/telephone", {"mobile": "0700000002", "mobile_confirm": "0700000002"})
    assert field_error(again.soup, "mobile") == (
        "Attendez encore 40 secondes avant de demander un nouveau code")
    # the code page still waits for the first number
    page = patient.get("/mon-dmp/informations/telephone/code").soup
    assert "07 99 88 77 66" in page.main.get_text(" ", strip=True)


def test_the_code_pages_send_back_to_the_first_step_when_nothing_is_pending(patient):
    for _kind, path in (("telephone", "/mon-dmp/informations/telephone"), ("e-mail", "/mon-dmp/informations/e-mail")):
        assert patient.get(f"{path}/code").headers["Location"] == path
        token = patient.csrf_token(path)
        assert patient.post(f"{path}/code/nouveau", data={"csrf_token": token}).headers["Location"] == path


def test_a_pending_mobile_does_not_open_the_email_code_page(patient):
    patient.submit("/mon-dmp/informations/telephone", {"mobile": NEW_MOBILE, "mobile_confirm": NEW_MOBILE})
    assert patient.get("/mon-dmp/informations/e-mail/code").headers["Location"] == "/mon-dmp/informations/e-mail"


# -- Volontés et droits -------------------------------------------------------------------------

SEED_LABELS = ["Définir une personne de confiance", "Définir une personne en cas d’urgence"]


def test_the_wishes_summary_links_to_each_page_with_the_words_of_the_guide(patient):
    page = patient.get("/mon-dmp/volontes").soup
    assert page.h1.get_text(strip=True) == "Volontés et droits"
    links = {a.get_text(strip=True): a["href"] for a in page.main.find_all("a")}
    assert links[SEED_LABELS[0]] == "/mon-dmp/volontes/personne-de-confiance"
    assert links[SEED_LABELS[1]] == "/mon-dmp/volontes/personne-a-prevenir"
    assert links["Écrire ou joindre mes directives anticipées"] == "/mon-dmp/volontes/directives-anticipees"
    assert links["Dire mon choix sur le don d’organes"] == "/mon-dmp/volontes/don-d-organes"
    assert links["Écrire mon groupe sanguin et mes allergies"] == "/mon-dmp/volontes/groupe-sanguin-et-allergies"
    text = page.main.get_text(" ", strip=True)
    assert "Vous n’avez pas encore de personne de confiance." in text
    assert "Un médecin le vérifiera avant de vous soigner." in text


@pytest.mark.parametrize("data, expected", [
    ({"name": "", "link": "", "phone": ""},
     {"name": "Écrivez le prénom et le nom de votre personne de confiance", "link": "",
      "phone": "Écrivez le numéro de téléphone de votre personne de confiance"}),
    ({"name": "Paul Roche", "link": "", "phone": "01 23"},
     {"name": "", "link": "", "phone": "Le numéro de téléphone a 10 chiffres. Vous en avez écrit 4"}),
    ({"name": "Paul Roche", "link": "", "phone": "01 AB 45 67 89"},
     {"name": "", "link": "", "phone": "Le numéro de téléphone s’écrit avec des chiffres seulement"}),
    ({"name": "Paul Roche", "link": "", "phone": "1123456789"},
     {"name": "", "link": "", "phone": "Le numéro de téléphone commence par 0, puis un chiffre de 1 à 9"}),
    ({"name": "P" * 101, "link": "x" * 61, "phone": "0123456789"},
     {"name": "Le nom doit avoir 100 caractères au plus", "link": "Écrivez ce lien en 60 caractères au plus",
      "phone": ""}),
])
def test_the_trusted_person_form_says_what_to_fix(patient, app, data, expected):
    page = patient.submit("/mon-dmp/volontes/personne-de-confiance", data)
    assert page.soup.title.get_text().startswith("Erreur : Ma personne de confiance")
    assert errors(page.soup, "name", "link", "phone") == expected
    assert wishes(app).trusted_person.name == ""


def test_the_trusted_person_is_saved_sealed_and_journaled(patient, app):
    page = patient.get("/mon-dmp/volontes/personne-de-confiance").soup
    assert (page.find("label", attrs={"for": "link"}).get_text(strip=True)
            == "Qui est cette personne pour vous ? (facultatif)")
    saved = patient.submit("/mon-dmp/volontes/personne-de-confiance",
                           {"name": " Paul Roche ", "link": "mon mari", "phone": "+33 1 23 45 67 89"},
                           follow_redirects=True)
    assert flash(saved) == "Votre personne de confiance est enregistrée."
    section = saved.soup.find(id="confiance").find_next("dl").get_text(" ", strip=True)
    assert section == "Prénom et nom Paul Roche Qui est-ce pour vous ? mon mari Téléphone 01 23 45 67 89"
    assert wishes(app).trusted_person.phone == "0123456789"
    entry = last_manage(app)
    assert (entry.allowed, entry.actor_kind, entry.actor_id) == (True, "holder", DOSSIER)
    assert entry.detail == {"code": "holder", "change": {"what": "trusted_person_set"}}
    form = patient.get("/mon-dmp/volontes/personne-de-confiance").soup
    assert form.find(id="name")["value"] == "Paul Roche"  # the form shows what is saved


def test_wishes_are_never_in_clear_in_the_store(patient, app):
    patient.submit("/mon-dmp/volontes/personne-de-confiance",
                   {"name": "Paulette Zorglub", "link": "ma sœur Kiwiana", "phone": "0145678901"})
    patient.submit("/mon-dmp/volontes/personne-a-prevenir",
                   {"same_person": "other", "name": "Octave Quenouille", "link": "", "phone": "0612121212"})
    patient.submit("/mon-dmp/volontes/directives-anticipees", {"text": "Pas d'acharnement thérapeutique Xylophage"})
    patient.submit("/mon-dmp/volontes/groupe-sanguin-et-allergies",
                   {"blood_group": "AB-", "allergies": "Pénicilline et Ornithorynque"})
    assert wishes(app).allergies == "Pénicilline et Ornithorynque"
    raw = everything_stored(app)
    for secret in ("Zorglub", "Kiwiana", "Quenouille", "0612121212", "0145678901", "Xylophage", "Ornithorynque",
                   "acharnement"):
        assert secret.encode() not in raw, secret
    assert wishes(app).trusted_person.name == "Paulette Zorglub"  # stored, sealed, and it opens


def test_without_a_trusted_person_the_emergency_contact_needs_a_name_and_a_phone(patient, app):
    page = patient.get("/mon-dmp/volontes/personne-a-prevenir").soup
    assert page.find("input", attrs={"name": "same_person"}) is None
    blank = patient.submit("/mon-dmp/volontes/personne-a-prevenir", {"name": "", "link": "", "phone": ""})
    assert errors(blank.soup, "name", "phone") == {
        "name": "Écrivez le prénom et le nom de la personne à prévenir",
        "phone": "Écrivez le numéro de téléphone de la personne à prévenir",
    }
    assert blank.soup.find("label", attrs={"for": "name"}).get_text(strip=True) == "Prénom et nom"
    saved = patient.submit("/mon-dmp/volontes/personne-a-prevenir",
                           {"name": "Léa Roche", "link": "ma fille", "phone": "0611111111"}, follow_redirects=True)
    assert flash(saved) == "La personne à prévenir en cas d’urgence est enregistrée."
    assert "Léa Roche" in saved.soup.find(id="urgence").find_next("dl").get_text()
    assert wishes(app).contact_to_call().name == "Léa Roche"


def test_the_emergency_contact_can_be_the_trusted_person(patient, app):
    patient.submit("/mon-dmp/volontes/personne-de-confiance", {"name": "Paul Roche", "link": "", "phone": "0612345678"})
    page = patient.get("/mon-dmp/volontes/personne-a-prevenir").soup
    label = page.find("label", attrs={"for": "same_person"}).get_text(strip=True)
    assert label == "Qui faut-il prévenir en cas d’urgence ?"
    options = [(o["value"], o.get_text(strip=True)) for o in page.find(id="same_person").find_all("option")]
    assert options == [("", "Choisissez dans la liste"),  # nothing chosen by default, in lynx too
                       ("same", "C’est la même personne que ma personne de confiance"),
                       ("other", "C’est une autre personne")]
    assert page.find(id="same_person").find("option", selected=True) is None

    nothing = patient.submit("/mon-dmp/volontes/personne-a-prevenir", {"name": "", "phone": ""})
    assert errors(nothing.soup, "same_person", "name", "phone") == {
        "same_person": "Choisissez qui prévenir : votre personne de confiance ou une autre personne",
        "name": "Écrivez le prénom et le nom de la personne à prévenir",
        "phone": "Écrivez le numéro de téléphone de la personne à prévenir",
    }
    assert nothing.soup.select_one(".error-summary a")["href"] == "#same_person"
    other = patient.submit("/mon-dmp/volontes/personne-a-prevenir", {"same_person": "other", "name": "", "phone": ""})
    assert errors(other.soup, "same_person", "name") == {
        "same_person": "", "name": "Écrivez le prénom et le nom de la personne à prévenir"}

    same = patient.submit("/mon-dmp/volontes/personne-a-prevenir", {"same_person": "same", "name": "", "phone": ""},
                          follow_redirects=True)
    assert flash(same) == "La personne à prévenir en cas d’urgence est enregistrée."
    assert "C’est votre personne de confiance : Paul Roche." in same.soup.main.get_text(" ", strip=True)
    assert wishes(app).emergency_contact_is_trusted_person
    assert wishes(app).contact_to_call().phone == "0612345678"
    assert last_manage(app).detail["change"] == {"what": "emergency_contact_is_trusted_person"}
    again = patient.get("/mon-dmp/volontes/personne-a-prevenir").soup
    assert again.find(id="same_person").find("option", selected=True)["value"] == "same"

    # no trusted person any more: they stay the person to call
    removed = patient.submit("/mon-dmp/volontes/personne-de-confiance", {"remove": "1"}, follow_redirects=True)
    assert flash(removed) == "Vous n’avez plus de personne de confiance dans votre DMP."
    assert not wishes(app).trusted_person.is_set and not wishes(app).emergency_contact_is_trusted_person
    assert wishes(app).contact_to_call().name == "Paul Roche"
    assert "Vous n’avez pas encore de personne de confiance." in removed.soup.main.get_text(" ", strip=True)

    gone = patient.submit("/mon-dmp/volontes/personne-a-prevenir", {"remove": "1"}, follow_redirects=True)
    assert flash(gone) == "Vous n’avez plus de personne à prévenir en cas d’urgence dans votre DMP."
    assert not wishes(app).contact_to_call().is_set


def test_typed_advance_directives_are_saved_shown_and_erased(patient, app):
    page = patient.get("/mon-dmp/volontes/directives-anticipees").soup
    assert "vos choix écrits sur vos soins en fin de vie" in page.main.get_text(" ", strip=True)
    blank = patient.submit("/mon-dmp/volontes/directives-anticipees", {"text": "  "})
    assert field_error(blank.soup, "text") == "Écrivez vos directives anticipées ou joignez un fichier"
    too_long = patient.submit("/mon-dmp/volontes/directives-anticipees", {"text": "x" * 20_001})
    assert field_error(too_long.soup, "text") == "Le texte doit avoir 20 000 caractères au plus"
    saved = patient.submit("/mon-dmp/volontes/directives-anticipees",
                           {"text": "Je ne veux pas de réanimation.\nJe veux rester chez moi."}, follow_redirects=True)
    assert flash(saved) == "Vos directives anticipées sont enregistrées."
    shown = [p.get_text() for p in saved.soup.find(id="directives-ecrites").find_all("p")]
    assert shown == ["Je ne veux pas de réanimation.", "Je veux rester chez moi."]
    assert last_manage(app).detail["change"] == {"what": "advance_directives_written"}
    erased = patient.submit("/mon-dmp/volontes/directives-anticipees", {"remove": "1"}, follow_redirects=True)
    assert flash(erased) == "Vos directives anticipées écrites sont effacées."
    assert wishes(app).advance_directives == ""
    assert ("Vous n’avez pas encore de directives anticipées dans votre DMP."
            in erased.soup.main.get_text(" ", strip=True))


def post_file(client, path, name, data, **fields):
    return client.post(path, data={"csrf_token": client.csrf_token(path), "text": "", **fields,
                                   "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def test_advance_directives_as_a_file_become_a_document_the_attending_doctor_reads(patient, notifier, app):
    path = "/mon-dmp/volontes/directives-anticipees"
    documents_before = len(app.extensions["dmp.repos"].documents.list(DOSSIER))
    refused = post_file(patient, path, "virus.exe", b"MZ\x90\x00binary")
    assert field_error(refused.soup, "file") == (
        "Ce type de fichier n’est pas accepté. Choisissez un fichier PDF, JPEG, PNG ou texte")
    assert len(app.extensions["dmp.repos"].documents.list(DOSSIER)) == documents_before

    added = post_file(patient, path, "mes directives.pdf", PDF)
    assert flash(added) == "Vos directives anticipées sont enregistrées."
    document = next(d for d in app.extensions["dmp.repos"].documents.list(DOSSIER)
                    if d.type_code == "advance_directives")
    assert ((document.title, document.author_kind, document.author_id)
            == ("Mes directives anticipées", "holder", DOSSIER))
    assert wishes(app).advance_directives == ""  # a file only: nothing typed was saved
    link = added.soup.find("a", href=f"/mon-dmp/documents/{document.id}")
    assert link.get_text(" ", strip=True).startswith("Mes directives anticipées, ajouté le ")
    writes = [e for e in journal(app) if e.action == "write_document"]
    assert writes[-1].allowed and writes[-1].detail["document"] == document.id
    assert any(e.action == "list_documents" and e.actor_kind == "holder" for e in journal(app)[-3:])
    log_out(patient, "/mon-dmp")

    pro_log_in(patient, notifier, DURAND)  # the médecin traitant
    dossier = patient.get(f"/pro/dmp/{DOSSIER}").soup
    assert dossier.find("a", string="Mes directives anticipées") is not None
    read = patient.get(f"/pro/dmp/{DOSSIER}/documents/{document.id}")
    assert read.status_code == 200
    download = patient.get(f"/pro/dmp/{DOSSIER}/documents/{document.id}/fichier")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    log_out(patient, "/pro")
    pro_log_in(patient, notifier, PETIT)  # a pharmacist's profession does not read directives
    assert patient.get(f"/pro/dmp/{DOSSIER}/documents/{document.id}").status_code == 403


def test_organ_donation_choice(patient, app):
    page = patient.get("/mon-dmp/volontes/don-d-organes").soup
    labels = [label.get_text(strip=True) for label in page.select(".choice__label")]
    assert labels == ["Oui, je veux donner mes organes", "Non, je ne veux pas donner mes organes",
                      "Je ne veux pas le dire"]
    assert page.find(id="choice-2").has_attr("checked")  # nothing said yet
    for sent in ({}, {"choice": "peut-être"}):
        wrong = patient.submit("/mon-dmp/volontes/don-d-organes", sent)
        assert field_error(wrong.soup, "choice") == "Choisissez une réponse : oui, non, ou je ne veux pas le dire"
    saved = patient.submit("/mon-dmp/volontes/don-d-organes", {"choice": "no"}, follow_redirects=True)
    assert flash(saved) == "Votre choix sur le don d’organes est enregistré."
    assert "Vous avez dit non : vous ne voulez pas donner vos organes." in saved.soup.main.get_text(" ", strip=True)
    assert wishes(app).organ_donation == "no"
    assert last_manage(app).detail["change"] == {"what": "organ_donation_set"}
    patient.submit("/mon-dmp/volontes/don-d-organes", {"choice": "yes"})
    assert patient.get("/mon-dmp/volontes/don-d-organes").soup.find(id="choice-0").has_attr("checked")


def test_blood_group_and_allergies_as_the_patient_states_them(patient, app):
    page = patient.get("/mon-dmp/volontes/groupe-sanguin-et-allergies").soup
    text = page.main.get_text(" ", strip=True)
    assert "Un médecin vérifiera votre groupe sanguin et vos allergies avant de vous soigner." in text
    assert page.find("input", attrs={"value": "unknown"}).has_attr("checked")
    for sent in ({"allergies": ""}, {"blood_group": "Z+", "allergies": ""}):
        wrong = patient.submit("/mon-dmp/volontes/groupe-sanguin-et-allergies", sent)
        assert field_error(wrong.soup, "blood_group") == "Choisissez votre groupe sanguin, ou « Je ne le connais pas »"
    too_long = patient.submit("/mon-dmp/volontes/groupe-sanguin-et-allergies",
                              {"blood_group": "O-", "allergies": "a" * 2_001})
    assert field_error(too_long.soup, "allergies") == "Écrivez vos allergies en 2 000 caractères au plus"
    saved = patient.submit("/mon-dmp/volontes/groupe-sanguin-et-allergies",
                           {"blood_group": "O-", "allergies": "Pénicilline"}, follow_redirects=True)
    assert flash(saved) == "Votre groupe sanguin et vos allergies sont enregistrés."
    facts = saved.soup.find(id="sante").find_next("dl").get_text(" ", strip=True)
    assert facts == "Groupe sanguin O- Allergies connues Pénicilline"
    assert (wishes(app).blood_group, wishes(app).allergies) == ("O-", "Pénicilline")
    assert last_manage(app).detail["change"] == {"what": "health_facts_set"}


def test_every_change_of_the_wishes_is_a_manage_decision_in_the_journal(patient, app):
    before = len(journal(app))
    patient.submit("/mon-dmp/volontes/personne-de-confiance", {"name": "Paul Roche", "link": "", "phone": "0612345678"})
    patient.submit("/mon-dmp/volontes/personne-a-prevenir", {"same_person": "same"})
    patient.submit("/mon-dmp/volontes/directives-anticipees", {"text": "Rien de spécial."})
    patient.submit("/mon-dmp/volontes/don-d-organes", {"choice": "yes"})
    patient.submit("/mon-dmp/volontes/groupe-sanguin-et-allergies", {"blood_group": "A+", "allergies": ""})
    manage = [e for e in journal(app)[before:] if e.action == "manage"]
    assert [e.detail["change"]["what"] for e in manage] == [
        "trusted_person_set", "emergency_contact_is_trusted_person", "advance_directives_written",
        "organ_donation_set", "health_facts_set",
    ]
    assert all(e.allowed and e.actor_kind == "holder" and e.actor_id == DOSSIER for e in manage)
    assert app.extensions["dmp.repos"].journal.check(DOSSIER) is None


WISHES_PAGES = [
    "/mon-dmp/informations", "/mon-dmp/informations/telephone", "/mon-dmp/informations/e-mail",
    "/mon-dmp/volontes", "/mon-dmp/volontes/personne-de-confiance", "/mon-dmp/volontes/personne-a-prevenir",
    "/mon-dmp/volontes/directives-anticipees", "/mon-dmp/volontes/don-d-organes",
    "/mon-dmp/volontes/groupe-sanguin-et-allergies",
]


def test_the_pages_are_for_the_logged_in_holder_only(client, notifier, app):
    for path in WISHES_PAGES:
        assert client.get(path).headers["Location"].startswith("/connexion"), path
    before = wishes(app)
    token = client.csrf_token("/connexion")
    for path in WISHES_PAGES[1:3] + WISHES_PAGES[4:]:
        response = client.post(path, data={"csrf_token": token, "name": "Intrus", "phone": "0612345678",
                                           "choice": "yes", "blood_group": "A+", "text": "x",
                                           "mobile": NEW_MOBILE, "mobile_confirm": NEW_MOBILE})
        assert response.status_code == 302, path
    pro_log_in(client, notifier, DURAND)
    for path in WISHES_PAGES:
        assert client.get(path).headers["Location"] == "/connexion", path
    assert wishes(app) == before and account(app).otp is None


def test_a_new_email_address_is_told_to_the_old_one_without_naming_the_new(patient, notifier, app):
    patient.submit("/mon-dmp/informations/e-mail", {"email": NEW_EMAIL, "email_confirm": NEW_EMAIL})
    assert notifier.outbox[-1].to == NEW_EMAIL
    patient.submit("/mon-dmp/informations/e-mail/code", {"code": notifier.last_otp()})
    assert account(app).email == NEW_EMAIL
    warning = notifier.outbox[-1]
    assert (type(warning).__name__, warning.to) == ("Email", OLD_EMAIL)
    assert "vient de changer" in warning.body and NEW_EMAIL not in warning.body + warning.subject


@pytest.mark.parametrize("problem", ["gateway down", "number the gateway refuses"])
def test_the_change_stands_when_the_old_number_cannot_be_warned(patient, notifier, app, monkeypatch, problem):
    from dmp_web.notify import DeliveryFailed

    patient.submit("/mon-dmp/informations/telephone", {"mobile": NEW_MOBILE, "mobile_confirm": NEW_MOBILE})
    code = notifier.last_otp()

    def gateway_down(sms):
        if problem == "gateway down":
            raise DeliveryFailed(f"SMS to {sms.to}: gateway down")
        raise ValueError("not a French mobile number")  # what the real senders raise on a bad value

    monkeypatch.setattr(notifier.sms, "send", gateway_down)
    done = patient.submit("/mon-dmp/informations/telephone/code", {"code": code}, follow_redirects=True)
    assert flash(done) == "Votre numéro de portable est changé."
    assert account(app).mobile == NEW_MOBILE


def test_each_wish_says_who_may_see_it_from_the_table_the_policy_reads(patient):
    from dmp_web.domain.habilitations import wish_readers_in_words
    from dmp_web.domain.wishes import WishItem

    main = patient.get("/mon-dmp/volontes").soup.main
    said = " ".join(main.get_text(" ").split())
    assert "Les professionnels de santé qui vous soignent peuvent lire ces informations." not in said
    for item in WishItem:
        words = wish_readers_in_words(item)
        assert f"{words[0].upper()}{words[1:]} peuvent le voir." in said, item
    assert "Les médecins et les infirmiers peuvent le voir." in said  # the typed directives
