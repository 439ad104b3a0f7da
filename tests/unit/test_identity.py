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
