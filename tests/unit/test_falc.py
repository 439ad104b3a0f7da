"""The easy-to-read check: each rule passes a good text and catches a bad one; the glossary and
every guide pass it."""
from pathlib import Path

import pytest

from dmp_web.domain.falc import (
    MAX_WORDS,
    MIN_SCORE,
    Block,
    Term,
    check_blocks,
    check_text,
    load_glossary,
    parse_glossary,
    readability,
    split_sentences,
    syllables,
    words,
)

GUIDES = sorted((Path(__file__).resolve().parents[2] / "content" / "falc").glob("*.md"))

# A small glossary for the rule tests, so that they do not change when the real one grows.
SIM = Term("SAMU", "Le SAMU est le service des urgences, vous l’appelez au 15.", "service d’aide médicale urgente")
VITALE = Term("carte Vitale", "La carte Vitale est la carte verte de l’Assurance Maladie.", forms=("cartes Vitale",))
GLOSSARY = (SIM, VITALE)


def codes(text, glossary=GLOSSARY):
    return check_text(text, glossary).codes()


# --- counting words the French way


@pytest.mark.parametrize("text, expected", [
    ("l’accueil", ["l’", "accueil"]),  # the elided article is a word
    ("L'hôpital", ["L’", "hôpital"]),  # a typewriter apostrophe too
    ("jusqu’à", ["jusqu’", "à"]),
    ("aujourd’hui", ["aujourd’hui"]),  # not an elision: one word
    ("quelqu’un", ["quelqu’un"]),
    ("e-mail", ["e-mail"]),
    ("vingt-quatre", ["vingt-quatre"]),
    ("06 12 34 56 78", ["06 12 34 56 78"]),  # a phone number is one number
    ("10 000 personnes", ["10 000", "personnes"]),
    ("à 10 h 12 ou 8 h", ["à", "10 h 12", "ou", "8 h"]),  # a time is one number
    ("3 habitants", ["3", "habitants"]),
    ("le 5 mars 2026", ["le", "5", "mars", "2026"]),
    ("Allez sur www.dmp.fr.", ["Allez", "sur", "www.dmp.fr"]),
    ("Écrivez à contact@dmp.example !", ["Écrivez", "à", "contact@dmp.example"]),
    ("« Valider » – : ; …", ["Valider"]),  # punctuation is not a word
])
def test_words_are_counted_the_french_way(text, expected):
    assert words(text) == expected


def test_sentences_end_at_a_full_stop_but_not_after_an_abbreviation():
    assert split_sentences("M. Martin est là. Il a 3 ans ! Vraiment ? Oui… Voici : un, deux") == [
        "M. Martin est là.", "Il a 3 ans !", "Vraiment ?", "Oui…", "Voici : un, deux",
    ]
    assert split_sentences("Allez sur www.dmp.fr pour commencer.") == ["Allez sur www.dmp.fr pour commencer."]
    assert split_sentences("Vos ordonnances, vos analyses, etc. Tout est là.") == [
        "Vos ordonnances, vos analyses, etc.", "Tout est là.",
    ]


# --- each rule: a passing and a failing example


def test_a_sentence_of_15_words_passes_and_one_of_16_is_reported():
    fifteen = "Vous pouvez créer votre DMP sur ce site, seul ou avec un de vos proches."
    assert len(words(fifteen)) == MAX_WORDS
    assert codes(fifteen, ()) == []
    sixteen = "Vous pouvez créer l’accès à votre DMP sur ce site, seul ou avec un proche."
    assert len(words(sixteen)) == 16  # «l’accès» counts as 2
    report = check_text(sixteen, ())
    assert report.codes() == ["long_sentence"]
    assert report.findings[0].text == sixteen
    assert "16 mots" in report.findings[0].message


def test_a_phone_number_counts_as_one_word_in_a_sentence():
    sentence = "Appelez le 06 12 34 56 78 ou écrivez à votre caisse pour avoir de l’aide ce jour."
    assert len(words(sentence)) == 15
    assert codes(sentence, ()) == []


def test_a_term_explained_by_the_glossary_sentence_in_the_same_section_passes():
    text = "# Urgence\n\nAppelez le SAMU.\n\nVotre voisin peut vous aider.\n\nIl reste avec vous.\n\nÇa va aller.\n\n" \
           "Le SAMU est le service des urgences, vous l’appelez au 15.\n"
    assert codes(text) == []  # 4 sentences later, but in the same section


def test_a_term_explained_by_x_veut_dire_in_the_next_3_sentences_passes_even_across_a_heading():
    # the heading is a sentence too: the explanation is the 3rd sentence after the first use
    text = "Prenez votre carte Vitale.\n\n## Ensuite\n\nAllez à la caisse.\n\n" \
           "La carte Vitale veut dire la carte verte de l’Assurance Maladie.\n"
    assert codes(text) == []


