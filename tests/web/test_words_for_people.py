"""Words that fit the person, through the real routes: profession labels and pronouns follow the
professional's sex, or need none when the directory does not say; «de» becomes «d’» before a
vowel; the professionals' pages never say «votre» for the patient's things."""
import re
from dataclasses import replace

import pytest

from dmp_web.domain.actors import Profession, Professional
from dmp_web.domain.falc import MIN_SCORE, check_text, load_glossary, split_sentences
from dmp_web.formatting import author_words, de, de_before
from dmp_web.services.copies import DossierContent
from dmp_web.services.directory_import import DirectoryImportRefused, check_directory_file, import_directory
from dmp_web.store.directory import Directory
from dmp_web.store.files import FileStore
from dmp_web.texts.page_text import check_page

from ..identities import rpps_key
from .pro_journey import BERNARD, DOSSIER, DURAND, FATIMA_NIR, LEFEVRE, PETIT, journal, log_out, pro_log_in
from .test_history import lines, patient_log_in

BOTH_STORES = True  # the professionals' sex is read back from the file store and from PostgreSQL

GARCIA = "10001000065"  # sage-femme, outside the demo's care team
CONSULTATION = "d0c0000000000001"  # by Dr Durand
DOCTOR_PAGE = "/mon-dmp/medecin-traitant"
CARE_TEAM_PAGE = "/mon-dmp/gestion"
HISTORY = "/mon-dmp/historique"


def main_text(page) -> str:
    return " ".join(page.soup.main.get_text(" ", strip=True).split())


def relabel(app, rpps: str, **fields) -> None:
    """The directory says something else of this professional (an import would): name, sex."""
    directory = app.extensions["dmp.repos"].directory
    directory.put_professionals([replace(directory.professional(rpps), **fields)])


# -- the patient's pages ------------------------------------------------------------------------

def test_the_attending_doctor_page_says_elle_for_a_woman_il_for_a_man_and_ce_medecin_otherwise(client, notifier, app):
    patient_log_in(client, notifier)
    woman = main_text(client.get(DOCTOR_PAGE))
    assert "Votre médecin traitant est : Dr Marie Durand, médecin, médecine générale." in woman
    assert "Elle peut tout lire, même les documents cachés." in woman
    assert " Il peut" not in woman
    chosen = client.submit(DOCTOR_PAGE, {"rpps": LEFEVRE})
    assert chosen.status_code == 302
    man = main_text(client.get(DOCTOR_PAGE))
    assert "Votre médecin traitant est : Dr Paul Lefèvre, médecin, cardiologie." in man
    assert "Il peut tout lire, même les documents cachés." in man and "Elle peut" not in man
    relabel(app, LEFEVRE, sex="")
    unknown = main_text(client.get(DOCTOR_PAGE))
    assert "Ce médecin peut tout lire, même les documents cachés." in unknown
    assert not re.search(r"\b(Il|Elle) peut", unknown)


def test_the_care_team_page_names_each_professional_in_words_that_agree(client, notifier, app):
    patient_log_in(client, notifier)
    page = main_text(client.get(CARE_TEAM_PAGE))
    assert "Claire Petit , pharmacienne." in page and "Hugo Bernard , infirmier." in page
    assert "Votre médecin traitant est Dr Marie Durand. Elle peut tout lire, même les documents cachés." in page
    relabel(app, PETIT, name="Jean Petit", sex="M")
    relabel(app, BERNARD, name="Léa Bernard", sex="F")
    relabel(app, DURAND, name="Dr Marc Durand", sex="M")
    again = main_text(client.get(CARE_TEAM_PAGE))
    assert "Jean Petit , pharmacien." in again and "Léa Bernard , infirmière." in again
    assert "Votre médecin traitant est Dr Marc Durand. Il peut tout lire" in again
    relabel(app, DURAND, sex="")
    assert "Dr Marc Durand. Ce médecin peut tout lire" in main_text(client.get(CARE_TEAM_PAGE))


def test_the_blocking_search_says_the_attending_doctor_cannot_be_blocked_in_agreeing_words(client, notifier, app):
    patient_log_in(client, notifier)
    found = client.get("/mon-dmp/gestion/bloquer?q=durand").soup.find(id="resultats").get_text(" ", strip=True)
    assert "C’est votre médecin traitant. Elle ne peut pas être bloquée." in found
    relabel(app, DURAND, sex="")
    found = client.get("/mon-dmp/gestion/bloquer?q=durand").soup.find(id="resultats").get_text(" ", strip=True)
    assert "C’est votre médecin traitant. Ce médecin ne peut pas être bloqué." in found


