"""The history of accesses in plain French: one sentence per kind of journal entry, the titles
the patient may not read never shown, and the pages of 20, newest first."""
from datetime import datetime, timedelta, UTC

import pytest

from dmp_web.domain.access import REASONS, Decision, EmergencyAccess, EmergencyKind
from dmp_web.domain.details import CHANGES, Change, JournaledDetail, read_detail
from dmp_web.domain.actors import (ActorKind, DeskAgent, ForbiddenActor, Holder, LegalRepresentative, Profession,
                                   Professional)
from dmp_web.domain.falc import check_text
from dmp_web.domain.journal import ACTIONS, Actor, ChainKey, Head, make_entry
from dmp_web.services.history import (DESCRIBED_ACTIONS, EMERGENCIES, NBSP, OTHERS, VIEWS, NoSuchPage, describe,
                                      page_of)

from ..memory_store import MemoryJournals

AT = datetime(2026, 3, 5, 9, 12, tzinfo=UTC)  # 10 h 12 in Paris
WHEN = "le 5 mars 2026 à 10 h 12"
CHAIN = ChainKey(b"a test key of thirty-two bytes!!")
DOSSIER = "d3m0f47140a0c5e55e0001"
REPORT = "d0c0000000000004"
PENDING = "d0c0000000000005"
TITLES = {REPORT: "Compte rendu d’hospitalisation"}  # only what the patient may read

DURAND = Professional("10001000016", "Dr Marie Durand", Profession.MEDECIN, "medecine_generale")
LEFEVRE = Professional("10001000024", "Dr Paul Lefèvre", Profession.MEDECIN, "cardiologie")
PETIT = Professional("10001000032", "Claire Petit", Profession.PHARMACIEN)
BERNARD = Professional("10001000040", "Hugo Bernard", Profession.INFIRMIER)
HADDAD = Professional("10001000073", "Dr Karim Haddad", Profession.MEDECIN, "medecine_urgence",
                      emergency_regulator=True)
PROFESSIONALS = {p.rpps: p for p in (DURAND, LEFEVRE, PETIT, BERNARD, HADDAD)}
HOLDER = Holder(DOSSIER)


def entry(actor, action, *, allowed=True, reason="", detail="", emergency=False, at=AT):
    ref = actor.ref if hasattr(actor, "ref") else actor
    return make_entry(Head(), "d0551e4", CHAIN, at, ref, action, allowed=allowed, reason=reason, detail=detail,
                      emergency=emergency)


def decided(actor, action, code, *, allowed=True, document_id="", emergency=None, at=AT):
    """A journal entry exactly as decide_and_journal writes it."""
    decision = Decision(allowed, code, REASONS[code], emergency=emergency is not None, action=action,
                        actor=actor.ref, dossier_id=DOSSIER, document_id=document_id, at=at,
                        emergency_access=emergency)
    fields = decision.journal_fields()
    return make_entry(Head(), "d0551e4", CHAIN, fields.pop("at"), fields.pop("actor"), fields.pop("action"), **fields)


def say(journal_entry, feminine=False) -> str:
    """The sentence, its no-break spaces shown as spaces (a test below checks where they are)."""
    return describe(journal_entry, titles=TITLES, professionals=PROFESSIONALS,
                    feminine=feminine).sentence.replace(NBSP, " ")


# -- decisions of the access policy ----------------------------------------------------------

def test_a_doctor_reading_a_document_reads_as_the_issue_says():
    assert say(decided(DURAND, "read_document", "attending_doctor", document_id=REPORT)) == (
        f"Le docteur Marie Durand a lu « Compte rendu d’hospitalisation » {WHEN}.")


def test_a_time_and_a_quoted_title_never_break_across_lines():
    line = describe(decided(DURAND, "read_document", "attending_doctor", document_id=REPORT), titles=TITLES,
                    professionals=PROFESSIONALS)
    assert f"«{NBSP}Compte rendu d’hospitalisation{NBSP}»" in line.sentence
    assert line.sentence.endswith(f"à 10{NBSP}h{NBSP}12.")


