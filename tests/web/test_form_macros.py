"""Form macros: label, hint, error next to the field, error summary, fieldset for radios."""
from ..conftest import field_error


def test_a_blank_form_is_sent_back_with_an_error_summary_and_errors_next_to_each_field(client):
    response = client.submit("/essai/formulaire", {})
    soup = response.soup
    assert response.status_code == 200
    assert soup.title.get_text().startswith("Erreur : ")
    summary = soup.select_one(".error-summary")
    assert summary is not None and summary.has_attr("autofocus")
    links = {a["href"]: a.get_text(strip=True) for a in summary.find_all("a")}
    assert links == {
        "#name": "Écrivez votre nom",
        "#mobile": "Écrivez votre numéro de portable",
        "#channel-0": "Choisissez comment recevoir le code",
        "#accept": "Cochez la case pour accepter les règles",
    }
    for href in links:
        assert soup.find(id=href[1:]) is not None
    assert field_error(soup, "name") == "Écrivez votre nom"
    assert soup.find(id="name")["aria-invalid"] == "true"
    assert soup.find(id="mobile")["aria-describedby"] == "mobile-hint mobile-error"


def test_fields_carry_their_autocomplete_and_inputmode(client):
    soup = client.get("/essai/formulaire").soup
    mobile = soup.find(id="mobile")
    assert (mobile["type"], mobile["autocomplete"], mobile["inputmode"]) == ("tel", "tel", "tel")
    assert soup.find(id="name")["autocomplete"] == "family-name"
    assert soup.find("label", attrs={"for": "note"}).get_text(strip=True) == "Un message (facultatif)"


def test_radio_buttons_sit_in_a_fieldset_with_a_legend(client):
    soup = client.get("/essai/formulaire").soup
    fieldset = soup.find(id="channel-0").find_parent("fieldset")
    assert fieldset.legend.get_text(strip=True) == "Comment voulez-vous recevoir le code ?"
    assert [label.get_text(strip=True) for label in fieldset.find_all("label")] == ["Par SMS", "Par e-mail"]


def test_a_valid_form_goes_through_and_the_message_is_announced(client):
    response = client.submit(
        "/essai/formulaire",
        {"name": "Martin", "mobile": "0612345678", "channel": "sms", "accept": "y"},
        follow_redirects=True,
    )
    soup = response.soup
    assert not soup.select(".error-summary")
    live = soup.select_one("[aria-live=polite]")
    assert live.get_text(strip=True) == "C’est enregistré."


def test_values_typed_are_kept_when_the_form_comes_back_with_errors(client):
    soup = client.submit("/essai/formulaire", {"name": "Martin", "channel": "email"}).soup
    assert soup.find(id="name")["value"] == "Martin"
    assert soup.find(id="channel-1").has_attr("checked")
    assert field_error(soup, "name") == ""


def test_fields_checked_by_our_validators_are_marked_required_not_optional(client):
    from .patient_journey import CREATION_PAGES, MARCEL

    answers = {"code": "ABCD EFGH JKLM", "nir": MARCEL.nir, "vitale_type": MARCEL.vitale_type,
               "vitale_serial": MARCEL.vitale_serial, "mobile": "0612345678", "email": ""}
    pages = {}
    for path, names in CREATION_PAGES[:5]:  # one question per page: each is reached by answering the one before
        pages.update({name: client.get(path).soup for name in names})
        client.submit(path, {name: answers[name] for name in names})
    for field_id in ("code", "nir", "vitale_serial"):
        label = pages[field_id].find("label", attrs={"for": field_id}).get_text(strip=True)
        assert "(facultatif)" not in label, label
        assert pages[field_id].find(id=field_id).has_attr("required")
    # the mobile and the e-mail are each optional: one of the two is enough
    assert pages["mobile"].find("label", attrs={"for": "mobile"}).get_text(strip=True).endswith("(facultatif)")