def test_a_term_explained_by_x_est_before_its_first_use_in_the_section_passes():
    text = "## Le SAMU\n\nLe SAMU est le service des urgences médicales.\n\nAppelez le SAMU la nuit.\n"
    assert codes(text) == []


def test_an_acronym_next_to_the_meaning_of_its_letters_is_explained():
    assert codes("SAMU – service d’aide médicale urgente\n") == []


def test_a_term_without_explanation_is_reported_once_at_its_first_use():
    text = "# Urgence\n\nAppelez le SAMU.\n\nLe SAMU vient vite.\n\nLe SAMU vous soigne.\n"
    report = check_text(text, GLOSSARY)
    assert report.codes() == ["unexplained_term"]
    assert report.findings[0].text == "SAMU"
    assert report.findings[0].place == "ligne 3"
    assert SIM.explanation in report.findings[0].message


def test_an_explanation_4_sentences_later_in_another_section_is_too_far():
    text = "Prenez votre carte Vitale.\n\n## Ensuite\n\nAllez à la caisse.\n\nDonnez la carte.\n\n" \
           "La carte Vitale est la carte verte de l’Assurance Maladie.\n"
    assert codes(text) == ["unexplained_term"]


def test_later_uses_of_an_explained_term_need_nothing_and_plural_forms_are_found():
    text = "La carte Vitale est la carte verte de l’Assurance Maladie.\n\n## Plus loin\n\n" \
           "Gardez votre carte Vitale.\n"
    assert codes(text) == []
    assert codes("## Cartes\n\nVos cartes Vitale sont à jour.\n") == []  # «X sont …» explains
    assert codes("Vos cartes Vitale restent chez vous.\n") == ["unexplained_term"]


def test_an_acronym_is_found_only_as_a_whole_word_in_capitals():
    ins, ins_c = Term("INS", "L’INS est le numéro de santé."), Term("INS-C", "L’INS-C est un numéro calculé.")
    assert codes("L’INS-C est un numéro calculé. Lisez les instructions.\n", (ins, ins_c)) == []
    assert codes("Voici votre INS.\n", (ins, ins_c)) == ["unexplained_term"]


@pytest.mark.parametrize("sentence", [
    "Le code marche pendant 10 minutes.",
    "Vous avez reçu un code et une lettre.",  # articles, not numbers
    "La France a 68 millions d’habitants.",  # digits, then the word «millions»
    "Votre téléphone est neuf.",  # new, not 9
])
def test_numbers_in_digits_and_articles_pass(sentence):
    assert codes(sentence, ()) == []


@pytest.mark.parametrize("sentence, number", [
    ("Le code marche pendant dix minutes.", "dix"),
    ("Trois personnes peuvent le lire.", "Trois"),
    ("Le code a vingt-quatre heures de vie.", "vingt-quatre"),
    ("Il a vingt-et-un ans.", "vingt-et-un"),
    ("Elle attend neuf mois.", "neuf"),
])
def test_numbers_written_in_words_are_reported(sentence, number):
    report = check_text(sentence, ())
    assert report.codes() == ["number_in_words"]
    assert report.findings[0].text == number


@pytest.mark.parametrize("text", [
    "Appelez le SAMU.\n\nLe SAMU est le service des urgences, vous l’appelez au 15.",  # a glossary acronym
    "Recevez le code par SMS.",  # 3 letters: an acronym everyone reads
    "Envoyez une photo JPEG.",  # the allow-list: the name the reader's computer shows
    "Bonjour Fatima ROCHE.",  # a family name as printed on the Vitale card
    "Bonjour Jean-Marc DE LA FONTAINE.",
    "Fatima ROCHE",  # alone, as in a table cell
    "Nom : BENALI",
    "Le DMP d’Antoine SANTONI est créé.",  # the first name after an elided «de»
])
def test_acronyms_and_family_names_may_be_in_capitals(text):
    assert "capitals" not in codes(text)


@pytest.mark.parametrize("text, word", [
    ("ATTENTION, lisez bien.", "ATTENTION"),
    ("Attention : URGENT.", "URGENT"),
    ("Lisez BIEN ceci.", "BIEN"),  # a verb at the start of a sentence is not a first name
    ("Fatima : ÉTAPE 1.", "ÉTAPE"),
    ("Il faut l’Avis URGENT.", "URGENT"),  # only «d’» comes before a first name
])
def test_words_in_capitals_are_reported(text, word):
    report = check_text(text, GLOSSARY)
    assert [(f.code, f.text) for f in report.findings] == [("capitals", word)]