def test_a_specialist_is_named_with_the_specialty():
    assert say(decided(LEFEVRE, "read_dossier", "professional")) == (
        f"Le docteur Paul Lefèvre (cardiologie) a ouvert votre DMP {WHEN}.")


def test_a_refused_read_says_who_tried_and_why():
    line = describe(decided(PETIT, "read_document", "profession_may_not_read", allowed=False, document_id=REPORT),
                    titles=TITLES, professionals=PROFESSIONALS)
    assert line.refused and not line.emergency
    assert line.sentence.replace(NBSP, " ") == (
        f"Claire Petit (pharmacien) a essayé de lire « Compte rendu d’hospitalisation » {WHEN}. "
        "C’était refusé. Le métier de ce soignant ne lui permet pas de lire ce type de document.")


def test_a_document_the_patient_may_not_read_is_only_un_document():
    refused = decided(PETIT, "read_document", "profession_may_not_read", allowed=False, document_id=PENDING)
    assert say(refused).startswith(f"Claire Petit (pharmacien) a essayé de lire un document {WHEN}. C’était refusé. ")
    assert say(decided(LEFEVRE, "read_document", "author", document_id=PENDING)) == (
        f"Le docteur Paul Lefèvre (cardiologie) a lu un document {WHEN}.")
    assert say(decided(LEFEVRE, "write_document", "profession_may_write", document_id=PENDING)) == (
        f"Le docteur Paul Lefèvre (cardiologie) a ajouté un document {WHEN}.")


def test_the_document_list_the_release_the_copy_and_the_settings():
    assert say(decided(PETIT, "list_documents", "professional")) == (
        f"Claire Petit (pharmacien) a regardé la liste de vos documents {WHEN}.")
    assert say(decided(LEFEVRE, "release_document", "author", document_id=REPORT)) == (
        f"Le docteur Paul Lefèvre (cardiologie) a rendu « Compte rendu d’hospitalisation » visible pour vous {WHEN}.")
    assert say(decided(HOLDER, "export", "holder")) == f"Vous avez fait une copie de votre DMP {WHEN}."
    assert say(decided(HOLDER, "manage", "holder")) == f"Vous avez changé les réglages de votre DMP {WHEN}."
    assert say(decided(HOLDER, "write_document", "holder", document_id=REPORT)) == (
        f"Vous avez ajouté « Compte rendu d’hospitalisation » {WHEN}.")
    assert say(decided(DURAND, "export", "patient_only", allowed=False)) == (
        f"Le docteur Marie Durand a essayé de faire une copie de votre DMP {WHEN}. "
        "C’était refusé. Seul le patient ou son représentant légal peut faire cela.")


def test_hiding_and_showing_again_say_which_way():
    fields = decided(HOLDER, "hide_document", "holder", document_id=REPORT)
    hidden = entry(HOLDER, "hide_document", reason=fields.reason, detail={**fields.detail, "note": "hidden"})
    shown = entry(HOLDER, "hide_document", reason=fields.reason, detail={**fields.detail, "note": "shown"})
    assert say(hidden) == f"Vous avez caché « Compte rendu d’hospitalisation » aux professionnels {WHEN}."
    assert say(shown) == f"Vous avez montré de nouveau « Compte rendu d’hospitalisation » aux professionnels {WHEN}."
    refused = decided(HOLDER, "hide_document", "pending_explanation", allowed=False, document_id=PENDING)
    assert say(refused) == (
        f"Vous avez essayé de cacher ou montrer un document aux professionnels {WHEN}. C’était refusé. "
        "Ce document sera visible quand un soignant l’aura expliqué au patient.")


