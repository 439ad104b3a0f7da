"""Rate limits on what strangers can trigger: by address on every anonymous form, by target
where a message goes out, by (address, identifier) on login; shared through Redis."""
from __future__ import annotations

import json
import time
from types import SimpleNamespace

import pytest

from dmp_web.demo import DEMO_PASSWORD

from ..conftest import CheckedClient, make_app
from ..web.pro_journey import DURAND

NIR = "148086912304582"  # Marcel Dupuis, insured, no DMP yet


@pytest.fixture
def limited(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True)
    app.test_client_class = CheckedClient
    return app


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_an_address_sending_forms_too_fast_gets_a_plain_page_saying_when_to_try_again(limited, capsys):
    client = client_at(limited, "198.51.100.7")
    token = client.csrf_token("/connexion")
    statuses = [client.post("/connexion", data={"csrf_token": token, "login_id": f"x{n}", "password": "y"}).status_code
                for n in range(21)]
    assert statuses[:20] == [200] * 20 and statuses[20] == 429
    refused = client.post("/mot-de-passe-oublie", data={"csrf_token": token, "login_id": "x", "nir": NIR})
    assert refused.status_code == 429  # one count for every anonymous form
    assert refused.soup.h1.get_text(strip=True) == "Trop de demandes"
    assert "Réessayez dans 1 minute." in refused.soup.main.get_text(" ")
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert [line.get("refusal") for line in lines if line["status"] == 429] == ["rate_limit", "rate_limit"]
    assert client_at(limited, "198.51.100.8").get("/connexion").status_code == 200  # others are not slowed


def test_one_nir_gets_few_creation_code_requests_whatever_the_addresses(limited):
    statuses = []
    for n in range(12):
        client = client_at(limited, f"203.0.113.{n}")
        statuses.append(client.submit("/creer/code", {"nir": NIR, "nir_confirm": NIR}).status_code)
    assert 429 not in statuses[:5] and statuses[5:] == [429] * 7


def test_a_professional_logs_in_while_someone_hammers_their_rpps_from_elsewhere(limited):
    attacker = client_at(limited, "192.0.2.66")
    token = attacker.csrf_token("/pro/connexion")
    hammered = [attacker.post("/pro/connexion", data={"csrf_token": token, "login_id": DURAND,
                                                      "password": f"essai {n}"}).status_code for n in range(15)]
    assert hammered[-1] == 429  # this address is cut off
    limited.extensions["dmp.clock"].advance(seconds=30)  # the longest wait after wrong passwords
    doctor = client_at(limited, "198.51.100.20")
    started = doctor.submit("/pro/connexion", {"login_id": DURAND, "password": DEMO_PASSWORD})
    assert started.status_code == 302 and started.headers["Location"] == "/pro/connexion/code"


def test_five_thousand_probes_from_one_address_are_refused_after_the_limit(limited, monkeypatch):
    # The limiter's memory storage counts real time: frozen here, so that however slow the
    # machine, the 5000 posts fall in one window and the count is the limit's, not the clock's.
    frozen = time.time()
    monkeypatch.setattr("limits.storage.memory.time", SimpleNamespace(time=lambda: frozen))
    client = client_at(limited, "192.0.2.99")
    token = client.csrf_token("/creer/code")
    refused = 0
    for n in range(5000):
        nir = f"1{n:014d}"
        response = client.post("/creer/code", data={"csrf_token": token, "nir": nir, "nir_confirm": nir})
        refused += response.status_code == 429
    assert refused == 5000 - 20


def test_two_processes_count_together_in_redis(tmp_path, redis_url):
    first, second = (make_app(tmp_path / name, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=redis_url,
                              RATELIMIT_KEY_PREFIX=f"test-{tmp_path.name}") for name in ("a", "b"))
    for app in (first, second):
        app.test_client_class = CheckedClient
    clients = [client_at(app, "198.51.100.77") for app in (first, second)]
    tokens = [c.csrf_token("/connexion") for c in clients]
    statuses = [clients[n % 2].post("/connexion", data={"csrf_token": tokens[n % 2], "login_id": f"x{n}",
                                                        "password": "y"}).status_code for n in range(21)]
    assert statuses[:20] == [200] * 20 and statuses[20] == 429  # 10 each, counted as one


def test_new_sessions_are_limited_by_address_and_pages_without_one_are_not_counted(limited):
    sessions = limited.extensions["dmp.store"].root / "sessions"

    def count() -> int:
        return sum(1 for p in sessions.rglob("*") if p.is_file()) if sessions.exists() else 0

    def probe(path="/connexion", address="192.0.2.77") -> int:  # a script that never keeps its cookie
        return client_at(limited, address).get(path).status_code

    home = client_at(limited, "192.0.2.77").get("/")
    assert "Set-Cookie" not in home.headers  # a page without a form opens no session…
    assert [probe("/") for _ in range(150)] == [200] * 150  # …and is not counted
    assert [probe() for _ in range(120)] == [200] * 120  # each of these opened a session
    stored = count()
    assert stored > 0 and [probe() for _ in range(5)] == [429] * 5
    assert count() == stored  # the refused visits stored nothing
    assert probe("/sante") == 200  # the health probe is never refused
    kept = client_at(limited, "198.51.100.30")  # a visitor who keeps their cookie counts once
    assert [kept.get(path).status_code for path in ["/connexion"] * 130] == [200] * 130


def test_ipv6_addresses_of_one_subscriber_count_together(limited):
    statuses = [client_at(limited, f"2001:db8:5:7::{n:x}").get("/connexion").status_code for n in range(125)]
    assert statuses[:120] == [200] * 120 and set(statuses[120:]) == {429}
    assert client_at(limited, "2001:db8:5:8::1").get("/connexion").status_code == 200  # another /64


def test_two_hundred_creation_code_requests_for_one_nir_send_at_most_the_daily_number(limited):
    from dmp_web.domain.accounts import CREATION_CODE_EMAILS_PER_DAY

    notifier = limited.extensions["dmp.notifier"]
    statuses = [client_at(limited, f"203.0.{n // 250}.{n % 250}").submit(
        "/creer/code", {"nir": NIR, "nir_confirm": NIR}).status_code for n in range(200)]
    assert statuses.count(429) == 195  # the 5 per hour of this NIR, whatever the addresses
    sent = [m for m in notifier.outbox if "Voici votre code pour créer votre DMP" in m.body]
    assert 0 < len(sent) == CREATION_CODE_EMAILS_PER_DAY
