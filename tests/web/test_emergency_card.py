"""« Ma carte d’urgence » through the real routes, on both stores: the choices saved sealed with
the wishes, the errors in French, and the PDF read back from the PDF: its front holds exactly
the chosen facts, its QR code (the image taken out of the PDF, decoded by zxing-cpp) holds the
same text, the sheet is a tagged A4 with its fonts embedded and large type. Each read and each
download is a journaled decision of the patient's side, told in the history."""
from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
import zxingcpp
from pdfminer.pdftypes import resolve1
from PIL import Image

from dmp_web.demo import DEMO_LOGIN
from dmp_web.domain.details import read_detail
from dmp_web.domain.emergency_card import MIN_POINTS, TITLE
from dmp_web.formatting import nir_spaced
from dmp_web.pdf.card import FACE_HEIGHT_MM, FACE_WIDTH_MM, MM
from dmp_web.services import history

from ..conftest import field_error
from ..stored import everything_stored
from .pro_journey import DOSSIER, DURAND, journal, log_out, pro_log_in

BOTH_STORES = True

PAGE = "/mon-dmp/volontes/carte-d-urgence"
PDF = "/mon-dmp/volontes/carte-d-urgence.pdf"
ALL = ["blood_group", "allergies", "treatments", "emergency_contact", "advance_directives", "health_id"]
TREATMENTS = "Insuline le matin, Kardegic 75 mg"
PLACE = "chez ma fille Anne"


def patient_log_in(client, notifier):
    client.submit("/connexion", {"login_id": DEMO_LOGIN["login_id"], "password": DEMO_LOGIN["password"]})
    response = client.submit("/connexion/code", {"code": notifier.last_otp()})
    assert response.headers["Location"] == "/mon-dmp"


@pytest.fixture
def patient(client, notifier):
    patient_log_in(client, notifier)
    return client


@pytest.fixture
def wishes_written(patient):
    """The wishes the card prints from, written on their own pages."""
    assert patient.submit("/mon-dmp/volontes/groupe-sanguin-et-allergies",
                          {"blood_group": "O-", "allergies": "pénicilline\narachides"}).status_code == 302
    assert patient.submit("/mon-dmp/volontes/personne-a-prevenir",
                          {"name": "Paul Roche", "link": "mon mari", "phone": "06 11 22 33 44"}).status_code == 302
    return patient


def ins(app) -> str:
    return app.extensions["dmp.repos"].dossiers.get(DOSSIER).ins


def saved(app):
    return app.extensions["dmp.repos"].wishes.get(DOSSIER)


def choose(client, facts, treatments="", where="dmp", place="", follow=False):
    return client.submit(PAGE, {"facts": facts, "treatments": treatments, "directives_where": where,
                                "directives_place": place}, follow_redirects=follow)


def card_entries(app) -> list[tuple[str, bool, str]]:
    """The journal's card entries: (action, allowed, note or change)."""
    found = []
    for entry in journal(app):
        detail = read_detail(entry.detail)
        what = detail.note or (detail.change.what if detail.change else "")
        if what.startswith("emergency_card"):
            found.append((entry.action, entry.allowed, what))
    return found


# -- the page ------------------------------------------------------------------------------------

def test_the_card_is_reached_from_the_home_page_and_from_volontes_et_droits(patient):
    home = patient.get("/mon-dmp").soup
    assert home.find(id="menu-dmp").find("a", string="Ma carte d’urgence")["href"] == PAGE
    summary = patient.get("/mon-dmp/volontes").soup
    assert summary.find(id="carte").find_next("a")["href"] == PAGE
    page = patient.get(PAGE).soup
    assert page.h1.get_text(strip=True) == "Ma carte d’urgence"
    assert "un médecin ou le SAMU la lit" in page.main.get_text(" ", strip=True)
    assert page.find(id="ma-carte").find_next("p").get_text(strip=True) == "Vous n’avez pas encore fait votre carte."
    assert page.find("a", string="Télécharger ma carte (PDF)") is None  # nothing chosen: nothing to print


def test_each_box_says_what_it_would_print(wishes_written, app):
    page = wishes_written.get(PAGE).soup
    boxes = {box["value"]: box for box in page.select("input[name=facts]")}
    assert list(boxes) == ALL
    assert not any(box.has_attr("checked") for box in boxes.values())  # nothing ticked before a choice

    def hint(value):
        return page.find(id=boxes[value]["aria-describedby"]).get_text(" ", strip=True)

    assert hint("blood_group") == "Vous avez écrit : O− (négatif)."
    assert hint("allergies") == "Vous avez écrit : pénicilline, arachides."
    assert hint("emergency_contact") == "C’est Paul Roche (mon mari), 06 11 22 33 44."
    assert hint("health_id") == f"INS (identifiant national de santé) : {nir_spaced(ins(app))}."