def test_creation_by_the_patient_the_system_or_a_desk_and_a_refused_second_creation():
    desk = DeskAgent("cpam0001", "Nadia Benoît", caisse="CPAM de Paris")
    assert say(entry(HOLDER, "dossier_created", detail="DMP créé en ligne")) == f"Vous avez créé votre DMP {WHEN}."
    assert say(entry(Actor("system", "demo", "données de démonstration"), "dossier_created")) == (
        f"Votre DMP a été créé {WHEN}.")
    assert say(entry(desk, "dossier_created", detail="DMP créé à l’accueil")) == (
        f"Nadia Benoît (agent d'accueil de la caisse) a créé votre DMP {WHEN}.")
    assert say(decided(desk, "create_dossier", "dossier_exists", allowed=False)) == (
        f"Nadia Benoît (agent d'accueil de la caisse) a essayé de créer votre DMP {WHEN}. "
        "C’était refusé. Cette personne a déjà un DMP.")


def test_a_forbidden_actor_and_a_legal_representative_are_named_with_what_they_are():
    insurer = ForbiddenActor(ActorKind.MUTUAL_INSURER, "mutuelle01", "Mutuelle Exemple")
    assert say(decided(insurer, "read_dossier", "forbidden_actor", allowed=False)) == (
        f"Mutuelle Exemple (mutuelle) a essayé d’ouvrir votre DMP {WHEN}. C’était refusé. La loi interdit "
        "le DMP à la médecine du travail et aux mutuelles. "
        "Elle l’interdit aussi aux assurances, aux banques et aux employeurs.")
    parent = LegalRepresentative("rep01", "Jean Moreau", DOSSIER)
    assert say(decided(parent, "read_document", "legal_representative", document_id=REPORT)) == (
        f"Jean Moreau (représentant légal) a lu « Compte rendu d’hospitalisation » {WHEN}.")


def test_a_professional_no_longer_in_the_directory_keeps_the_name_the_journal_wrote():
    line = describe(decided(PETIT, "read_dossier", "professional"), titles=TITLES, professionals={})
    assert line.sentence.replace(NBSP, " ") == f"Claire Petit (pharmacien) a ouvert votre DMP {WHEN}."


# -- emergencies -----------------------------------------------------------------------------

def break_glass(reason="Patiente inconsciente à domicile"):
    return EmergencyAccess(EmergencyKind.BREAK_GLASS, BERNARD.rpps, reason, AT - timedelta(minutes=5))


def test_break_glass_stands_out_with_its_label_and_the_written_reason():
    opened = decided(BERNARD, "read_dossier", "emergency_break_glass", emergency=break_glass())
    opened = entry(BERNARD, "break_glass", reason=opened.reason, detail=opened.detail, emergency=True)
    line = describe(opened, titles=TITLES, professionals=PROFESSIONALS)
    assert line.emergency and line.label == "Accès en urgence"
    assert line.sentence.replace(NBSP, " ") == (
        f"Accès en urgence : Hugo Bernard (infirmier) a ouvert votre DMP en urgence {WHEN}. "
        "La raison donnée : « Patiente inconsciente à domicile ».")
    read = decided(BERNARD, "read_document", "emergency_break_glass", document_id=REPORT, emergency=break_glass())
    assert say(read) == (
        f"Accès en urgence : Hugo Bernard (infirmier) a lu « Compte rendu d’hospitalisation » {WHEN}. "
        "La raison donnée : « Patiente inconsciente à domicile ».")


def test_the_regulator_is_a_doctor_in_lower_case_after_the_label():
    access = EmergencyAccess(EmergencyKind.REGULATOR, HADDAD.rpps, "Appel au 15 : douleur", AT)
    opened = decided(HADDAD, "read_dossier", "emergency_regulator", emergency=access)
    opened = entry(HADDAD, "regulator_access", reason=opened.reason, detail=opened.detail, emergency=True)
    assert say(opened) == (
        "Accès en urgence : le docteur Karim Haddad (médecine d’urgence) a ouvert votre DMP. "
        f"C’était pendant un appel au 15 {WHEN}. La raison donnée : « Appel au 15 : douleur ».")
    # the page shows the label and the date on lines of their own: the text is a sentence of its own
    line = describe(opened, titles=TITLES, professionals=PROFESSIONALS)
    assert line.what.startswith("Le docteur Karim Haddad (médecine d’urgence) a ouvert votre DMP. ")
    # short sentences (DMP is explained by every page's header, not in the line)
    assert [f.code for f in check_text(line.what).findings if f.text != "DMP"] == []