def test_a_family_name_may_follow_its_label_in_the_block_before():
    name_line = [Block("Nom", "label"), Block("BENALI")]
    assert check_blocks(name_line, ()).codes() == []
    other_line = [Block("Ville", "label"), Block("MARSEILLE")]
    assert check_blocks(other_line, ()).codes() == ["capitals"]


@pytest.mark.parametrize("text", [
    "Écrivez **votre nom**.",  # bold
    "- un point de liste\n- un autre",
    "Le fichier mon_dossier_2026.pdf est prêt.",
    "Le prix est 3 * 4 euros.",
])
def test_bold_lists_and_underscores_inside_words_are_not_italics(text):
    assert "italics" not in codes(text, ())


@pytest.mark.parametrize("text, marked", [
    ("Écrivez *votre nom* ici.", "*votre nom*"),
    ("Écrivez _votre nom_ ici.", "_votre nom_"),
])
def test_italics_markers_are_reported(text, marked):
    report = check_text(text, ())
    assert [(f.code, f.text) for f in report.findings] == [("italics", marked)]


# --- the readability score


@pytest.mark.parametrize("word, count", [
    ("chat", 1), ("carte", 1), ("votre", 1), ("une", 1), ("santé", 2), ("dossier", 2), ("accueil", 2),
    ("gratuit", 2), ("médical", 3), ("partagé", 3), ("pharmacien", 3), ("choisissez", 3),
    ("information", 4), ("aujourd’hui", 3), ("quand", 1), ("guide", 1), ("conservées", 3),
    ("nominatives", 4), ("réglementation", 5), ("DMP", 3), ("SAMU", 2), ("l’", 0), ("2026", 1),
])
def test_syllables_are_counted_by_vowel_groups_as_a_french_reader_says_them(word, count):
    assert syllables(word) == count


def test_the_score_of_a_3_word_sentence_follows_kandel_and_moles():
    # 3 words, 1 sentence, 3 syllables: 207 - 1.015 × 3 - 73.6 × 1
    assert readability(3, 1, 3) == pytest.approx(130.355)
    report = check_text("Le chat dort.", ())
    assert (report.words, report.sentences, report.syllables) == (3, 1, 3)
    assert report.score == pytest.approx(130.4)


def test_the_score_of_2_easy_sentences():
    # le 1, DMP 3, est 1, gratuit 2 | vous 1, choisissez 3, qui 1, peut 1, le 1, voir 1:
    # 10 words, 2 sentences, 15 syllables: 207 - 1.015 × 5 - 73.6 × 1.5 = 91.525
    report = check_text("Le DMP est gratuit. Vous choisissez qui peut le voir.", ())
    assert (report.words, report.sentences, report.syllables) == (10, 2, 15)
    assert report.score == pytest.approx(91.5)


def test_the_score_of_an_administrative_sentence_is_very_low():
    # 13 words, 33 syllables (con-for-mé-ment, ré-gle-men-ta-tion…): 207 - 13.195 - 186.83 = 6.98
    text = ("Conformément à la réglementation, les informations nominatives sont conservées "
            "pendant une durée déterminée.")
    report = check_text(text, ())
    assert (report.words, report.sentences, report.syllables) == (13, 1, 33)
    assert report.score == pytest.approx(7.0)


EASY = """Le DMP est un carnet de santé sur internet.
Il garde vos documents au même endroit.
Vos médecins le lisent quand ils vous soignent.
Vous choisissez qui peut le voir.
Le DMP est gratuit.
Il vous faut votre carte Vitale pour le créer.
"""
OFFICIAL = """Le Dossier Médical Partagé permet aux professionnels de santé autorisés d’accéder aux informations
utiles à votre prise en charge. Il facilite la transmission de vos antécédents médicaux lors de vos
consultations, et contribue à éviter les prescriptions redondantes ou les interactions médicamenteuses.
"""


def test_an_easy_text_scores_above_the_threshold_and_an_official_one_below_it():
    easy, official = check_text(EASY, ()), check_text(OFFICIAL, ())
    assert easy.score >= MIN_SCORE > official.score
    assert "low_score" not in easy.codes()
    assert "low_score" in official.codes()
    assert [f.message for f in official.findings if f.code == "low_score"][0].startswith(
        f"Le texte est difficile à lire : score {official.score:.0f} sur 100")


def test_the_threshold_can_be_chosen_by_the_caller():
    official = check_text(OFFICIAL, ())
    assert "low_score" not in check_text(OFFICIAL, (), min_score=official.score - 1).codes()


