"""Settings come from DMP_* variables, with defaults that fail safe."""
import pytest

from dmp_web import create_app
from dmp_web.settings import Settings, SettingsError
from dmp_web.store.crypto import Sealer, encode_key

DATA_KEY = encode_key(Sealer.generate_key())


def test_the_default_environment_is_production():
    assert Settings.from_env({}).env == "production"


def test_outside_development_the_app_refuses_to_start_without_a_secret_key(tmp_path):
    settings = Settings.from_env({"DMP_DATA_DIR": str(tmp_path / "d"), "DMP_EXPORTS_DIR": str(tmp_path / "e")})
    with pytest.raises(SettingsError, match="DMP_SECRET_KEY"):
        create_app(settings)


def test_a_short_secret_key_is_refused(tmp_path):
    with pytest.raises(SettingsError, match="32"):
        Settings.from_env({"DMP_SECRET_KEY": "short"}).resolved_secret_key()


def test_an_unknown_environment_is_refused():
    with pytest.raises(SettingsError):
        Settings.from_env({"DMP_ENV": "prod"})


def test_development_keeps_one_generated_key_in_the_data_folder(tmp_path):
    settings = Settings.from_env({"DMP_ENV": "development", "DMP_DATA_DIR": str(tmp_path)})
    first = settings.resolved_secret_key()
    assert len(first) >= 32
    assert settings.resolved_secret_key() == first
    assert (tmp_path / ".dev-secret-key").stat().st_mode & 0o077 == 0  # readable by its owner only


def _session_cookie(app) -> str:
    @app.get("/pose-session")
    def set_session():
        from flask import session

        session["x"] = 1
        return "ok"

    return app.test_client().get("/pose-session", base_url="https://dmp.example").headers["Set-Cookie"]


def test_in_production_the_session_cookie_is_secure_httponly_and_samesite_lax(tmp_path):
    settings = Settings.from_env(
        {
            "DMP_SECRET_KEY": "k" * 40,
            "DMP_DATA_KEYS": DATA_KEY,
            "DMP_SMTP_HOST": "127.0.0.1",
            "DMP_SMS_EMAIL_DOMAIN": "sms.example.org",
            "DMP_DATA_DIR": str(tmp_path / "d"),
            "DMP_EXPORTS_DIR": str(tmp_path / "e"),
        }
    )
    cookie = _session_cookie(create_app(settings))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_in_development_the_session_cookie_works_over_plain_http(tmp_path):
    settings = Settings.from_env({"DMP_ENV": "development", "DMP_DATA_DIR": str(tmp_path / "d"), "DMP_EXPORTS_DIR": str(tmp_path / "e")})
    cookie = _session_cookie(create_app(settings))
    assert "Secure" not in cookie and "HttpOnly" in cookie


def test_in_production_the_app_refuses_to_start_without_a_way_to_send_codes(tmp_path):
    base = {"DMP_SECRET_KEY": "k" * 40, "DMP_DATA_KEYS": DATA_KEY,
            "DMP_DATA_DIR": str(tmp_path / "d"), "DMP_EXPORTS_DIR": str(tmp_path / "e")}
    with pytest.raises(RuntimeError, match="SMTP"):
        create_app(Settings.from_env(base))
    with pytest.raises(RuntimeError, match="SMS"):
        create_app(Settings.from_env({**base, "DMP_SMTP_HOST": "127.0.0.1"}))


def test_outside_development_the_app_refuses_to_start_without_data_keys(tmp_path):
    base = {"DMP_SECRET_KEY": "k" * 40, "DMP_DATA_DIR": str(tmp_path / "d"), "DMP_EXPORTS_DIR": str(tmp_path / "e")}
    with pytest.raises(SettingsError, match="DMP_DATA_KEYS"):
        create_app(Settings.from_env(base))
    for wrong in ("not-base64!", encode_key(b"short"), f"{DATA_KEY},{'x' * 44}"):
        with pytest.raises(SettingsError, match="DMP_DATA_KEYS"):
            Settings.from_env({**base, "DMP_DATA_KEYS": wrong}).resolved_data_keys()


def test_data_keys_are_read_newest_first_and_development_keeps_one_in_the_data_folder(tmp_path):
    older = encode_key(Sealer.generate_key())
    keys = Settings.from_env({"DMP_DATA_KEYS": f" {DATA_KEY} , {older} "}).resolved_data_keys()
    assert [encode_key(k) for k in keys] == [DATA_KEY, older]
    settings = Settings.from_env({"DMP_ENV": "development", "DMP_DATA_DIR": str(tmp_path)})
    first = settings.resolved_data_keys()
    assert settings.resolved_data_keys() == first and len(first[0]) == 32
    key_file = tmp_path / ".dev-data-key"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