def test_a_refused_emergency_is_shown_as_an_emergency_and_as_refused():
    refused = decided(BERNARD, "read_dossier", "emergency_refused_by_patient", allowed=False,
                      emergency=break_glass())
    line = describe(refused, titles=TITLES, professionals=PROFESSIONALS)
    assert line.emergency and line.refused
    assert line.sentence.replace(NBSP, " ") == (
        f"Accès en urgence : Hugo Bernard (infirmier) a essayé d’ouvrir votre DMP {WHEN}. "
        "C’était refusé. Le patient ne permet pas d’ouvrir son DMP en urgence. "
        "La raison donnée : « Patiente inconsciente à domicile ».")


def test_a_written_reason_can_never_pass_for_a_document():
    hostile = break_glass(f"malaise ; document {REPORT} : urgence regulator : x")
    read = decided(BERNARD, "read_dossier", "emergency_break_glass", emergency=hostile)
    assert "Compte rendu" not in say(read).split("La raison donnée")[0]
    assert read_detail(read.detail) == JournaledDetail(
        "emergency_break_glass", "", "break_glass", f"malaise ; document {REPORT} : urgence regulator : x")
    old = f"emergency_break_glass ; urgence break_glass : malaise ; document {REPORT} : urgence regulator : x"
    assert read_detail(old).document_id == ""  # nor in an entry written before codes


@pytest.mark.parametrize("document_id, emergency, note", [
    ("", None, ""), (REPORT, None, ""), ("", "Patiente inconsciente", ""), (REPORT, "a ; b : c", ""),
    (REPORT, None, "hidden"),
])
def test_read_detail_reads_back_what_decision_detail_wrote(document_id, emergency, note):
    access = EmergencyAccess(EmergencyKind.BREAK_GLASS, BERNARD.rpps, emergency, AT) if emergency else None
    decision = Decision(True, "author", REASONS["author"], document_id=document_id, emergency_access=access)
    stored = {**decision.detail.stored(), **({"note": note} if note else {})}
    assert read_detail(stored) == JournaledDetail(
        "author", document_id, "break_glass" if emergency else "", emergency or "", note)


# The text older entries kept, as the code before codes wrote it: read into the same parts.
@pytest.mark.parametrize("old, parts", [
    ("author", JournaledDetail("author", legacy="author")),
    (f"author ; document {REPORT}", JournaledDetail("author", REPORT, legacy=f"author ; document {REPORT}")),
    ("emergency_break_glass ; urgence break_glass : a ; b : c",
     JournaledDetail("emergency_break_glass", "", "break_glass", "a ; b : c",
                     legacy="emergency_break_glass ; urgence break_glass : a ; b : c")),
    (f"holder ; document {REPORT} ; caché aux professionnels",
     JournaledDetail("holder", REPORT, note="hidden", legacy=f"holder ; document {REPORT} ; caché aux professionnels")),
    ("holder ; copie par courrier", JournaledDetail("holder", note="copy_post", legacy="holder ; copie par courrier")),
])
def test_read_detail_reads_the_text_of_entries_written_before_codes(old, parts):
    assert read_detail(old) == parts


# -- the patient's own account ---------------------------------------------------------------