def test_the_choices_are_saved_sealed_journaled_and_come_back_ticked(wishes_written, app):
    done = choose(wishes_written, ["treatments", "blood_group", "advance_directives"], TREATMENTS, "elsewhere",
                  PLACE, follow=True)
    flash = done.soup.select_one("[aria-live]").get_text(strip=True)
    assert flash == "Les choix de votre carte d’urgence sont enregistrés."
    kept = saved(app)
    assert kept.card.facts == ["blood_group", "treatments", "advance_directives"]  # the card's order
    assert kept.card.directives_place == PLACE and kept.current_treatments == TREATMENTS
    assert kept.blood_group == "O-" and kept.allergies == "pénicilline\narachides"  # the other wishes stay
    raw = everything_stored(app)
    for clear in (TREATMENTS, "Kardegic", PLACE):
        assert clear.encode() not in raw, clear
    page = done.soup
    assert [b["value"] for b in page.select("input[name=facts][checked]")] == [
        "blood_group", "treatments", "advance_directives"]
    assert page.find(id="treatments").get_text().strip() == TREATMENTS
    assert page.find(id="directives_where-1").has_attr("checked")
    assert page.find(id="directives_place")["value"] == PLACE
    assert [li.get_text(strip=True) for li in page.select("#carte-lignes li")] == [
        TITLE, "Fatima ROCHE", "Date de naissance : 21 mai 1975", "Groupe sanguin : O− (négatif)",
        f"Traitements : {TREATMENTS}", f"Directives anticipées : {PLACE}"]
    assert page.find("a", string="Télécharger ma carte (PDF)")["href"] == PDF
    assert ("manage", True, "emergency_card_set") in card_entries(app)


def test_directives_in_the_dmp_print_that_sentence(wishes_written, app):
    choose(wishes_written, ["advance_directives"], where="dmp", place="ce texte ne compte pas")
    assert saved(app).card.directives_place == ""
    lines = [li.get_text(strip=True) for li in wishes_written.get(PAGE).soup.select("#carte-lignes li")]
    assert lines[-1] == "Directives anticipées : dans mon DMP"


@pytest.mark.parametrize("facts, treatments, where, place, field, message", [
    ([], "", "dmp", "", "facts", "Cochez au moins 1 information à mettre sur votre carte"),
    (["treatments"], "x" * 201, "dmp", "", "treatments",
     "Écrivez vos traitements en 200 caractères au plus. Vous en avez écrit 201"),
    (["treatments"], "  ", "dmp", "", "treatments",
     "Écrivez vos traitements en cours, ou ne cochez pas la case des traitements"),
    (["advance_directives"], "", "elsewhere", " ", "directives_place", "Écrivez où sont vos directives anticipées"),
    (["advance_directives"], "", "elsewhere", "y" * 81, "directives_place",
     "Écrivez cet endroit en 80 caractères au plus. Vous en avez écrit 81"),
    (["health_id", "organ_donation"], "", "dmp", "", None, None),  # an unknown box is dropped: the rest saves
])
def test_the_form_says_what_to_fix_and_keeps_nothing(patient, app, facts, treatments, where, place, field, message):
    before = saved(app)
    response = choose(patient, facts, treatments, where, place)
    if field is None:
        assert response.status_code == 302 and saved(app).card.facts == ["health_id"]
        return
    assert response.status_code == 200
    page = response.soup
    assert page.title.get_text().startswith("Erreur : Ma carte d’urgence")
    assert field_error(page, field) == message
    assert [a.get_text(strip=True) for a in page.select(".error-summary a")] == [message]
    anchor = page.select_one(".error-summary a")["href"]
    assert page.find(id=anchor[1:]) is not None  # the summary's link reaches its field
    assert saved(app) == before


@pytest.mark.parametrize("fact, message", [
    ("blood_group", "Vous n’avez pas écrit votre groupe sanguin."),
    ("allergies", "Vous n’avez pas écrit vos allergies."),
    ("emergency_contact", "Vous n’avez pas de personne à prévenir."),
])
def test_a_fact_with_nothing_written_is_refused_never_printed_empty(patient, app, fact, message):
    page = choose(patient, [fact, "health_id"]).soup
    assert field_error(page, "facts").startswith(message)
    assert "ou ne cochez pas cette case" in field_error(page, "facts")
    assert saved(app).card.facts == []


