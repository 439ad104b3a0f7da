"""What operators rely on: the health endpoint, and the request log's line for every refusal."""
from __future__ import annotations

import json

import pytest

from dmp_web import create_app
from dmp_web.demo import DEMO_LOGIN
from dmp_web.store.crypto import Sealer, encode_key

from ..conftest import make_settings
from .pro_journey import DOSSIER, DURAND, PETIT, pro_log_in

CONSULTATION = "d0c0000000000001"


def test_the_health_endpoint_answers_200_when_store_and_keys_work(client):
    response = client.get("/sante")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"store": "ok", "data_keys": "ok", "store_version": "ok"}}
    assert "Set-Cookie" not in response.headers  # a probe opens no session


def test_the_health_endpoint_answers_503_when_the_store_cannot_write(app, client):
    (app.extensions["dmp.store"].root / "health").mkdir(exist_ok=True)
    for name in ("probe.json", "probe.json.lock"):  # a folder where a file must go: writes fail
        target = app.extensions["dmp.store"].root / "health" / name
        target.unlink(missing_ok=True)
        target.mkdir()
    response = client.get("/sante")
    assert response.status_code == 503
    assert response.json["status"] == "fail" and response.json["checks"]["store"] == "fail"


def test_the_health_endpoint_answers_503_when_the_data_keys_do_not_open_the_canary(tmp_path):
    first_key, other_key = (encode_key(Sealer.generate_key()) for _ in range(2))
    first = create_app(make_settings(tmp_path, data_keys=(first_key,)))
    assert first.test_client().get("/sante").status_code == 200  # seals the canary
    wrong = create_app(make_settings(tmp_path, data_keys=(other_key,)))
    response = wrong.test_client().get("/sante")
    assert response.status_code == 503
    assert response.json == {"status": "fail", "checks": {"store": "ok", "data_keys": "fail", "store_version": "ok"}}
    rotated = create_app(make_settings(tmp_path, data_keys=(other_key, first_key)))
    assert rotated.test_client().get("/sante").status_code == 200  # the old key still opens it


def log_lines(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]


def refusal_of(lines: list[dict], route: str) -> list[str]:
    return [line.get("refusal") for line in lines if line["route"] == route]


@pytest.fixture
def logged(capsys):
    capsys.readouterr()  # forget what the fixtures printed
    return lambda: log_lines(capsys)


def test_a_policy_refusal_and_an_unknown_dossier_object_are_logged_with_their_reason(client, notifier, logged):
    pro_log_in(client, notifier, PETIT)
    assert client.get(f"/pro/dmp/{DOSSIER}/documents/{CONSULTATION}").status_code == 403
    assert client.get(f"/pro/dmp/{DOSSIER}/documents/ffffffffffffffff").status_code == 404
    assert client.get("/pro/dmp/0000000000000000ffff").status_code == 404
    lines = logged()
    assert refusal_of(lines, "pro.document") == ["policy", "dossier_not_found"]
    assert refusal_of(lines, "pro.dossier") == ["dossier_not_found"]
    assert {line["actor_kind"] for line in lines
            if line["route"] in ("pro.document", "pro.dossier")} == {"professional"}


def test_a_csrf_failure_a_wrong_password_and_a_try_too_soon_are_logged(client, logged):
    client.post("/connexion", data={"login_id": "x", "password": "y"})
    for _ in range(4):  # the clock does not move: after the third, the wait is not over
        client.submit("/connexion", {"login_id": DEMO_LOGIN["login_id"], "password": "pas le bon mot"})
    lines = logged()
    posts = [line.get("refusal") for line in lines if line["route"] == "auth.login" and line["method"] == "POST"]
    assert posts == ["csrf"] + ["wrong_credentials"] * 3 + ["locked"]


def test_a_code_asked_again_too_soon_and_a_wrong_code_are_logged(client, notifier, logged):
    client.submit("/pro/connexion", {"login_id": DURAND, "password": "demo-dmp-2026"})
    client.submit("/pro/connexion/code", {"code": "00000000"})
    client.submit("/pro/connexion/code", {}, action="/pro/connexion/code/nouveau")
    lines = logged()
    assert "wrong_code" in refusal_of(lines, "pro.login_code")
    assert refusal_of(lines, "pro.resend_login_code") == ["rate_limit"]


def test_an_unknown_page_and_a_too_large_body_are_logged(client, logged):
    client.get("/nulle-part")
    client.post("/connexion", data=b"x" * (13 * 1024 * 1024), content_type="application/octet-stream")
    lines = logged()
    assert [(line["route"], line["status"], line.get("refusal")) for line in lines] == [
        ("unmatched", 404, "not_found"), ("auth.login", 413, "too_large")]