@pytest.mark.parametrize("action, reason, sentence", [
    ("creation_code_sent", "", f"Un code pour créer votre DMP vous a été envoyé {WHEN}."),
    ("login_password_ok", "", f"Vous avez écrit votre mot de passe {WHEN}."),
    ("login_password_wrong", "mot de passe faux", f"Un mot de passe faux a été écrit {WHEN}."),
    ("login_locked", "essai trop tôt après des mots de passe faux",
     f"Un mot de passe a été écrit trop tôt après des erreurs {WHEN}. Il n’a pas été vérifié."),
    ("otp_sent", "", f"Un code de connexion vous a été envoyé {WHEN}."),
    ("otp_wrong", "code faux", f"Un code de connexion faux a été écrit {WHEN}."),
    ("otp_void", "5 codes faux", f"Votre code de connexion a été annulé {WHEN}. Raison : 5 codes faux."),
    ("login_succeeded", "", f"Vous vous êtes connectée {WHEN}."),
    ("logout", "", f"Vous vous êtes déconnectée {WHEN}."),
    ("session_expired", "", f"Vous avez été déconnectée {WHEN}, car vous n’utilisiez plus le site."),
    ("password_changed", "", f"Vous avez changé votre mot de passe {WHEN}."),
    ("password_reset_requested", "", f"Vous avez demandé un nouveau mot de passe {WHEN}."),
    ("identifier_sent", "", f"Votre identifiant vous a été envoyé {WHEN}."),
    ("contact_changed", "", f"Vous avez enregistré votre téléphone ou votre e-mail {WHEN}."),
    ("otp_channel_changed", "", f"Vous avez choisi comment recevoir vos codes de connexion {WHEN}."),
    ("emergency_access_set", "", f"Vous avez fait votre choix pour l’accès en urgence {WHEN}."),
    ("first_connection_done", "", f"Vous avez fini votre première connexion {WHEN}."),
    ("other_sessions_ended", "", f"Vous avez fermé vos autres sessions {WHEN}."),
])
def test_each_step_of_the_patients_account_has_its_sentence(action, reason, sentence):
    line = describe(entry(HOLDER, action, allowed=not reason, reason=reason), titles=TITLES,
                    professionals=PROFESSIONALS, feminine=True)
    assert line.sentence.replace(NBSP, " ") == sentence and line.refused == bool(reason)


def test_the_emergency_choice_and_a_change_of_settings_say_what_was_chosen():
    chosen = entry(HOLDER, "emergency_access_set",
                   detail=JournaledDetail(change=Change("emergency_access_allowed")).stored())
    assert say(chosen) == (f"Vous avez fait votre choix pour l’accès en urgence {WHEN}. "
                           "Votre choix : accès en urgence autorisé.")
    blocked = entry(HOLDER, "manage", reason=REASONS["holder"],
                    detail=JournaledDetail("holder",
                                           change=Change("professional_blocked", LEFEVRE.rpps, LEFEVRE.name)).stored())
    assert say(blocked) == (f"Vous avez changé les réglages de votre DMP {WHEN}. "
                            "Le changement : professionnel bloqué : Dr Paul Lefèvre (RPPS 10001000024).")
    refused = entry(HOLDER, "manage", allowed=False, reason=REASONS["attending_doctor_cannot_be_blocked"],
                    detail=JournaledDetail("attending_doctor_cannot_be_blocked",
                                           change=Change("professional_blocked", DURAND.rpps, DURAND.name)).stored())
    assert say(refused) == (f"Vous avez essayé de changer les réglages de votre DMP {WHEN}. "
                            "C’était refusé. Le médecin traitant ne peut pas être bloqué.")


def test_entries_written_before_codes_read_into_the_same_sentences():
    chosen = entry(HOLDER, "emergency_access_set", detail="accès en urgence autorisé")
    assert say(chosen) == (f"Vous avez fait votre choix pour l’accès en urgence {WHEN}. "
                           "Votre choix : accès en urgence autorisé.")
    blocked = entry(HOLDER, "manage", reason=REASONS["holder"],
                    detail="professionnel bloqué : Dr Paul Lefèvre (RPPS 10001000024)")
    assert say(blocked) == (f"Vous avez changé les réglages de votre DMP {WHEN}. "
                            "Le changement : professionnel bloqué : Dr Paul Lefèvre (RPPS 10001000024).")
    refused = entry(HOLDER, "manage", allowed=False, reason=REASONS["attending_doctor_cannot_be_blocked"],
                    detail="attending_doctor_cannot_be_blocked ; Dr Marie Durand")
    assert say(refused) == (f"Vous avez essayé de changer les réglages de votre DMP {WHEN}. "
                            "C’était refusé. Le médecin traitant ne peut pas être bloqué.")
    hidden = entry(HOLDER, "hide_document", reason=REASONS["holder"],
                   detail=f"holder ; document {REPORT} ; caché aux professionnels")
    assert say(hidden) == f"Vous avez caché « Compte rendu d’hospitalisation » aux professionnels {WHEN}."
    wishes = entry(HOLDER, "manage", reason=REASONS["holder"],
                   detail="volontés et droits : directives anticipées écrites")
    assert say(wishes) == (f"Vous avez changé les réglages de votre DMP {WHEN}. "
                           "Le changement : volontés et droits : directives anticipées écrites.")
    opened = entry(BERNARD, "break_glass", reason=REASONS["emergency_break_glass"], emergency=True,
                   detail="emergency_break_glass ; urgence break_glass : Patiente inconsciente à domicile")
    assert say(opened).endswith(" La raison donnée : « Patiente inconsciente à domicile ».")