def test_a_card_too_full_for_its_face_is_refused(patient, app):
    long_allergies = " ".join(["pénicilline, amoxicilline, arachides, noix de cajou, latex"] * 6)
    assert patient.submit("/mon-dmp/volontes/groupe-sanguin-et-allergies",
                          {"blood_group": "A+", "allergies": long_allergies}).status_code == 302
    page = choose(patient, ALL[:3] + ["health_id"], "x " * 90).soup
    assert field_error(page, "facts").startswith("Votre carte est trop pleine.")
    assert saved(app).card.facts == []
    assert choose(patient, ["blood_group", "health_id"]).status_code == 302  # fewer facts fit


def test_a_card_the_wishes_no_longer_make_is_not_offered_and_its_pdf_sends_back(wishes_written, app):
    assert choose(wishes_written, ["emergency_contact"]).status_code == 302
    wishes_written.submit("/mon-dmp/volontes/personne-a-prevenir", {"remove": "1"})
    page = wishes_written.get(PAGE).soup
    assert page.find(id="carte-a-revoir").get_text(" ", strip=True).startswith(
        "Votre carte ne peut pas être imprimée pour le moment. Vous n’avez pas de personne à prévenir.")
    assert page.find("a", string="Télécharger ma carte (PDF)") is None
    response = wishes_written.get(PDF)
    assert response.status_code == 302 and response.headers["Location"] == PAGE + "#ma-carte"


# -- the PDF ---------------------------------------------------------------------------------------

def download(client, tmp_path: Path, name="carte.pdf") -> Path:
    response = client.get(PDF)
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="carte-d-urgence.pdf"'
    path = tmp_path / name
    path.write_bytes(response.data)
    return path


def faces(path: Path) -> tuple[str, str, str, dict]:
    """The text of the front, of the back and of the whole sheet, and the QR image's place."""
    with pdfplumber.open(path) as doc:
        assert len(doc.pages) == 1
        page = doc.pages[0]
        (image,) = page.images
        # the back's QR code sits 3 mm in from the back's top-left corner: the faces are found from it
        top, back_left = image["top"] - 3 * MM, image["x0"] - 3 * MM
        front = (back_left - FACE_WIDTH_MM * MM, top, back_left, top + FACE_HEIGHT_MM * MM)
        back = (back_left, top, back_left + FACE_WIDTH_MM * MM, top + FACE_HEIGHT_MM * MM)
        return (page.crop(front).extract_text(), page.crop(back).extract_text(), page.extract_text(),
                {"front": front, "back": back, "image": image})