def test_the_history_names_a_woman_and_a_man_by_the_words_of_their_sex(client, notifier, app):
    for rpps in (DURAND, LEFEVRE, PETIT, BERNARD):
        pro_log_in(client, notifier, rpps)
        client.get(f"/pro/dmp/{DOSSIER}")
        log_out(client, "/pro")
    # the journal keeps the description of the moment: a new entry has the right word
    names = {entry.actor_id: entry.actor_name for entry in journal(app) if entry.action == "read_dossier"}
    assert names[PETIT] == "Claire Petit (pharmacienne)" and names[BERNARD] == "Hugo Bernard (infirmier)"
    patient_log_in(client, notifier)
    shown = [line.split(" | ")[-1] for line in lines(client.get(HISTORY).soup)]
    assert "La docteure Marie Durand a ouvert votre DMP." in shown
    assert "Le docteur Paul Lefèvre (cardiologie) a ouvert votre DMP." in shown
    assert "Claire Petit (pharmacienne) a ouvert votre DMP." in shown
    assert "Hugo Bernard (infirmier) a ouvert votre DMP." in shown
    relabel(app, PETIT, name="Jean Petit", sex="M")
    relabel(app, DURAND, sex="")
    shown = [line.split(" | ")[-1] for line in lines(client.get(HISTORY).soup)]
    assert "Jean Petit (pharmacien) a ouvert votre DMP." in shown
    assert "Le docteur Marie Durand a ouvert votre DMP." in shown  # not known: the usual title


def test_the_history_explains_rpps_when_a_line_names_one(client, notifier, app):
    patient_log_in(client, notifier)
    client.post(f"{CARE_TEAM_PAGE}/bloquer", data={"csrf_token": client.csrf_token(CARE_TEAM_PAGE), "rpps": PETIT})
    page = client.get(HISTORY, query_string={"acces": "tous"})
    text = main_text(page)
    assert f"(RPPS {PETIT})" in text
    assert next(t for t in load_glossary() if t.term == "RPPS").explanation in text


def test_the_copy_explains_the_hard_words_its_history_and_lists_use():
    content = DossierContent(dossier=None, person=None, wishes=None, attending_doctor="", documents=[],
                             history=["Vous avez fait un changement. Le changement : professionnel bloqué : "
                                      f"Claire Petit (RPPS {PETIT})."],
                             made_at=None, blocked=[f"Claire Petit (RPPS {PETIT})"])
    assert [term.term for term in content.terms] == ["RPPS"]
    assert DossierContent(dossier=None, person=None, wishes=None, attending_doctor="", documents=[],
                          history=["Vous avez lu votre DMP."], made_at=None).terms == []


def test_a_document_the_patient_added_says_par_vous_to_them_and_le_patient_to_a_professional(client, notifier, app):
    patient_log_in(client, notifier)
    client.submit(DOCUMENTS_PAGE + "/ajouter", {"title": "Mes allergies", "text": "Pénicilline."})
    note = next(d for d in app.extensions["dmp.repos"].documents.list(DOSSIER) if d.title == "Mes allergies")
    row = client.get(DOCUMENTS_PAGE).soup.find(id=f"doc-{note.id}").get_text(" ", strip=True)
    assert "Par vous." in row and "titulaire" not in row
    shown = client.get(f"/mon-dmp/documents/{note.id}").soup.main
    assert shown.find("dt", string="Auteur").find_next("dd").get_text(strip=True) == "Vous"
    log_out(client, "/mon-dmp")
    pro_log_in(client, notifier, DURAND)
    read = client.get(f"/pro/dmp/{DOSSIER}/documents/{note.id}").soup.main
    assert read.find("dt", string="Auteur").find_next("dd").get_text(strip=True) == "Le patient"


def test_a_patient_s_own_document_is_told_by_vous_or_le_patient_never_le_titulaire():
    assert author_words("holder", "le titulaire") == "vous"
    assert author_words("holder", "le titulaire", professional=True) == "le patient"
    kept = "Dr Marie Durand (médecin, médecine générale)"
    assert author_words("professional", kept) == kept
    assert author_words("professional", kept, short=True) == "Dr Marie Durand"


# -- the professionals' pages -------------------------------------------------------------------

def test_the_professional_home_says_what_they_are_in_words_that_agree(client, notifier, app):
    pro_log_in(client, notifier, PETIT)
    assert "Vous êtes pharmacienne." in main_text(client.get("/pro"))
    log_out(client, "/pro")
    pro_log_in(client, notifier, BERNARD)
    assert "Vous êtes infirmier." in main_text(client.get("/pro"))


