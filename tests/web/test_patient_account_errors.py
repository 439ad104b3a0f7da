"""Every bad input gets its exact French message next to its field; codes expire, work once,
and die after 5 wrong tries; 5 wrong passwords lock the account for 15 minutes."""
import json

import pytest

from dmp_web.web.messages import WRONG_LOGIN
from dmp_web.web.creation import NO_MATCH

from ..conftest import field_error
from .patient_journey import (JEANNE, MARCEL, NEW_PASSWORD, ask_creation_code, create_dossier, first_connection, log_in,
                              submit_creation)

KID = "112013306307811"  # Lucas Moreau, born 2012


def test_someone_who_already_has_a_dmp_is_told_by_e_mail_and_their_history_shows_it(client, notifier, app):
    created = create_dossier(client, notifier)
    sent = len(notifier.outbox)
    page = ask_creation_code(client)
    assert page.headers["Location"] == "/creer/code/envoye"  # the same page as for anyone
    assert len(notifier.outbox) == sent + 1 and "Vous avez déjà un DMP" in notifier.outbox[-1].body
    assert notifier.outbox[-1].to == MARCEL.email and created.login_id not in notifier.outbox[-1].body
    dossier = app.extensions["dmp.repos"].dossiers.find_by_nir(MARCEL.nir)
    last = app.extensions["dmp.repos"].journal.entries(dossier.id)[-1]
    assert (last.action, last.allowed, last.actor_kind) == ("creation_code_requested", False, "anonymous")


def _creation_form(code, **overrides):
    data = {
        "code": code, "nir": MARCEL.nir, "vitale_type": MARCEL.vitale_type,
        "vitale_serial": MARCEL.vitale_serial, "mobile": "0612345678", "email": "", "accept_terms": "y",
    }
    data.update(overrides)
    return data


def refusal(page) -> str:
    """The one message of a refused creation, on « Vérifiez vos réponses » (its error summary)."""
    assert page.soup.find("h1").get_text(strip=True) == "Vérifiez vos réponses"
    return " ".join(a.get_text(strip=True) for a in page.soup.select(".error-summary a"))


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"code": ""}, "code", "Écrivez le code reçu par e-mail ou par courrier"),
        ({"code": "ABCD EFGH"}, "code", "Le code a 12 caractères. Vous en avez écrit 8"),
        ({"vitale_type": ""}, "vitale_type", "Appuyez sur Sans photo ou sur Avec photo"),
        ({"vitale_type": "hologram"}, "vitale_type", "Appuyez sur Sans photo ou sur Avec photo"),
        ({"vitale_serial": "12345"}, "vitale_serial", "Le numéro de série a 16 chiffres. Vous en avez écrit 5"),
        ({"vitale_serial": "12345678901234AB"}, "vitale_serial",
         "Le numéro de série s’écrit avec des chiffres seulement"),
        ({"mobile": "", "email": ""}, "mobile", "Écrivez votre numéro de portable ou votre adresse e-mail"),
        ({"mobile": "0123456789"}, "mobile", "Le numéro de portable commence par 06 ou 07"),
        ({"mobile": "06123"}, "mobile", "Le numéro de portable a 10 chiffres. Vous en avez écrit 5"),
        ({"email": "marcel@"}, "email", "Cette adresse n’est pas complète. Par exemple : prenom.nom@exemple.fr"),
        ({"accept_terms": ""}, "accept_terms", "Cochez la case pour accepter les conditions d’utilisation"),
        ({"vitale_serial": "9999999999999999"}, "code", NO_MATCH),
        ({"vitale_type": "without_photo"}, "code", NO_MATCH),
    ],
)
def test_each_bad_creation_input_gets_its_message(client, notifier, overrides, field, message):
    ask_creation_code(client)
    page = submit_creation(client, {**_creation_form(notifier.last_creation_code()), **overrides})
    assert page.status_code == 200
    assert (refusal(page) if message == NO_MATCH else field_error(page.soup, field)) == message
    assert page.soup.title.get_text().startswith("Erreur : ")


def test_a_creation_code_works_once(client, notifier, app):
    ask_creation_code(client)
    code = notifier.last_creation_code()
    assert submit_creation(client, _creation_form(code)).status_code == 302
    app.extensions["dmp.repos"].dossiers._by_nir.delete(MARCEL.nir)  # as if the DMP were not there
    page = submit_creation(client, _creation_form(code))
    assert refusal(page) == NO_MATCH


