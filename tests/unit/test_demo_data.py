"""The demo-data command fills the register and changes nothing when run again."""
from dmp_web.demo import INSURED
from dmp_web.domain.identity import normalize_nir
from dmp_web.store.register import InsuredRegister

from ..conftest import make_app
from ..store_files import store_files


def test_demo_data_is_idempotent(tmp_path):
    app = make_app(tmp_path)  # loads it once
    runner = app.test_cli_runner()
    before = store_files(tmp_path / "data")
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    assert "insured persons: 5" in result.output and "dossiers: 1" in result.output
    assert store_files(tmp_path / "data") == before
    assert [e.action for e in app.extensions["dmp.repos"].operators.entries()] == ["demo_data_loaded"]


def test_demo_people_have_valid_nirs_and_are_found_by_nir(tmp_path):
    app = make_app(tmp_path)
    register = InsuredRegister(app.extensions["dmp.store"])
    for person in INSURED:
        assert normalize_nir(person.nir) == person.nir
        assert register.get(person.nir) == person
    assert register.get("199999999999999") is None


def test_the_demo_patient_can_log_in_at_once(client, notifier):
    from dmp_web.demo import DEMO_LOGIN

    response = client.submit("/connexion", {"login_id": DEMO_LOGIN["login_id"], "password": DEMO_LOGIN["password"]})
    assert response.headers["Location"] == "/connexion/code"
    assert notifier.outbox[-1].to == DEMO_LOGIN["email"]
    assert client.submit("/connexion/code", {"code": notifier.last_otp()}).headers["Location"] == "/mon-dmp"