def test_the_dossier_page_says_d_before_a_vowel_and_de_before_a_consonant(client, notifier, app):
    pro_log_in(client, notifier, DURAND)
    page = client.get(f"/pro/dmp/{DOSSIER}")
    assert page.soup.h1.get_text(strip=True) == "DMP de Fatima ROCHE"
    assert "Née le" in main_text(page)
    register = app.extensions["dmp.register"]
    register.put(replace(register.get(FATIMA_NIR), first_names="Inès Fatima"))
    page = client.get(f"/pro/dmp/{DOSSIER}")
    assert page.soup.h1.get_text(strip=True) == "DMP d’Inès ROCHE"
    assert page.soup.title.get_text(strip=True).startswith("DMP d’Inès ROCHE")


PRO_PAGES = [  # (who logs in, path): the pages of the professionals' space, logged in
    (DURAND, "/pro"),
    (DURAND, "/pro/trouver"),
    (DURAND, f"/pro/dmp/{DOSSIER}"),
    (DURAND, f"/pro/dmp/{DOSSIER}/documents/{CONSULTATION}"),
    (DURAND, f"/pro/dmp/{DOSSIER}/deposer"),
    (DURAND, "/pro/code-de-partage"),
    (BERNARD, f"/pro/dmp/{DOSSIER}/urgence"),
    (GARCIA, f"/pro/dmp/{DOSSIER}/accord"),
    (PETIT, f"/pro/dmp/{DOSSIER}/documents/{CONSULTATION}"),  # refused: the page that says why
    ("mutuelle01", "/pro"),  # an actor the law keeps out: the page that refuses them
]
# Every sentence of those pages with «votre» or «vos»: each means the professional's own thing.
PROFESSIONALS_OWN = {
    "Vous voyez les documents utiles à votre métier.",
    "À expliquer au patient avant de le lui montrer Le patient ne verra ce document qu’après votre explication.",
    "Vous lisez seulement ce que votre métier permet.",
    "Vous lisez seulement les documents que votre métier permet de lire.",
    "Le patient verra votre nom, l’heure et votre raison dans son historique.",
    "Votre réponse est notée dans son historique.",
    "Numéro RPPS ou identifiant Soignants : votre numéro RPPS, à 11 chiffres.",
    "Agents de la caisse : votre identifiant d’agent.",
    "Votre compte : Mutuelle Exemple (mutuelle).",
}


def sentences_with_your(page) -> set[str]:
    return {s for s in split_sentences(main_text(page)) if re.search(r"\b(votre|vos)\b", s, re.IGNORECASE)}


def test_the_professionals_pages_say_votre_only_for_the_professional_s_own_things(client, notifier):
    said = sentences_with_your(client.get("/pro/connexion"))
    for login_id, path in PRO_PAGES:
        pro_log_in(client, notifier, login_id)
        page = client.get(path)
        assert page.status_code in (200, 403), path
        said |= sentences_with_your(page)
        if path == "/pro/trouver":  # and its error state
            said |= sentences_with_your(client.submit(path, {"identifier": "", "birth_date": ""}))
        log_out(client, "/pro")
    assert said - PROFESSIONALS_OWN == set()


@pytest.mark.parametrize("term", [t for t in load_glossary() if t.for_professionals], ids=lambda t: t.term)
def test_each_explanation_for_professionals_is_easy_and_speaks_of_the_patient(term):
    assert not re.search(r"\b(votre|vos|vous)\b", term.for_professionals, re.IGNORECASE)
    assert len(split_sentences(term.for_professionals)) == 1
    assert check_text(term.for_professionals).findings == ()
    assert check_text(f"{term.term}\n\n{term.for_professionals}", (term,)).findings == ()
    assert term.explanation_for(professional=True) == term.for_professionals
    assert term.explanation_for() == term.explanation


# -- the words themselves -----------------------------------------------------------------------

@pytest.mark.parametrize(("name", "said"), [
    ("Antoine", "d’Antoine"), ("Marie", "de Marie"), ("Émile", "d’Émile"), ("Hugo", "d’Hugo"),
    ("Inès ROCHE", "d’Inès ROCHE"), ("Yves", "d’Yves"), ("Yann", "de Yann"), ("ANTOINE SANTONI", "d’ANTOINE SANTONI"),
    ("Ursule", "d’Ursule"), ("Océane", "d’Océane"), ("Lucas MOREAU", "de Lucas MOREAU"), (" Alice ", "d’Alice"),
])
def test_de_before_a_name_elides_before_a_vowel_or_a_mute_h(name, said):
    assert de(name) == said
    assert de_before(name) + name.strip() == said