@pytest.mark.parametrize("what", sorted(CHANGES))
def test_every_change_the_domain_declares_has_its_words(what):
    changed = entry(HOLDER, "manage", reason=REASONS["holder"],
                    detail=JournaledDetail("holder", change=Change(what, LEFEVRE.rpps, LEFEVRE.name)).stored())
    told = say(changed).split("Le changement : ")[1]
    assert told and "_" not in told  # French words, not the code


def test_closing_reopening_and_the_reimbursements_of_the_assurance_maladie():
    assert say(entry(HOLDER, "dossier_closed")) == f"Vous avez fermé votre DMP {WHEN}."
    assert say(entry(HOLDER, "dossier_reopened")) == f"Vous avez rouvert votre DMP {WHEN}."
    updated = entry(Actor("system", "assurance_maladie", "l’Assurance Maladie"), "reimbursements_updated",
                    reason="L’Assurance Maladie envoie les remboursements des 24 derniers mois.",
                    detail="2 remboursements ajoutés")
    assert say(updated) == f"L’Assurance Maladie a mis à jour vos remboursements {WHEN}."


def test_a_man_reads_the_masculine():
    assert say(entry(HOLDER, "login_succeeded")) == f"Vous vous êtes connecté {WHEN}."


def test_every_action_the_journal_knows_has_its_own_sentence():
    assert ACTIONS <= DESCRIBED_ACTIONS, sorted(ACTIONS - DESCRIBED_ACTIONS)


# -- pages -----------------------------------------------------------------------------------

def journal_with(entries) -> MemoryJournals:
    """The fake journal store (tests/memory_store.py) holding these entries for DOSSIER."""
    journal = MemoryJournals()
    journal.by_dossier[DOSSIER] = list(entries)
    return journal


def journal_of(count, emergency_every=0):
    """Entries each told on its own line: their details differ."""
    return [entry(HOLDER, "login_succeeded", at=AT + timedelta(minutes=n), detail=f"n{n}",
                  emergency=bool(emergency_every) and n % emergency_every == 0) for n in range(count)]


def test_pages_hold_20_lines_newest_first():
    entries = journal_of(45)
    journal = journal_with(entries)
    first, last = page_of(journal, DOSSIER, 1), page_of(journal, DOSSIER, 3)
    # the lines are not counted before the last page: repeats join, and that needs reading them
    assert (first.pages, first.total, len(first.entries), len(last.entries)) == (None, 45, 20, 5)
    assert last.pages == 3 and first.entries[0] is entries[-1] and last.entries[-1] is entries[0]
    assert (first.previous, first.next, last.previous, last.next) == (None, 2, 2, None)
    assert page_of(journal, DOSSIER, 2).entries == list(reversed(entries))[20:40]
    assert page_of(journal, DOSSIER, 1, upto=44).entries[0] is entries[-2]  # a page cut where the one before was


@pytest.mark.parametrize("number", [0, 4, -1])
def test_a_page_the_history_does_not_have_is_refused(number):
    with pytest.raises(NoSuchPage):
        page_of(journal_with(journal_of(45)), DOSSIER, number)


def test_an_empty_history_has_one_empty_page_in_each_view():
    for view in VIEWS:
        page = page_of(journal_with([]), DOSSIER, 1, view=view)
        assert (page.entries, page.pages, page.total, page.next) == ([], 1, 0, None)


