"""A login hashes the password once: the one-time code needs no slow hash (it lives 10 minutes
and dies after 5 wrong tries), so a login costs one scrypt, not three."""
from __future__ import annotations

import hashlib

import pytest

from dmp_web.domain.credentials import hash_short_lived, verify_secret

from .pro_journey import DURAND, pro_log_in
from .test_patient_documents import patient_log_in


def counting_scrypt(monkeypatch) -> list:
    calls, real = [], hashlib.scrypt

    def scrypt(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)
    monkeypatch.setattr(hashlib, "scrypt", scrypt)
    return calls


def test_a_patient_and_a_professional_log_in_with_one_password_hash_each(client, notifier, monkeypatch):
    calls = counting_scrypt(monkeypatch)
    patient_log_in(client, notifier)
    assert client.get("/mon-dmp").status_code == 200 and len(calls) == 1
    client.submit("/deconnexion", {})
    pro_log_in(client, notifier, DURAND)
    assert len(calls) == 2


def test_a_one_time_code_hash_is_salted_keyed_and_checks_only_its_code():
    pepper, other = b"p" * 32, b"q" * 32
    first, second = hash_short_lived("12345678", pepper), hash_short_lived("12345678", pepper)
    assert first != second and first.startswith("hmac$")
    assert verify_secret("12345678", first, pepper) and not verify_secret("12345679", first, pepper)
    assert not verify_secret("12345678", first, other)  # without the server's key, no code checks
    with pytest.raises(ValueError):
        hash_short_lived("12345678", b"")  # never without a key