def test_a_creation_code_expires_after_60_days(client, notifier, clock):
    ask_creation_code(client)
    code = notifier.last_creation_code()
    clock.advance(days=60)
    page = submit_creation(client, _creation_form(code))
    assert refusal(page) == NO_MATCH


def test_a_new_creation_code_does_not_void_the_one_already_sent(client, notifier):
    ask_creation_code(client)
    first = notifier.last_creation_code()
    ask_creation_code(client)
    assert notifier.last_creation_code() != first
    assert submit_creation(client, _creation_form(first)).headers["Location"] == "/creer/termine"


def test_creation_codes_go_at_most_3_a_day_by_e_mail_whoever_asks(client, notifier, clock):
    for _ in range(10):
        ask_creation_code(client)
    codes = [m for m in notifier.outbox if "Voici votre code pour créer votre DMP" in m.body]
    assert len(codes) == 3
    clock.advance(days=1)
    ask_creation_code(client)
    assert len([m for m in notifier.outbox if "Voici votre code pour créer votre DMP" in m.body]) == 4


def test_a_creation_code_dies_after_5_wrong_tries(client, notifier):
    ask_creation_code(client)
    good = notifier.last_creation_code()
    messages = [
        refusal(submit_creation(client, _creation_form("AAAA" * 3))) for _ in range(5)
    ]
    assert messages == [NO_MATCH] * 5
    page = submit_creation(client, _creation_form(good))
    assert refusal(page) == NO_MATCH


# -- login ------------------------------------------------------------------------------------

@pytest.fixture
def created(client, notifier):
    return create_dossier(client, notifier)


def test_a_wrong_password_or_unknown_identifier_get_the_same_message(client, created):
    for login_id, password in ((created.login_id, "faux"), ("zzz0000", created.initial_password)):
        page = client.submit("/connexion", {"login_id": login_id, "password": password})
        assert field_error(page.soup, "password") == WRONG_LOGIN
    blank = client.submit("/connexion", {})
    assert field_error(blank.soup, "login_id") == "Écrivez votre identifiant"
    assert field_error(blank.soup, "password") == "Écrivez votre mot de passe"


def test_wrong_passwords_slow_the_next_try_tell_the_owner_and_never_lock_them_out(client, notifier, clock, created):
    for n in range(5):
        page = client.submit("/connexion", {"login_id": created.login_id, "password": f"faux {n}"})
        assert field_error(page.soup, "password") == WRONG_LOGIN
        clock.advance(seconds=30)
    assert "plusieurs mots de passe faux" in notifier.outbox[-1].body  # the owner is told, at the fifth
    told = len(notifier.outbox)
    client.submit("/connexion", {"login_id": created.login_id, "password": "faux 6"})
    too_soon = client.submit("/connexion", {"login_id": created.login_id, "password": created.initial_password})
    assert field_error(too_soon.soup, "password") == WRONG_LOGIN  # not checked: tried before the wait
    assert len(notifier.outbox) == told  # told once, not at every try
    clock.advance(seconds=30)  # the longest wait there is
    assert log_in(client, notifier, created.login_id, created.initial_password).status_code == 302


def _start_login(client, created):
    client.submit("/connexion", {"login_id": created.login_id, "password": created.initial_password})


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", "Écrivez le code à 8 chiffres que vous avez reçu"),
        ("1234", "Le code a 8 chiffres. Vous en avez écrit 4"),
        ("1234abcd", "Le code s’écrit avec des chiffres seulement"),
    ],
)
def test_a_badly_typed_code_gets_its_message(client, created, typed, message):
    _start_login(client, created)
    page = client.submit("/connexion/code", {"code": typed})
    assert field_error(page.soup, "code") == message


def test_the_code_field_allows_paste_and_says_it_is_a_one_time_code(client, created):
    _start_login(client, created)
    field = client.get("/connexion/code").soup.find(id="code")
    assert (field["autocomplete"], field["inputmode"]) == ("one-time-code", "numeric")
    assert not field.has_attr("onpaste") and not field.has_attr("maxlength")


def test_a_one_time_code_is_void_after_5_wrong_tries(client, notifier, created):
    _start_login(client, created)
    good = notifier.last_otp()
    wrong = "00000000" if good != "00000000" else "11111111"
    errors = [field_error(client.submit("/connexion/code", {"code": wrong}).soup, "code") for _ in range(5)]
    assert errors[0] == "Ce code n’est pas le bon. Il vous reste 4 essais"
    assert errors[-1] == "Ce code ne marche plus après 5 erreurs. Demandez un nouveau code"
    page = client.submit("/connexion/code", {"code": good})
    assert field_error(page.soup, "code") == "Ce code ne marche plus après 5 erreurs. Demandez un nouveau code"