def one_line(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def qr_text(path: Path) -> str:
    """The QR code decoded from the image the PDF holds (no rendering: the embedded pixels)."""
    with pdfplumber.open(path) as doc:
        (image,) = doc.pages[0].images
        pixels = Image.frombytes("RGB", image["srcsize"], image["stream"].get_data())
    (found,) = zxingcpp.read_barcodes(pixels)
    assert found.format == zxingcpp.BarcodeFormat.QRCode
    return found.text


def expected_front(app, *lines: str) -> list[str]:
    return [TITLE, "Fatima ROCHE", "Date de naissance : 21 mai 1975", *lines]


@pytest.mark.parametrize("facts, lines, absent", [
    (ALL, lambda app: ["Groupe sanguin : O− (négatif)", "Allergies : pénicilline, arachides",
                       f"Traitements : {TREATMENTS}", "À prévenir : Paul Roche (mon mari), 06 11 22 33 44",
                       f"Directives anticipées : {PLACE}",
                       f"INS (identifiant national de santé) : {nir_spaced(ins(app))}"], []),
    (["allergies", "emergency_contact"], lambda app: [
        "Allergies : pénicilline, arachides", "À prévenir : Paul Roche (mon mari), 06 11 22 33 44"],
     ["Groupe sanguin", "négatif", "Traitements", "Kardegic", "Directives", PLACE, "INS-C"]),
])
def test_the_pdf_holds_exactly_the_chosen_facts_and_its_qr_code_the_same_text(
        wishes_written, app, tmp_path, facts, lines, absent):
    assert choose(wishes_written, facts, TREATMENTS, "elsewhere", PLACE).status_code == 302
    path = download(wishes_written, tmp_path)
    front, back, whole, _ = faces(path)
    wanted = expected_front(app, *lines(app))
    # each chosen line, in order, and nothing else (lines broken to fit are joined back)
    assert one_line(front) == one_line(" ".join(wanted))
    for word in absent:
        assert word not in whole, word
    made = f"Carte faite le {_today(app)}."
    assert one_line(made) in one_line(back)
    assert "Ce code QR redit le devant de la carte." in one_line(back)
    assert qr_text(path) == "\n".join([*wanted, made])  # the same text, plain, no address to visit
    assert "http" not in qr_text(path) and "www" not in qr_text(path)


def _today(app) -> str:
    from dmp_web.domain.dates import local_day
    from dmp_web.formatting import date_fr

    return date_fr(local_day(app.extensions["dmp.clock"]()))


def test_a_qr_code_of_other_text_would_not_pass(wishes_written, app, tmp_path, monkeypatch):
    """Guards the guard: the decoding really reads the image, so a QR code of other text fails."""
    from dmp_web.pdf import card

    assert choose(wishes_written, ["blood_group"]).status_code == 302
    real = card.qr_png
    monkeypatch.setattr(card, "qr_png", lambda text: real(text.replace("O−", "A+")))
    decoded = qr_text(download(wishes_written, tmp_path))
    assert "Groupe sanguin : A+ (négatif)" in decoded and "O−" not in decoded


def poppler(tool: str, path: Path) -> str:
    return subprocess.run([tool, str(path)], capture_output=True, text=True, check=True).stdout


def test_the_sheet_is_a_tagged_a4_pdf_in_french_with_its_fonts_embedded(wishes_written, tmp_path):
    assert choose(wishes_written, ALL, TREATMENTS, "dmp").status_code == 302
    path = download(wishes_written, tmp_path)
    info = poppler("pdfinfo", path)
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(r"^Title:\s+Ma carte d’urgence$", info, re.M)  # no name in the metadata
    assert re.search(r"^Page size:\s+595\.\d* x 841\.\d* pts \(A4\)", info, re.M)
    rows = poppler("pdffonts", path).splitlines()[2:]
    fonts = {row.split()[0].split("+")[-1]: row.split()[-5] for row in rows}  # name -> "emb"
    assert fonts == {"Atkinson-Hyperlegible": "yes", "Atkinson-Hyperlegible-Bold": "yes"}
    with pdfplumber.open(path) as doc:
        assert resolve1(doc.doc.catalog["Lang"]) == b"fr"
        assert "StructTreeRoot" in doc.doc.catalog
        assert figures_alt(doc) == ["Code QR : il redit le texte du devant de la carte."]


def figures_alt(doc) -> list[str]:
    from .test_guides import figures_alt as alts

    return alts(doc)


def _sizes_inside(path: Path, box: tuple) -> Counter:
    """The sizes of the characters in a face, after checking that every one of them is inside it."""
    x0, top, x1, bottom = box
    with pdfplumber.open(path) as doc:
        chars = [c for c in doc.pages[0].chars
                 if c["x0"] < x1 and c["x1"] > x0 and c["bottom"] > top and c["top"] < bottom]
        for char in chars:
            assert x0 <= char["x0"] and char["x1"] <= x1 and top <= char["top"] and char["bottom"] <= bottom, char
    return Counter(round(char["size"], 1) for char in chars)


def test_the_front_prints_in_the_largest_type_that_fits_and_never_under_9_points(wishes_written, tmp_path):
    assert choose(wishes_written, ["blood_group"]).status_code == 302
    few = download(wishes_written, tmp_path, "few.pdf")
    assert choose(wishes_written, ALL, TREATMENTS, "elsewhere", PLACE).status_code == 302
    many = download(wishes_written, tmp_path, "many.pdf")
    few_sizes = _sizes_inside(few, faces(few)[3]["front"])
    many_sizes = _sizes_inside(many, faces(many)[3]["front"])
    assert min(many_sizes) >= MIN_POINTS and min(few_sizes) > min(many_sizes)
    assert min(few_sizes) >= 14  # a short card prints big
    back = _sizes_inside(many, faces(many)[3]["back"])
    assert min(back) >= MIN_POINTS
    with pdfplumber.open(many) as doc:
        sheet = Counter(round(c["size"], 1) for c in doc.pages[0].chars)
    assert min(sheet) >= MIN_POINTS


def test_the_faces_have_a_bank_cards_size_with_a_cutting_line_and_marks(wishes_written, tmp_path):
    assert choose(wishes_written, ["blood_group"]).status_code == 302
    path = download(wishes_written, tmp_path)
    box = faces(path)[3]
    x0, top, _, bottom = box["front"]
    x1 = box["back"][2]
    with pdfplumber.open(path) as doc:
        page = doc.pages[0]
        strokes = page.lines + page.rects + page.edges
        edges = [(round(e["x0"] / MM, 1), round(e["top"] / MM, 1), round(e["x1"] / MM, 1), round(e["bottom"] / MM, 1))
                 for e in page.edges]

    def near(a, b, tolerance=0.6):
        return abs(a - b) <= tolerance

    assert strokes
    width, height = (x1 - x0) / MM, (bottom - top) / MM
    assert near(width, 2 * FACE_WIDTH_MM, 0.1) and near(height, FACE_HEIGHT_MM, 0.1)
    # the cutting line all around, the fold between the faces, and marks outside each outer corner
    left, right, upper, lower = x0 / MM, x1 / MM, top / MM, bottom / MM
    horizontal = [e for e in edges if near(e[1], e[3], 0.3)]
    vertical = [e for e in edges if near(e[0], e[2], 0.3)]
    assert any(near(e[0], left) and near(e[2], right) and near(e[1], upper) for e in horizontal)
    assert any(near(e[0], left) and near(e[2], right) and near(e[1], lower) for e in horizontal)
    assert any(near(e[0], left + FACE_WIDTH_MM) and e[1] <= upper + 0.6 and e[3] >= lower - 0.6 for e in vertical)
    for x in (left, right):
        for y in (upper, lower):
            assert any(near(e[1], y) and (e[2] <= left or e[0] >= right) and
                       (near(e[2], x - 1.5) or near(e[0], x + 1.5)) for e in horizontal), (x, y)
            assert any(near(e[0], x) and (e[3] <= upper or e[1] >= lower) for e in vertical), (x, y)


# -- who may, and the history ------------------------------------------------------------------

def test_every_read_and_download_is_journaled_and_told_in_the_history(wishes_written, app, tmp_path):
    wishes_written.get(PAGE)
    assert choose(wishes_written, ["blood_group"]).status_code == 302
    download(wishes_written, tmp_path)
    entries = card_entries(app)
    assert entries[0] == ("export", True, "emergency_card_read")
    assert ("manage", True, "emergency_card_set") in entries
    assert entries[-1] == ("export", True, "emergency_card_pdf")
    said = [history.describe(e, titles={}, professionals={}).text for e in journal(app)
            if read_detail(e.detail).note.startswith("emergency_card") or (
                read_detail(e.detail).change and read_detail(e.detail).change.what == "emergency_card_set")]
    assert said[0].startswith("Vous avez regardé votre carte d’urgence le ")
    assert any(s.startswith("Vous avez téléchargé votre carte d’urgence le ") for s in said)
    assert any(s.endswith("Le changement : volontés et droits : choix de votre carte d’urgence enregistrés.")
               for s in said)
    for entry in journal(app):
        assert "O−" not in str(entry.detail) and "O-" not in str(entry.detail)  # never the data itself


def test_a_professional_has_no_way_to_the_card(client, notifier, app):
    pro_log_in(client, notifier, DURAND)  # the médecin traitant, who sees everything else
    before = len(journal(app))
    for path in (PAGE, PDF):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/connexion"), path
    assert not [e for e in journal(app)[before:] if read_detail(e.detail).note.startswith("emergency_card")]
    log_out(client, "/pro")


def test_a_carer_has_no_way_to_the_card_and_the_policy_refuses_them_if_asked(client, notifier, app):
    from dmp_web.domain.actors import Carer
    from dmp_web.services import emergency_card

    from .test_carer_space import _accept_with_new_account, _context, _invite

    made = _invite(app, purpose="read_and_add")  # the widest purpose a patient can give
    login_id = _accept_with_new_account(client, notifier, made.code)  # the carer is logged in
    before = len(journal(app))
    for path in (PAGE, PDF):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/connexion"), path
    assert journal(app)[before:] == []
    context = _context(app)
    carer = Carer(login_id, "Paul Martin", DOSSIER, made.grant.id)
    dossier = context.repos.dossiers.get(DOSSIER)
    assert emergency_card.read_page(context, carer, dossier) is None
    assert emergency_card.make_pdf(context, carer, dossier).data is None
    refused = journal(app)[before:]
    assert [(e.actor_kind, e.action, e.allowed) for e in refused] == [("carer", "export", False)] * 2
    assert refused[0].reason == "Un aidant ne peut pas faire cela. Seul le patient le peut."