@pytest.mark.parametrize(("profession", "man", "woman"), [
    (Profession.PHARMACIEN, "pharmacien", "pharmacienne"), (Profession.INFIRMIER, "infirmier", "infirmière"),
    (Profession.MEDECIN, "médecin", "médecin"), (Profession.SAGE_FEMME, "sage-femme", "sage-femme"),
    (Profession.MASSEUR_KINESITHERAPEUTE, "kiné", "kiné"),
])
def test_a_profession_label_follows_the_sex_and_is_the_usual_word_when_unknown(profession, man, woman):
    rpps = "10001000032"
    specialty = "medecine_generale" if profession is Profession.MEDECIN else ""
    assert Professional(rpps, "A", profession, specialty, sex="M").profession_label == man
    assert Professional(rpps, "A", profession, specialty, sex="F").profession_label == woman
    unknown = Professional(rpps, "A", profession, specialty)
    assert unknown.profession_label == man and unknown.pronoun == ""
    with pytest.raises(ValueError):
        Professional(rpps, "A", profession, specialty, sex="X")


# -- easy to read -------------------------------------------------------------------------------

DOCUMENTS_PAGE = "/mon-dmp/documents"
LAB = "d0c0000000000002"
COMFORTABLE_SCORE = MIN_SCORE + 5  # not on the edge: one more row or a longer name keeps it above


def test_my_documents_reaches_the_readability_target_with_room_to_spare(client, notifier):
    patient_log_in(client, notifier)
    plain = check_page(client.get(DOCUMENTS_PAGE).get_data(as_text=True))
    assert plain.findings == () and plain.score >= COMFORTABLE_SCORE
    client.submit(DOCUMENTS_PAGE, {"hidden": "1"}, action=f"{DOCUMENTS_PAGE}/{LAB}/acces")
    page = client.get(DOCUMENTS_PAGE)
    row = page.soup.find(id=f"doc-{LAB}").get_text(" ", strip=True)
    assert "Par Dr Marie Durand." in row and "Caché aux professionnels." in row
    hidden = check_page(page.get_data(as_text=True))
    assert hidden.findings == () and hidden.score >= COMFORTABLE_SCORE


@pytest.mark.parametrize("path", [DOCTOR_PAGE, CARE_TEAM_PAGE, HISTORY, "/mon-dmp/gestion/bloquer?q=durand"])
def test_the_patient_pages_whose_words_agree_stay_easy_to_read(client, notifier, path):
    patient_log_in(client, notifier)
    report = check_page(client.get(path).get_data(as_text=True))
    assert report.findings == ()


@pytest.mark.parametrize(("login_id", "path"), PRO_PAGES)
def test_the_professionals_pages_stay_easy_to_read(client, notifier, login_id, path):
    pro_log_in(client, notifier, login_id)
    assert check_page(client.get(path).get_data(as_text=True)).findings == ()


# -- the directory's import: the civility column ------------------------------------------------

EXTRACT_HEADER = ("Type d'identifiant PP|Identifiant PP|Code civilité|Nom d'exercice|Prénom d'exercice|"
                  "Code profession|Libellé profession|Libellé savoir-faire|Raison sociale site|"
                  "Libellé commune (coord. structure)")


def test_the_import_reads_the_civility_when_the_extract_has_it(tmp_path):
    numbers = [f"1{n:09d}" + rpps_key(f"1{n:09d}") for n in (1, 2, 3)]
    extract = tmp_path / "rpps.txt"
    extract.write_text("\n".join([
        EXTRACT_HEADER,
        f"8|{numbers[0]}|MME|PETIT|Claire|21|Pharmacien||Pharmacie du Port|MARSEILLE",
        f"8|{numbers[1]}|M|BERNARD|Hugo|60|Infirmier|||LYON",
        f"8|{numbers[2]}||ROUX|Camille|60|Infirmier|||LYON",
    ]) + "\n", encoding="utf-8")
    directory = Directory(FileStore(tmp_path / "data"))
    check_directory_file(extract)
    import_directory(extract, directory)
    said = [directory.professional(n).description for n in numbers]
    assert said == ["pharmacienne", "infirmier", "infirmier"]
    assert [directory.professional(n).sex for n in numbers] == ["F", "M", ""]
    wrong = tmp_path / "wrong.txt"
    wrong.write_text(f"{EXTRACT_HEADER}\n8|{numbers[0]}|DR|PETIT|Claire|21|Pharmacien||Pharmacie|PARIS\n",
                     encoding="utf-8")
    with pytest.raises(DirectoryImportRefused) as refused:
        check_directory_file(wrong)
    assert refused.value.problems == ["ligne 2 : la civilité « DR » est inconnue (M, MME ou vide)"]