def test_a_one_time_code_lasts_10_minutes_and_works_once(client, notifier, clock, created):
    _start_login(client, created)
    code = notifier.last_otp()
    clock.advance(minutes=10)
    page = client.submit("/connexion/code", {"code": code})
    assert field_error(page.soup, "code") == ("Ce code a plus de 10 minutes : il ne marche plus. "
                                              "Demandez un nouveau code")
    client.post("/connexion/code/nouveau", data={"csrf_token": client.csrf_token("/connexion/code")})
    fresh = notifier.last_otp()
    assert client.submit("/connexion/code", {"code": fresh}).status_code == 302
    client.post("/deconnexion", data={"csrf_token": client.csrf_token("/mon-dmp/premiere-connexion/coordonnees")})
    _start_login(client, created)
    assert notifier.last_otp() != fresh


def test_a_new_code_can_be_asked_only_after_60_seconds(client, notifier, clock, created):
    _start_login(client, created)
    sent = len(notifier.outbox)
    page = client.post(
        "/connexion/code/nouveau", data={"csrf_token": client.csrf_token("/connexion/code")}, follow_redirects=True
    )
    assert "Attendez encore 60 secondes" in page.soup.select_one("[aria-live]").get_text()
    assert len(notifier.outbox) == sent
    clock.advance(seconds=60)
    page = client.post(
        "/connexion/code/nouveau", data={"csrf_token": client.csrf_token("/connexion/code")}, follow_redirects=True
    )
    assert "Nous avons envoyé un nouveau code" in page.soup.select_one("[aria-live]").get_text()
    assert len(notifier.outbox) == sent + 1


def test_a_session_ends_after_15_idle_minutes(client, notifier, clock, created):
    log_in(client, notifier, created.login_id, created.initial_password)
    first_connection(client, created)
    clock.advance(minutes=14)
    assert client.get("/mon-dmp").status_code == 200
    clock.advance(minutes=15, seconds=1)
    page = client.get("/mon-dmp", follow_redirects=True)
    assert page.soup.h1.get_text(strip=True) == "Me connecter à mon DMP"
    assert "rien fait pendant 15 minutes" in page.soup.select_one("[aria-live]").get_text()


