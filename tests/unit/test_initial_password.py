"""The initial password is printed in groups of 4: typed with its spaces, it is the same password.
A password chosen later keeps its spaces."""
from datetime import UTC, datetime

from dmp_web.domain.accounts import Account, PasswordCheck
from dmp_web.domain.credentials import hash_secret

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _account(password: str = "78AZK2KGSWWF") -> Account:
    return Account(login_id="hup7510", dossier_id="d1", password_hash=hash_secret(password), mobile="0612345678")


def test_the_initial_password_is_taken_with_or_without_its_spaces():
    account = _account()
    assert account.on_initial_password
    for typed in ("78AZK2KGSWWF", "78AZ K2KG SWWF", " 78AZ\u00a0K2KG  SWWF ", "78AZ\tK2KG SWWF"):
        assert account.try_password(typed, NOW) is PasswordCheck.OK, typed


def test_a_wrong_initial_password_in_groups_is_a_wrong_try():
    account = _account()
    assert account.try_password("78AZ K2KG SWWG", NOW) is PasswordCheck.WRONG
    assert account.failed_passwords == 1


def test_a_chosen_password_keeps_its_spaces():
    account = _account()
    account.set_password("un jardin de roses en hiver", NOW)
    assert not account.on_initial_password
    assert account.try_password("un jardin de roses en hiver", NOW) is PasswordCheck.OK
    assert account.try_password("unjardinderosesenhiver", NOW) is PasswordCheck.WRONG


def test_the_codes_channels_are_the_contacts_the_person_has():
    assert _account().otp_channels() == ["sms"]
    assert Account(login_id="x", dossier_id="d", password_hash="", email="a@b.fr").otp_channels() == ["email"]
    both = Account(login_id="x", dossier_id="d", password_hash="", mobile="0612345678", email="a@b.fr")
    assert both.otp_channels() == ["sms", "email"]
    assert Account(login_id="x", dossier_id="d", password_hash="").otp_channels() == []