def test_the_filter_keeps_only_emergencies():
    entries = journal_with(journal_of(45, emergency_every=3))  # 15 of them
    page = page_of(entries, DOSSIER, 1, view=EMERGENCIES)
    assert (page.total, page.pages) == (15, 1) and all(e.emergency for e in page.entries)
    with pytest.raises(NoSuchPage):
        page_of(entries, DOSSIER, 2, view=EMERGENCIES)


def test_the_carers_view_keeps_the_entries_of_others_than_the_patient_s_side():
    mother = LegalRepresentative("r1", "Anne Benali", DOSSIER)
    entries = [entry(DURAND if n % 3 == 0 else mother if n % 3 == 1 else HOLDER, "list_documents",
                     at=AT + timedelta(minutes=n)) for n in range(66)]
    journal = journal_with(entries)
    first, second = page_of(journal, DOSSIER, 1, view=OTHERS), page_of(journal, DOSSIER, 2, view=OTHERS)
    assert (first.total, first.pages, len(first.entries), len(second.entries)) == (22, 2, 20, 2)
    assert {e.actor_id for e in first.entries + second.entries} == {DURAND.rpps}
    assert first.entries[0] is entries[63] and second.entries[-1] is entries[0]


def test_a_repeated_action_of_the_patient_is_one_line_never_a_professional_s():
    listed = [entry(HOLDER, "list_documents", at=AT + timedelta(minutes=n)) for n in range(30)]
    read = [entry(DURAND, "read_document", detail=f'{{"document": "{REPORT}"}}', at=AT + timedelta(minutes=40 + n))
            for n in range(2)]
    page = page_of(journal_with([*listed, *read, entry(HOLDER, "list_documents", allowed=False,
                                                           at=AT + timedelta(hours=1))]), DOSSIER, 1)
    assert [len(group) for group in page.groups] == [1, 1, 1, 30]  # refused: another outcome
    assert page.groups[3][0] is listed[-1] and page.groups[3][-1] is listed[0]


def test_a_page_of_lines_reads_the_journal_only_down_to_its_last_line():
    entries = journal_of(1000)
    journal = journal_with(entries)
    asked = []
    reading = journal.entries
    journal.entries = lambda *args: asked.append(args) or reading(*args)
    page_of(journal, DOSSIER, 1)
    assert asked == [(DOSSIER, 960, 1000)]  # one chunk, not the 1,000 entries


def test_a_repeated_action_says_how_many_times_and_from_when_to_when():
    from dataclasses import replace

    line = describe(entry(HOLDER, "list_documents", at=AT + timedelta(days=1, hours=2)), titles=TITLES,
                    professionals=PROFESSIONALS)
    told = replace(line, times=30, since=AT)
    assert told.what == "Vous avez regardé la liste de vos documents 30 fois."
    assert told.when.replace(NBSP, " ") == "Du 5 mars 2026 à 10 h 12 au 6 mars 2026 à 12 h 12"
    assert told.sentence.replace(NBSP, " ") == ("Vous avez regardé la liste de vos documents 30 fois. "
                                                "C’était du 5 mars 2026 à 10 h 12 au 6 mars 2026 à 12 h 12.")
    same_day = replace(line, times=2, since=AT + timedelta(days=1))
    assert same_day.when.replace(NBSP, " ") == "Le 6 mars 2026, de 10 h 12 à 12 h 12"
    assert [f.code for f in check_text(told.sentence.replace(NBSP, " ")).findings] == []


def test_each_kind_of_copy_is_told_by_name():
    fields = Decision(True, "holder", REASONS["holder"], action="export", actor=HOLDER.ref,
                      dossier_id=DOSSIER, at=AT).journal_fields()
    for note, old, told in [("copy_pdf", "copie PDF", "demandé une copie de votre DMP à imprimer"),
                            ("copy_archive", "archive ZIP",
                             "demandé une copie complète de votre DMP, avec ses fichiers"),
                            ("copy_post", "copie par courrier", "demandé une copie de votre DMP par courrier")]:
        for detail in ({**fields["detail"], "note": note}, f"holder ; {old}"):  # new entries, and older ones
            kept = {**fields, "detail": detail}
            entry = make_entry(Head(), "d0551e4", CHAIN, kept.pop("at"), kept.pop("actor"), kept.pop("action"), **kept)
            assert say(entry) == f"Vous avez {told} {WHEN}."