def test_every_line_is_json_with_the_request_id_sent_back(client, logged):
    response = client.get("/")
    (line,) = logged()
    assert line["request_id"] == response.headers["X-Request-Id"]
    assert set(line) == {"ts", "level", "logger", "message", "request_id", "method", "route", "status",
                         "duration_ms", "actor_kind"}


def test_a_request_id_is_taken_from_the_proxy_only_when_the_proxy_is_trusted(tmp_path):
    given = {"X-Request-Id": "nginx-0123456789abcdef"}
    alone = create_app(make_settings(tmp_path / "a"))
    assert alone.test_client().get("/", headers=given).headers["X-Request-Id"] != given["X-Request-Id"]
    behind = create_app(make_settings(tmp_path / "b", trusted_proxies=1))
    assert behind.test_client().get("/", headers=given).headers["X-Request-Id"] == given["X-Request-Id"]
    odd = {"X-Request-Id": "<script>"}
    assert behind.test_client().get("/", headers=odd).headers["X-Request-Id"] != odd["X-Request-Id"]


def test_behind_one_trusted_proxy_the_app_knows_the_scheme_and_the_client(tmp_path):
    app = create_app(make_settings(tmp_path, trusted_proxies=1))

    @app.get("/vu-par-l-app")
    def seen():
        from flask import request

        return {"scheme": request.scheme, "remote": request.remote_addr, "host": request.host}

    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Host": "dmp.example.org"}
    assert app.test_client().get("/vu-par-l-app", headers=headers).json == {
        "scheme": "https", "remote": "203.0.113.7", "host": "dmp.example.org"}
    untrusting = create_app(make_settings(tmp_path / "b"))
    untrusting.add_url_rule("/vu-par-l-app", view_func=seen)
    assert untrusting.test_client().get("/vu-par-l-app", headers=headers).json["scheme"] == "http"


def test_hsts_is_sent_in_production_only(client):
    assert "Strict-Transport-Security" not in client.get("/").headers  # testing: plain HTTP allowed


def test_during_a_backup_the_health_endpoint_says_busy_but_healthy(app, client):
    import fcntl

    store = app.extensions["dmp.store"]
    assert client.get("/sante").status_code == 200  # the canary is sealed
    with store._writers(fcntl.LOCK_EX):  # what a backup holds while it links its snapshot
        response = client.get("/sante")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"store": "busy", "data_keys": "ok", "store_version": "ok"}}


def production_app(tmp_path):
    from dmp_web.settings import Settings

    return create_app(Settings(
        env="production", secret_key="p" * 40, data_keys=(encode_key(Sealer.generate_key()),),
        journal_key=encode_key(Sealer.generate_key()), data_dir=tmp_path / "data", exports_dir=tmp_path / "exports", site_url="https://dmp.example.org",
        smtp={"host": "127.0.0.1", "port": 25, "sender": "x@dmp.example.org", "username": None,
              "password": None, "starttls": False},
        sms_email_domain="sms.example.org", workers=1), PROPAGATE_EXCEPTIONS=False)


def test_in_production_a_server_error_is_logged_without_its_path_or_message(tmp_path, capsys):
    app = production_app(tmp_path)

    @app.get("/panne/<nir>")
    def broken(nir):
        raise ValueError(f"NIR {nir} introuvable")

    response = app.test_client().get("/panne/185077512345678", base_url="https://dmp.example.org")
    assert response.status_code == 500
    captured = capsys.readouterr()
    assert "185077512345678" not in captured.out + captured.err
    assert "Traceback" not in captured.err
    (error,) = [json.loads(line) for line in captured.out.splitlines() if '"unhandled exception"' in line]
    assert (error["route"], error["exception"], error["level"]) == ("broken", "ValueError", "error")
    assert error["where"].startswith("test_operations.py:")
    assert error["request_id"] == response.headers["X-Request-Id"]


def test_in_production_every_page_sends_hsts(tmp_path):
    response = production_app(tmp_path).test_client().get("/", base_url="https://dmp.example.org")
    assert response.headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"


def test_data_of_an_earlier_version_answers_en_travaux_until_migrate_store_has_run(tmp_path):
    from ..conftest import make_app

    make_app(tmp_path)  # a store with data
    data = tmp_path / "data"
    (data / "store-version.json").unlink()  # as an earlier version left it: no version
    old = make_app(tmp_path)
    page = old.test_client().get("/connexion")
    assert page.status_code == 503 and "Le service est en travaux" in page.get_data(as_text=True)
    health = old.test_client().get("/sante")
    assert health.status_code == 503 and health.json["checks"]["store_version"] == "outdated"
    done = old.test_cli_runner().invoke(args=["migrate-store"])
    assert done.exit_code == 0, done.output
    assert make_app(tmp_path).test_client().get("/connexion").status_code == 200  # once restarted
