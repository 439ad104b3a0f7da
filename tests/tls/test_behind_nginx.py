"""The deployment the README describes: nginx with deploy/nginx-dmp.conf ends TLS and passes
the proxy headers; gunicorn serves plain HTTP behind it with DMP_TRUSTED_PROXIES=1."""
from __future__ import annotations

import json
import shutil
import ssl
import urllib.error
import urllib.request

import pytest

from ..smtp_server import free_port, running_smtp_server
from .journeys import assert_journey_worked, log_records, patient_journey
from .server import make_certificate, production_environment, seed_demo_dossier, start_gunicorn, start_nginx


@pytest.fixture(scope="module")
def deployed(tmp_path_factory, redis_url):
    if shutil.which("nginx") is None:
        pytest.fail("nginx is missing: apt-get install -y nginx-light (or run bash scripts/test.sh)", pytrace=False)
    root = tmp_path_factory.mktemp("nginx")
    cert, key = make_certificate(root)
    https_port, http_port, app_port = free_port(), free_port(), free_port()
    with running_smtp_server() as smtp:
        environment = production_environment(root, smtp, https_port, redis_url)
        environment.update(DMP_TRUSTED_PROXIES="1", DMP_BIND=f"127.0.0.1:{app_port}")
        seed_demo_dossier(environment)
        app = start_gunicorn(root, environment)
        try:
            proxy = start_nginx(root, cert, key, environment["DMP_BIND"], https_port, http_port)
        except BaseException:
            app.stop()
            raise
        app.smtp, app.proxy, app.cert = smtp, proxy, cert
        try:
            yield app
        finally:
            proxy.stop()
            app.stop()


@pytest.fixture(scope="module")
def journey(deployed):
    context = ssl.create_default_context(cafile=str(deployed.cert))
    return patient_journey(deployed.proxy.url, context, deployed.smtp, deployed)


def test_behind_nginx_a_patient_logs_in_adds_a_file_and_logs_out(journey):
    assert_journey_worked(journey)  # the session cookie is Secure: the app knew it was HTTPS


def test_the_app_takes_the_request_id_nginx_gave_and_sees_https(journey):
    login = journey["pages"]["login"]
    assert login.headers["Strict-Transport-Security"].startswith("max-age=")
    nginx_id = login.headers["X-Request-Id"]
    assert any(line["request_id"] == nginx_id and line["route"] == "auth.login" for line in journey["log"])
    cookies = {cookie.name: cookie for cookie in journey["client"].cookies}
    assert not cookies or all(cookie.secure for cookie in cookies.values())


def test_nginx_refuses_an_upload_over_the_limit_before_the_app_sees_it(deployed, journey):
    before = len(deployed.log_lines())
    request = urllib.request.Request(deployed.proxy.url + "/mon-dmp/documents/ajouter", data=b"x" * (13 << 20),
                                     method="POST", headers={"Content-Type": "application/octet-stream"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, context=ssl.create_default_context(cafile=str(deployed.cert)), timeout=30)
    assert refused.value.code == 413
    assert log_records(deployed, before) == []  # no worker was tied up by it


def test_plain_http_is_sent_to_https(deployed):
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as moved:
        opener.open(deployed.proxy.http_url + "/connexion", timeout=5)
    assert moved.value.code == 301 and moved.value.headers["Location"].startswith("https://")


def test_the_health_endpoint_answers_through_nginx(deployed):
    with urllib.request.urlopen(deployed.proxy.url + "/sante", context=ssl.create_default_context(
            cafile=str(deployed.cert)), timeout=5) as response:
        assert json.loads(response.read()) == {"status": "ok",
                                               "checks": {"store": "ok", "data_keys": "ok", "store_version": "ok"}}


def test_headers_a_client_writes_never_reach_the_app_unchecked(deployed):
    before = len(deployed.log_lines())
    spoofed = {"X-Request-Id": "spoofed-by-the-client", "X-Forwarded-For": "203.0.113.66",
               "X-Forwarded-Host": "evil.example.org", "X-Forwarded-Proto": "http"}
    context = ssl.create_default_context(cafile=str(deployed.cert))
    for path in ("/sante", "/static/css/dmp.css", "/"):
        with urllib.request.urlopen(urllib.request.Request(deployed.proxy.url + path, headers=spoofed),
                                    context=context, timeout=5) as response:
            assert response.headers["X-Request-Id"] != "spoofed-by-the-client", path
    lines = log_records(deployed, before)
    assert len(lines) == 3 and all(line["request_id"] != "spoofed-by-the-client" for line in lines)
