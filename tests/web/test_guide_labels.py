"""Labels that exist: every «…» a guide quotes is shown on the screen of the app it describes.

The check itself is in tests/web/guide_labels.py; the tests below also prove that it catches a
label changed in a guide, a label put on the wrong screen, and a screen that does not exist.
"""
from __future__ import annotations

import shutil

import pytest
from bs4 import BeautifulSoup

from dmp_web.demo import DEMO_LOGIN
from dmp_web.texts.guides import GUIDES_DIR, GuideError, load_guide, load_guides

from .guide_labels import Screens, missing_labels, visible_labels


def test_every_label_a_guide_quotes_is_on_the_screen_it_names(app):
    guides = load_guides()
    assert sum(len(guide.labels) for guide in guides) >= 50  # the guides do quote the app
    assert missing_labels(app, guides) == []


def test_the_carers_screens_are_opened_by_the_patient_with_2_carers_and_by_the_carer_logged_in(app):
    screens = Screens(app)
    assert {"Arrêter cet accès", "Annuler l’invitation"} <= screens.labels_on("/mon-dmp/gestion/aidants")
    assert "Voir et ajouter des documents" in screens.labels_on("/mon-dmp/gestion/aidants/inviter?question=aide")
    assert "Son adresse e-mail" in screens.labels_on("/mon-dmp/gestion/aidants/inviter?question=e-mail")
    assert "Télécharger la lettre (PDF)" in screens.labels_on("/mon-dmp/gestion/aidants/invitation")
    assert "Créer mon compte d’aidant" in screens.labels_on("/aidant/accepter/invitation")
    assert "Le DMP de Fatima ROCHE" in screens.labels_on("/aidant")  # the carer's home, logged in
    assert "Ajouter un document" in screens.labels_on(f"/aidant/dmp/{DEMO_LOGIN['dossier_id']}")
    assert "Les DMP que j’aide" not in screens.labels_on("/aidant/connexion")  # a visitor's page
    assert {"Commencer l’aide", "Finir l’aide"} <= screens.labels_on("/mon-dmp/je-me-fais-aider")
    assert "Finir l’aide" not in screens.labels_on("/mon-dmp/documents")  # the helped visit was finished


@pytest.mark.parametrize("path", sorted(GUIDES_DIR.glob("*.md")), ids=lambda p: p.stem)
def test_every_quoted_text_of_a_guide_is_collected_as_a_label(path):
    text = path.read_text(encoding="utf-8")
    labels = load_guide(path).labels
    assert len(labels) == text.count("«") == text.count("»")
    assert all(label.screen.startswith("/") for label in labels)


@pytest.fixture
def guides_copy(tmp_path):
    folder = tmp_path / "falc"
    shutil.copytree(GUIDES_DIR, folder)
    return folder


def only(folder, slug: str):
    """The copied guide alone: checking its screens is enough, and 4 times faster."""
    return [guide for guide in load_guides(folder) if guide.slug == slug]


def rewrite(path, old: str, new: str) -> int:
    """Replace `old` once in the guide file; the line number where it was."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def test_the_check_reports_a_label_changed_in_a_guide(app, guides_copy):
    line = rewrite(guides_copy / "me-connecter.md", "« Accéder au DMP »", "« Entrer dans le DMP »")
    assert missing_labels(app, only(guides_copy, "me-connecter")) == [
        f"me-connecter.md, line {line}: «Entrer dans le DMP» is not on /connexion/code"
    ]


def test_the_check_reports_a_label_quoted_on_the_wrong_screen(app, guides_copy):
    line = rewrite(guides_copy / "mes-droits.md", "<!-- écran : /mon-dmp/fermer -->", "<!-- écran : /mon-dmp/copie -->")
    problems = missing_labels(app, only(guides_copy, "mes-droits"))
    assert problems == [
        f"mes-droits.md, line {line + 1}: «Fermer mon DMP» is not on /mon-dmp/copie",
        f"mes-droits.md, line {line + 19}: «Garder mon DMP ouvert» is not on /mon-dmp/copie",
    ]


def test_the_check_reports_a_screen_that_does_not_exist(app, guides_copy):
    line = rewrite(guides_copy / "mes-documents.md", "<!-- écran : /mon-dmp/documents/ajouter -->",
                   "<!-- écran : /mon-dmp/documents/nouveau -->")
    problems = missing_labels(app, only(guides_copy, "mes-documents"))
    assert problems[0] == f"mes-documents.md, line {line + 1}: the screen /mon-dmp/documents/nouveau answers 404"


def test_a_label_without_a_screen_above_it_is_refused_when_the_guide_is_read(tmp_path):
    guide = tmp_path / "essai.md"
    guide.write_text(
        "---\ntitle: Essai\naudience: Pour les patients\nsummary: Un essai.\npictogram: carnet\n"
        "order: 1\nversion: 2026-11-23\n---\nCliquez sur « Valider ».\n", encoding="utf-8")
    with pytest.raises(GuideError, match="«Valider» needs a line"):
        load_guide(guide)


def test_words_only_for_screen_readers_do_not_count_as_a_visible_label():
    soup = BeautifulSoup('<button>Interdire l’accès<span class="visually-hidden"> : Radio</span></button>'
                         '<p>Valider</p><label for="x">Prénom et\n nom</label>', "html.parser")
    assert visible_labels(soup) == {"Interdire l’accès", "Prénom et nom"}
