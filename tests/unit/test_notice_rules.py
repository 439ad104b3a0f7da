"""The rules of the notices (domain/notices.py) and their words (services/notice_texts.py):
which way each person is reached, the pace of the hourly message, and messages in easy French
that say who, when, which kind and why."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dmp_web.domain.access import EmergencyKind
from dmp_web.domain.actors import Profession, Professional
from dmp_web.domain.falc import check_text
from dmp_web.domain.notices import Opening, OpeningDigest, channel_for, trusted_person_channel
from dmp_web.services import notice_texts as texts

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
HADDAD = Professional("10001000073", "Dr Karim Haddad", Profession.MEDECIN, "medecine_urgence",
                      emergency_regulator=True)
BERNARD = Professional("10001000040", "Hugo Bernard", Profession.INFIRMIER)
LONG_REASON = "Patient trouvé sans connaissance sur la voie publique, " * 6


@pytest.mark.parametrize("mobile, email, preferred, way", [
    ("0611223344", "a@example.org", "email", "email"),  # both: the way chosen for the login codes
    ("0611223344", "a@example.org", "sms", "sms"),
    ("0611223344", "", "email", "sms"),  # the chosen way is missing: the other
    ("", "a@example.org", "sms", "email"),
    ("", "", "sms", None),  # neither: the caller sends a letter, or nothing
])
def test_an_account_is_reached_the_way_it_chose_for_its_codes_if_it_has_it(mobile, email, preferred, way):
    assert channel_for(mobile, email, preferred) == way


def test_the_trusted_person_gets_an_sms_on_a_mobile_else_an_email():
    assert trusted_person_channel("0699887766", "p@example.org") == "sms"
    assert trusted_person_channel("0123456789", "p@example.org") == "email"  # a fixed line: no SMS
    assert trusted_person_channel("0123456789", "") is None


def test_one_message_an_hour_the_others_wait_for_its_end():
    state = OpeningDigest()
    assert state.may_send(NOW)
    state = state.sent(NOW, 10)
    assert not state.may_send(NOW + timedelta(minutes=59))
    state = state.waiting()
    assert state.due_at == NOW + timedelta(hours=1)
    assert state.waiting().due_at == state.due_at  # a third opening waits for the same time
    assert not state.is_due(NOW + timedelta(minutes=59)) and state.is_due(NOW + timedelta(hours=1))
    assert state.may_send(NOW + timedelta(hours=1))
    assert state.nothing_to_send(14) == OpeningDigest(NOW, 14, None)


def _ours(text: str, reason: str) -> str:
    """The message without the professional's own words (the reason is theirs, not ours)."""
    return text.replace(texts.reason_words(reason), "« sa raison »").replace(
        texts.reason_words(reason, texts.SMS_REASON_MAX), "« sa raison »")


@pytest.mark.parametrize("kind", list(EmergencyKind))
def test_every_emergency_message_says_who_when_which_kind_and_why_in_easy_french(kind):
    told = texts.EmergencyTold(texts.professional_words(HADDAD), NOW, kind, "Appel au 15 pour un malaise",
                               "Fatima ROCHE")
    messages = [texts.emergency_sms_to_holder(told), texts.emergency_email_to_holder(told, "https://dmp.example"),
                " ".join(texts.emergency_letter_lines(told))]
    for role in ("attending_doctor", "trusted_person"):
        messages += [texts.emergency_sms_to_others(told, role), texts.emergency_email_to_others(told, role),
                     texts.emergency_subject_to_others(told)]
    for message in messages:
        # an e-mail or a letter is read alone: it explains its hard words (the glossary's); an SMS
        # and a subject line stay short, and only the sentences' rules hold there
        short = message.startswith("DMP - ") or "\n" not in message and len(message) < 80
        glossary = () if short else None
        assert check_text(_ours(message, told.reason), glossary=glossary).findings == (), message
    for message in messages[:-1]:
        if message != texts.emergency_subject_to_others(told):
            assert "le docteur Karim Haddad (médecin, médecine d’urgence)" in message
            assert "le 23 novembre 2026 à 10 h 00" in message
    how = "appel au 15" if kind is EmergencyKind.REGULATOR else "« bris de glace »"
    assert all(how in m for m in messages[:3])


def test_a_long_reason_is_cut_in_an_sms_and_kept_whole_in_an_email():
    told = texts.EmergencyTold(texts.professional_words(BERNARD), NOW, EmergencyKind.BREAK_GLASS,
                               LONG_REASON + "\nfin", "Fatima ROCHE")
    sms = texts.emergency_sms_to_holder(told)
    assert "…" in sms and "fin" not in sms and len(sms) < 500
    mail = texts.emergency_email_to_holder(told, "https://dmp.example")
    assert " ".join((LONG_REASON + "\nfin").split()) in mail  # one line: it never passes for our text


def test_the_hourly_message_lists_each_professional_with_their_times_once_a_minute():
    openings = [Opening("10001000073", texts.professional_words(HADDAD), (NOW, NOW + timedelta(seconds=20))),
                Opening("10001000040", texts.professional_words(BERNARD),
                        tuple(NOW + timedelta(minutes=m) for m in range(0, 70, 10)))]
    lines = texts.openings_lines(openings)
    assert lines == [
        "Le docteur Karim Haddad (médecin, médecine d’urgence) : le 23 novembre 2026 à 10 h 00.",
        "Hugo Bernard (infirmier) a ouvert votre DMP 7 fois. C’était le 23 novembre 2026, de 10 h 00 à 11 h 00."]
    assert texts.opening_line(Opening("1", "Claire Petit (pharmacien)", (NOW, NOW + timedelta(minutes=5)))) == (
        "Claire Petit (pharmacien) a ouvert votre DMP 2 fois. C’était le 23 novembre 2026 à 10 h 00 et 10 h 05.")
    late = texts.opening_line(Opening("1", "Claire Petit (pharmacien)", (NOW, NOW + timedelta(hours=15))))
    assert late.endswith("C’était du 23 novembre 2026 à 10 h 00 au 24 novembre 2026 à 1 h 00.")
    assert check_text(texts.openings_sms(openings), glossary=()).findings == ()
    email = texts.openings_email(openings, "https://dmp.example")
    assert check_text(email).findings == (), email  # with the glossary: it explains « DMP »
