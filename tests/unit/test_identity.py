"""The NIR check: 15 characters, Corsica, spaces, the control key."""
import pytest

from dmp_web.domain.identity import InvalidNir, nir_key, normalize_nir

from ..identities import format_nir
from datetime import UTC

PEPPER = b"a one-time code pepper for tests!!"  # the key one-time codes are hashed with


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("242037505604161", "242037505604161"),
        ("2 42 03 75 056 041 61", "242037505604161"),
        ("1 50 02 2a 004 017 83", "150022A00401783"),
    ],
)
def test_a_valid_nir_is_accepted_with_or_without_spaces(typed, expected):
    assert normalize_nir(typed) == expected


@pytest.mark.parametrize(
    "typed, code",
    [
        ("", "empty"),
        ("   ", "empty"),
        ("24203750560416", "length"),
        ("2420375056041612", "length"),
        ("24203750560416A", "characters"),
        ("2420375O5604161", "characters"),
        ("185054958815780", "key"),  # the example in the FALC guide: its key is wrong
        ("242037505604162", "key"),
        ("942037505604161", "first_digit"),
    ],
)
def test_a_wrong_nir_says_why(typed, code):
    with pytest.raises(InvalidNir) as error:
        normalize_nir(typed)
    assert error.value.code == code


def test_corsica_letters_count_as_19_and_18_in_the_key():
    assert nir_key("150022A004017") == 97 - int("1500219004017") % 97
    assert nir_key("150022B004017") == 97 - int("1500218004017") % 97


def test_a_nir_is_shown_grouped_as_on_the_card():
    assert format_nir("242037505604161") == "2 42 03 75 056 041 61"


def test_wrong_passwords_slow_down_then_wait_at_most_30_seconds():
    from datetime import timedelta

    from dmp_web.domain.accounts import PASSWORD_MAX_DELAY, password_delay

    assert [password_delay(n).total_seconds() for n in range(1, 10)] == [0, 0, 1, 2, 4, 8, 16, 30, 30]
    assert password_delay(10_000) == PASSWORD_MAX_DELAY == timedelta(seconds=30)


def test_a_login_code_goes_even_just_after_a_code_for_a_new_phone():
    from datetime import datetime, timedelta

    import pytest

    from dmp_web.domain.accounts import Account, TooSoon

    now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    account = Account("abc1234", "d", "")
    account.issue_otp("contact:sms:0612345678", now, PEPPER)
    assert account.issue_otp("login", now + timedelta(seconds=5), PEPPER)  # not held back
    with pytest.raises(TooSoon):
        account.issue_otp("login", now + timedelta(seconds=10), PEPPER)  # the same kind within a minute
    with pytest.raises(TooSoon):
        account.issue_otp("contact:sms:0700000000", now + timedelta(seconds=10), PEPPER)


def test_creation_codes_keep_the_earlier_ones_and_obey_the_caps():
    from datetime import datetime, timedelta

    from dmp_web.domain.accounts import (
        CREATION_CODE_EMAILS_PER_DAY, CREATION_CODE_LETTERS_PER_WEEK, CodeCheck, first_creation_code,
    )
    from dmp_web.domain.credentials import hash_secret

    now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    record = first_creation_code("148086912304582", hash_secret("AAAABBBBCCCC"), "email", now)
    for n in range(CREATION_CODE_EMAILS_PER_DAY - 1):
        assert record.may_send("email", now)
        record = record.renewed(hash_secret(f"CODE{n:08d}"), "email", now)
    assert not record.may_send("email", now + timedelta(hours=23))
    assert record.may_send("email", now + timedelta(days=1))
    assert record.check("AAAABBBBCCCC", now) is CodeCheck.OK  # the first still works
    letter = first_creation_code("242037505604161", hash_secret("X" * 12), "post", now)
    assert CREATION_CODE_LETTERS_PER_WEEK == 1 and not letter.may_send("post", now + timedelta(days=6))
    assert letter.may_send("post", now + timedelta(days=7))
    assert record.check("AAAABBBBCCCC", now + timedelta(days=60)) is CodeCheck.EXPIRED