def test_first_connection_refuses_bad_inputs_with_their_messages(client, notifier, created):
    log_in(client, notifier, created.login_id, created.initial_password)
    step1 = client.submit("/mon-dmp/premiere-connexion/coordonnees", {
        "mobile": "0612345678", "mobile_confirm": "0612345679", "email": "a@b.fr", "email_confirm": "",
    })
    assert field_error(step1.soup, "mobile_confirm") == ("Les 2 numéros ne sont pas les mêmes. "
                                                         "Écrivez 2 fois le même numéro")
    assert field_error(step1.soup, "email_confirm") == "Écrivez encore une fois votre adresse e-mail"
    assert client.get("/mon-dmp/premiere-connexion/urgence").headers["Location"].endswith("/coordonnees")
    client.submit("/mon-dmp/premiere-connexion/coordonnees", {
        "mobile": "0612345678", "mobile_confirm": "0612345678", "email": "a@b.fr", "email_confirm": "A@b.fr",
    })
    base = {"current_password": created.initial_password, "channel": "sms"}
    cases = [
        ({"new_password": "court", "new_password_confirm": "court"}, "new_password",
         "Le mot de passe doit avoir au moins 12 caractères"),
        ({"new_password": f"mon {created.login_id} a moi", "new_password_confirm": f"mon {created.login_id} a moi"},
         "new_password", "Le mot de passe ne doit pas contenir votre identifiant"),
        ({"new_password": created.initial_password, "new_password_confirm": created.initial_password},
         "new_password", "Le nouveau mot de passe doit être différent de l’ancien"),
        ({"new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD + "x"},
         "new_password_confirm", "Les 2 mots de passe ne sont pas les mêmes. Écrivez 2 fois le même"),
        ({"new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD, "current_password": "faux"},
         "current_password", "Ce mot de passe n’est pas le bon. Vérifiez votre lettre"),
        ({"new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD, "channel": ""},
         "channel", "Choisissez comment recevoir vos codes : par SMS ou par e-mail"),
    ]
    for overrides, field, message in cases:
        page = client.submit("/mon-dmp/premiere-connexion/mot-de-passe", {**base, **overrides})
        assert field_error(page.soup, field) == message, overrides
    page = client.submit("/mon-dmp/premiere-connexion/mot-de-passe",
                         {**base, "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD})
    assert page.headers["Location"].endswith("/urgence")
    blank = client.submit("/mon-dmp/premiere-connexion/urgence", {})
    assert field_error(blank.soup, "regulator_access") == "Appuyez sur Oui ou sur Non"


def test_forgotten_password_sends_a_code_then_sets_a_new_password(client, notifier, app, created):
    sent = len(notifier.outbox)
    wrong = client.submit("/mot-de-passe-oublie", {"login_id": created.login_id, "nir": JEANNE.nir})
    assert wrong.headers["Location"] == "/mot-de-passe-oublie/code" and len(notifier.outbox) == sent  # nothing sent
    assert client.submit("/mot-de-passe-oublie", {"login_id": created.login_id, "nir": MARCEL.nir}).status_code == 302
    assert client.get("/mot-de-passe-oublie/nouveau").headers["Location"] == "/mot-de-passe-oublie"
    assert client.submit("/mot-de-passe-oublie/code", {"code": notifier.last_otp()}).status_code == 302
    done = client.submit("/mot-de-passe-oublie/nouveau",
                         {"new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD},
                         follow_redirects=True)
    assert "Votre mot de passe est changé" in done.soup.select_one("[aria-live]").get_text()
    assert log_in(client, notifier, created.login_id, NEW_PASSWORD).status_code == 302


def test_forgotten_identifier_is_sent_by_the_chosen_channel(client, notifier, created):
    form = {"nir": MARCEL.nir, "vitale_serial": MARCEL.vitale_serial}
    sent = len(notifier.outbox)
    wrong = client.submit("/identifiant-oublie", {**form, "vitale_serial": "1" * 16, "channel": "sms"})
    assert wrong.headers["Location"] == "/identifiant-oublie/envoye" and len(notifier.outbox) == sent
    client.submit("/identifiant-oublie", {**form, "channel": "email"})  # no e-mail known: by SMS instead
    assert created.login_id in notifier.outbox[-1].body and notifier.outbox[-1].to == "0612345678"
    sms = client.submit("/identifiant-oublie", {**form, "channel": "sms"}, follow_redirects=True)
    assert "nous envoyons son identifiant par SMS" in sms.soup.main.get_text(" ")
    assert created.login_id in notifier.outbox[-1].body
    post = client.submit("/identifiant-oublie", {**form, "channel": "post"}, follow_redirects=True)
    assert "par courrier" in post.soup.main.get_text(" ")
    assert notifier.letters.list()[-1]["kind"] == "identifier"


def test_no_secret_is_stored_in_clear(client, notifier, app, tmp_path, created):
    log_in(client, notifier, created.login_id, created.initial_password)
    otp = notifier.last_otp()
    ask_creation_code(client, JEANNE)  # a creation code sits in the store too
    secrets_typed = [created.initial_password, otp, NEW_PASSWORD]
    first_connection(client, created)
    stored = "\n".join(p.read_text(encoding="utf-8") for p in (tmp_path / "data").rglob("*.json"))
    shard = app.extensions["dmp.repos"].accounts._by_login.shard_of(created.login_id)
    assert json.loads((tmp_path / "data" / "keyed" / "account-by-login").joinpath(*shard).read_text())
    for secret in secrets_typed:
        assert secret not in stored
    assert "scrypt$" in stored


def test_a_password_reset_before_step_2_is_the_current_password_of_step_2(client, notifier, created):
    client.submit("/mot-de-passe-oublie", {"login_id": created.login_id, "nir": MARCEL.nir})
    client.submit("/mot-de-passe-oublie/code", {"code": notifier.last_otp()})
    client.submit("/mot-de-passe-oublie/nouveau", {"new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD})
    log_in(client, notifier, created.login_id, NEW_PASSWORD)
    client.submit("/mon-dmp/premiere-connexion/coordonnees", {
        "mobile": "0612345678", "mobile_confirm": "0612345678", "email": "a@b.fr", "email_confirm": "a@b.fr",
    })
    page = client.get("/mon-dmp/premiere-connexion/mot-de-passe").soup
    assert "Vous l’avez changé après un oubli ? Écrivez le nouveau." in page.find(id="current_password-hint").get_text()
    other = NEW_PASSWORD + " encore"
    done = client.submit("/mon-dmp/premiere-connexion/mot-de-passe", {
        "current_password": NEW_PASSWORD, "new_password": other, "new_password_confirm": other, "channel": "sms",
    })
    assert done.headers["Location"].endswith("/urgence")


def test_the_last_try_is_said_in_the_singular(client, notifier, created):
    _start_login(client, created)
    good = notifier.last_otp()
    wrong = "00000000" if good != "00000000" else "11111111"
    errors = [field_error(client.submit("/connexion/code", {"code": wrong}).soup, "code") for _ in range(4)]
    assert errors[-1] == "Ce code n’est pas le bon. Il vous reste 1 essai"


def test_after_10_codes_in_a_day_the_login_says_to_come_back_tomorrow_and_sends_nothing(client, notifier, clock,
                                                                                        created):
    for _ in range(10):
        assert client.submit("/connexion", {"login_id": created.login_id, "password": created.initial_password}
                             ).headers["Location"] == "/connexion/code"
        clock.advance(seconds=61)
    sent = len(notifier.outbox)
    page = client.submit("/connexion", {"login_id": created.login_id, "password": created.initial_password})
    assert field_error(page.soup, "password") == "Vous avez reçu beaucoup de codes aujourd’hui. Réessayez demain"
    assert len(notifier.outbox) == sent
    clock.advance(days=1)
    assert log_in(client, notifier, created.login_id, created.initial_password).status_code == 302


def test_an_expired_login_code_is_journaled(client, notifier, clock, created, app):
    client.submit("/connexion", {"login_id": created.login_id, "password": created.initial_password})
    code = notifier.last_otp()
    clock.advance(minutes=11)
    client.submit("/connexion/code", {"code": code})
    dossier = app.extensions["dmp.repos"].accounts.find_by_login(created.login_id).dossier_id
    last = app.extensions["dmp.repos"].journal.entries(dossier)[-1]
    assert (last.action, last.allowed, last.reason) == ("otp_wrong", False, "code de plus de 10 minutes")


@pytest.mark.parametrize("password, message", [
    ("aaaaaaaaaaaa", "N’écrivez pas la même lettre plusieurs fois, ni 1234 ou azerty"),
    ("motdepasse123", "Ce mot de passe est parmi les plus utilisés. Choisissez-en un autre"),
    ("Dupuis1948marcel", "N’y mettez pas votre nom, votre date de naissance ni votre numéro"),
    (MARCEL.nir, "N’y mettez pas votre nom, votre date de naissance ni votre numéro"),
])
def test_a_common_repeated_or_personal_password_is_refused_and_says_why(client, notifier, created, password, message):
    client.submit("/mot-de-passe-oublie", {"login_id": created.login_id, "nir": MARCEL.nir})
    client.submit("/mot-de-passe-oublie/code", {"code": notifier.last_otp()})
    page = client.submit("/mot-de-passe-oublie/nouveau", {"new_password": password, "new_password_confirm": password})
    assert field_error(page.soup, "new_password") == message
    good = client.submit("/mot-de-passe-oublie/nouveau", {"new_password": NEW_PASSWORD,
                                                          "new_password_confirm": NEW_PASSWORD})
    assert good.headers["Location"] == "/connexion"


def test_the_first_connection_s_password_step_shows_every_error_at_once(client, notifier, app):
    created = create_dossier(client, notifier)
    log_in(client, notifier, created.login_id, created.initial_password)
    client.submit("/mon-dmp/premiere-connexion/coordonnees", {
        "mobile": "0612345678", "mobile_confirm": "0612345678", "email": "", "email_confirm": ""})
    page = client.submit("/mon-dmp/premiere-connexion/mot-de-passe", {
        "current_password": "PAS LE BON", "new_password": "azertyazerty", "new_password_confirm": "azertyazerty"})
    assert field_error(page.soup, "current_password") == "Ce mot de passe n’est pas le bon. Vérifiez votre lettre"
    assert field_error(page.soup, "new_password")  # the new one's problem too, on the same try
    summary = [a["href"] for a in page.soup.select(".error-summary a")]
    assert summary == ["#current_password", "#new_password"]


def test_a_new_password_after_a_reset_shows_every_problem_at_once(client, notifier, app):
    from dmp_web.services import patient_login
    from dmp_web.services.login import Refused
    from dmp_web.web.deps import ctx

    created = create_dossier(client, notifier)
    dossier = app.extensions["dmp.repos"].dossiers.find_by_nir(MARCEL.nir)
    with app.test_request_context(), pytest.raises(Refused) as refused:
        patient_login.finish_password_reset(ctx(), dossier.id, created.login_id + "1")
    # too short and holding the identifier: both said on the same try
    assert (refused.value.code, refused.value.details["problems"]) == ("refused", ["short", "identifier"])