@pytest.mark.parametrize("action, sentence", [
    ("creation_code_requested", f"Quelqu’un a écrit votre numéro {WHEN}. Il voulait un code pour créer un DMP. "
                                "Vous en avez déjà un : rien n’a changé."),
    ("dossier_creation_refused", f"Quelqu’un a écrit votre numéro {WHEN}. Il voulait créer un DMP. "
                                 "Vous en avez déjà un : rien n’a changé."),
])
def test_a_stranger_typing_the_holder_s_nir_reads_plainly_in_the_history(action, sentence):
    from dmp_web.domain.falc import check_text

    stranger = Actor("anonymous", "", "une personne")
    line = describe(entry(stranger, action, allowed=False, reason="ce numéro a déjà un DMP"), titles=TITLES,
                    professionals=PROFESSIONALS, feminine=True)
    assert line.sentence.replace(NBSP, " ") == sentence and line.refused
    # short sentences (the words of the DMP are explained on the history page itself)
    assert [f.code for f in check_text(line.sentence.replace(NBSP, " ")).findings if f.code != "unexplained_term"] == []


def test_the_three_emergency_switches_and_the_wishes_a_professional_saw_are_told():
    said = [say(entry(HOLDER, "emergency_access_set", detail=JournaledDetail(change=Change(what)).stored()))
            for what in ("regulator_access_allowed", "break_glass_refused", "hidden_in_emergency_allowed")]
    assert said == [
        f"Vous avez fait votre choix pour l’accès en urgence {WHEN}. "
        "Votre choix : le médecin du centre 15 peut ouvrir votre DMP pendant un appel.",
        f"Vous avez fait votre choix pour l’accès en urgence {WHEN}. "
        "Votre choix : un soignant ne peut pas ouvrir votre DMP en urgence.",
        f"Vous avez fait votre choix pour l’accès en urgence {WHEN}. "
        "Votre choix : en urgence, un soignant peut lire vos documents cachés.",
    ]
    seen = Decision(True, "profession_may_see_wish", REASONS["profession_may_see_wish"], action="read_wish",
                    actor=BERNARD.ref, dossier_id=DOSSIER, at=AT, wish="trusted_person").journal_fields()
    line = make_entry(Head(), "d0551e4", CHAIN, seen.pop("at"), seen.pop("actor"), seen.pop("action"), **seen)
    assert say(line) == f"Hugo Bernard (infirmier) a vu votre personne de confiance {WHEN}."
    refused_opening = decided(PETIT, "open_emergency", "emergency_profession", allowed=False,
                              emergency=EmergencyAccess("break_glass", PETIT.rpps, "Malaise à l’officine", AT))
    assert say(refused_opening) == (
        f"Accès en urgence : Claire Petit (pharmacien) a essayé d’ouvrir votre DMP en urgence {WHEN}. "
        "C’était refusé. Le métier de ce soignant ne permet pas d’ouvrir un DMP en urgence. "
        "La raison donnée : « Malaise à l’officine ».")


def test_no_change_of_settings_is_told_with_the_word_titulaire():
    """« titulaire » is the law's word, not the patient's: the history says « vous »."""
    for what in sorted(CHANGES):
        line = say(entry(HOLDER, "manage", reason=REASONS["holder"],
                         detail=JournaledDetail("holder", change=Change(what, LEFEVRE.rpps, LEFEVRE.name)).stored()))
        assert "titulaire" not in line, what
    closed = entry(HOLDER, "manage", reason=REASONS["holder"],
                   detail=JournaledDetail("holder", change=Change("dossier_closed")).stored())
    assert say(closed) == f"Vous avez changé les réglages de votre DMP {WHEN}. Le changement : DMP fermé."