def test_an_account_gets_at_most_10_codes_a_day():
    from datetime import datetime, timedelta

    import pytest

    from dmp_web.domain.accounts import OTP_MAX_PER_DAY, Account, TooMany

    now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    account = Account("abc1234", "d", "")
    for n in range(OTP_MAX_PER_DAY):
        account.issue_otp("login", now + timedelta(minutes=2 * n), PEPPER)
    with pytest.raises(TooMany) as refused:
        account.issue_otp("login", now + timedelta(hours=1), PEPPER)
    assert refused.value.seconds_left == 23 * 3600 + 1
    assert account.issue_otp("login", now + timedelta(days=1), PEPPER)  # the oldest is a day old: one more


# -- the INS -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "typed, expected",
    [
        ("242037505604161", "242037505604161"),  # the 15 characters of a NIR
        ("2420375056041", "242037505604161"),  # its 13 first: the key is added
        ("2 42 03 75 056 041", "242037505604161"),
        ("1 50 02 2a 004 017", "150022A00401783"),  # Corsica, 13 characters
    ],
)
def test_an_ins_matricule_is_taken_with_its_key_or_its_13_first_characters(typed, expected):
    from dmp_web.domain.identity import normalize_matricule

    assert normalize_matricule(typed) == expected


@pytest.mark.parametrize("typed, code", [("242037505604162", "key"), ("24203750560", "length"),
                                         ("242037505604X", "characters"), ("", "empty")])
def test_a_wrong_ins_matricule_is_refused_with_its_reason(typed, code):
    from dmp_web.domain.identity import normalize_matricule

    with pytest.raises(InvalidNir) as refused:
        normalize_matricule(typed)
    assert refused.value.code == code


@pytest.mark.parametrize("code, valid", [("13055", True), ("2A004", True), ("2B033", True), ("99134", True),
                                         ("2a004", False), ("2C004", False), ("1305", False), ("130555", False),
                                         ("", False), ("Paris", False)])
def test_a_birth_place_code_has_5_characters_digits_or_2a_2b(code, valid):
    from dmp_web.domain.identity import birth_place_code_is_valid

    assert birth_place_code_is_valid(code) is valid


def test_the_ins_of_a_person_is_their_number_under_the_oid_of_its_kind_with_the_5_traits():
    from dataclasses import replace

    from dmp_web.demo import INSURED
    from dmp_web.domain.dossier import Consent, Dossier
    from dmp_web.domain.register import dossier_identity

    fatima = next(p for p in INSURED if p.birth_name == "BENALI")
    ins = fatima.ins
    assert (ins.matricule, ins.oid, ins.kind) == ("275051305511212", "1.2.250.1.213.1.4.8", "NIR")
    assert (ins.birth_name, ins.first_birth_names, ins.birth_date.isoformat(), ins.sex, ins.birth_place_code) == (
        "BENALI", "Fatima", "1975-05-21", "F", "13055")  # the birth name, not her usage name ROCHE
    waiting = replace(fatima, matricule_kind="NIA").ins
    assert (waiting.oid, waiting.kind) == ("1.2.250.1.213.1.4.9", "NIA")
    made = dossier_identity(fatima)
    assert (made["holder_nir"], made["ins"], made["ins_oid"]) == (fatima.nir, fatima.nir, "1.2.250.1.213.1.4.8")
    from datetime import datetime

    at = datetime(2026, 1, 1, tzinfo=UTC)
    old = Dossier("d1", fatima.nir, made["ins_c"], at, Consent("holder", "online", at, "online"))
    assert old.ins == "" and old.hold_ins(ins) is True and (old.ins, old.ins_oid) == (ins.matricule, ins.oid)
    assert old.hold_ins(ins) is False  # held already: nothing to write