def test_a_few_words_are_scored_but_not_reported():
    report = check_text("Réglementation administrative.", ())
    assert report.score < MIN_SCORE
    assert report.codes() == []


def test_a_page_is_scored_on_its_own_region_and_the_other_regions_keep_the_other_rules():
    header = [Block("Réglementation administrative et organisationnelle des établissements", "paragraph", "header > p")]
    main = [Block(EASY, "paragraph", "main > p")]
    whole, own = check_blocks(header + main, ()), check_blocks(header + main, (), scored_region="main")
    assert own.score == check_blocks(main, ()).score > whole.score
    assert own.words == len(words(EASY))
    shouting = [Block("Lisez BIEN ceci.", "paragraph", "footer > p")]
    assert check_blocks(main + shouting, (), scored_region="main").codes() == ["capitals"]


def test_an_echo_is_checked_but_a_term_s_first_use_and_the_score_are_looked_for_elsewhere():
    summary = [Block("Il y a un problème", "heading", repeats=True),
               Block("Écrivez le numéro de votre carte Vitale.", "item", "main > li", repeats=True)]
    explained = [Block("Formulaire", "heading"), Block("Vous créez votre DMP. Il est gratuit. Il sert à tous."),
                 Block("Il faut votre carte Vitale."),
                 Block("La carte Vitale est la carte verte de l’Assurance Maladie.")]
    assert check_blocks([*summary, *explained], GLOSSARY).findings == ()
    # the same words, not marked as an echo: their first use has no explanation nearby
    plain = [Block(b.text, b.kind, b.where) for b in summary]
    assert check_blocks([*plain, *explained], GLOSSARY).codes() == ["unexplained_term"]
    # only an echo uses the term: it is explained nowhere, and that is found beside the field
    long_echo = Block("Écrivez ici le numéro que vous trouvez en bas de la carte de votre caisse maladie.",
                      repeats=True)
    assert check_blocks([long_echo], ()).codes() == ["long_sentence"]  # every other rule applies
    assert check_blocks([long_echo, *explained], GLOSSARY).words == check_blocks(explained, GLOSSARY).words


# --- guides in Markdown


def test_a_guide_is_checked_without_its_front_matter_and_findings_give_the_file_line():
    guide = "---\ntitle: UN TITRE EN MAJUSCULES\norder: 1\n---\nLe DMP est gratuit.\n\nVoici dix mots.\n"
    report = check_text(guide, ())
    assert [(f.code, f.place) for f in report.findings] == [("number_in_words", "ligne 7")]


def test_links_comments_and_images_of_a_guide_are_read_as_a_reader_sees_them():
    guide = ("<!-- écran : /mon-dmp -->\n![Un dessin](/static/pictos/cle.svg)\n"
             "Cliquez sur [« Me connecter »](/connexion).\n")
    report = check_text(guide, ())
    assert (report.words, report.codes()) == (4, [])


# --- the glossary


def test_the_glossary_file_loads_with_the_terms_the_app_cannot_avoid():
    glossary = load_glossary()
    names = [t.term for t in glossary]
    assert {"DMP", "NIR", "INS", "INS-C", "carte Vitale", "RPPS", "médecin traitant", "bris de glace",
            "directives anticipées", "personne de confiance", "code à usage unique", "FALC", "SAMU"} <= set(names)
    assert len(names) == len(set(names))
    assert len({t.anchor for t in glossary}) == len(names)


@pytest.mark.parametrize("term", load_glossary(), ids=lambda t: t.term)
def test_each_glossary_entry_is_one_easy_sentence_that_explains_its_term(term):
    assert len(split_sentences(term.explanation)) == 1
    assert len(words(term.explanation)) <= MAX_WORDS
    assert check_text(term.explanation).findings == ()  # with the whole glossary
    # alone, the sentence explains its own term (an «X est …» or «X veut dire …» sentence)
    assert check_text(f"{term.term}\n\n{term.explanation}", (term,)).findings == ()
    if term.is_acronym:
        assert term.expansion, f"{term.term}: an acronym needs the meaning of its letters"


def test_a_glossary_entry_needs_a_term_and_an_explanation():
    with pytest.raises(ValueError):
        parse_glossary([{"term": "DMP"}])
    with pytest.raises(ValueError):
        parse_glossary([{"term": "DMP", "explanation": "Le DMP est un carnet.", "meaning": "x"}])


# --- every guide of content/falc/


def test_there_are_guides_to_check():
    assert GUIDES, "content/falc/ holds the guides"


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: p.name)
def test_each_guide_passes_the_easy_to_read_check(guide):
    report = check_text(guide.read_text(encoding="utf-8"))
    assert report.findings == (), f"{guide.name}:\n" + "\n".join(str(f) for f in report.findings)
