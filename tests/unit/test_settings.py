"""Settings come from DMP_* variables; each rule of the check before start has a test here."""
import pytest

from dmp_web import create_app
from dmp_web.settings import Settings, SettingsError
from dmp_web.store.crypto import Sealer, encode_key

DATA_KEY = encode_key(Sealer.generate_key())
JOURNAL_KEY = encode_key(Sealer.generate_key())


def production_env(tmp_path, **overrides) -> dict:
    """A production configuration that passes every rule."""
    env = {
        "DMP_SECRET_KEY": "k" * 40,
        "DMP_DATA_KEYS": DATA_KEY,
        "DMP_JOURNAL_KEY": JOURNAL_KEY,
        "DMP_SITE_URL": "https://dmp.example.org",
        "DMP_SMTP_HOST": "127.0.0.1",
        "DMP_SMTP_FROM": "ne-pas-repondre@dmp.example.org",
        "DMP_SMS_EMAIL_DOMAIN": "sms.example.org",
        "DMP_CONTACT_EMAIL": "contact@dmp.example.org",
        "DMP_DATA_DIR": str(tmp_path / "d"),
        "DMP_EXPORTS_DIR": str(tmp_path / "e"),
        "DMP_RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/0",
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def problems_of(environ: dict) -> list[str]:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(environ)
    return refused.value.problems


def test_a_complete_production_configuration_passes(tmp_path):
    settings = Settings.from_env(production_env(tmp_path))
    assert settings.env == "production" and settings.problems() == []


def test_the_default_environment_is_production_and_it_needs_its_secrets():
    problems = problems_of({})
    names = ("DMP_SECRET_KEY", "DMP_DATA_KEYS", "DMP_JOURNAL_KEY", "DMP_SITE_URL", "DMP_SMTP_HOST",
             "DMP_SMS_EMAIL_DOMAIN", "DMP_DATA_DIR", "DMP_EXPORTS_DIR", "DMP_CONTACT_EMAIL",
             "DMP_RATELIMIT_STORAGE_URL")
    for name in names:
        assert any(p.startswith(name + " :") for p in problems), name
    assert len(problems) == len(names)  # one line per problem, all at once


def test_in_production_folders_and_addresses_never_fall_back_to_the_code_s_defaults(tmp_path):
    for name in ("DMP_DATA_DIR", "DMP_EXPORTS_DIR", "DMP_CONTACT_EMAIL", "DMP_SMTP_FROM"):
        problems = problems_of(production_env(tmp_path, **{name: None}))
        assert len(problems) == 1 and problems[0].startswith(f"{name} : obligatoire en production"), name
    relative = problems_of(production_env(tmp_path, DMP_DATA_DIR="var/data"))
    assert relative == ["DMP_DATA_DIR : obligatoire en production, avec un chemin complet (qui commence par /)."]


def test_an_unknown_environment_is_refused(tmp_path):
    assert problems_of(production_env(tmp_path, DMP_ENV="prod")) == [
        "DMP_ENV : « prod » n’est pas permis ; choisissez parmi production, development, testing."
    ]


def test_outside_development_the_site_url_must_be_https(tmp_path):
    for url in ("http://dmp.example.org", "dmp.example.org", "https://", "https://dmp.example.org/?x=1"):
        problems = problems_of(production_env(tmp_path, DMP_SITE_URL=url))
        assert len(problems) == 1 and problems[0].startswith("DMP_SITE_URL"), url
    assert "DMP_SITE_URL" in problems_of(production_env(tmp_path, DMP_SITE_URL=None))[0]


def test_in_development_the_site_url_may_be_plain_http():
    assert Settings.from_env({"DMP_ENV": "development"}).site_url == "http://127.0.0.1:5000"
    assert Settings.from_env({"DMP_ENV": "development", "DMP_SITE_URL": "http://localhost:8000/"}).site_url == (
        "http://localhost:8000")


def test_in_development_the_site_url_follows_the_port_of_the_run_command():
    """Letters and e-mails of a developer who runs on another port point at that port."""
    assert Settings.from_env({"DMP_ENV": "development", "DMP_PORT": "8123"}).site_url == "http://127.0.0.1:8123"
    assert Settings.from_env({"DMP_ENV": "development", "DMP_PORT": "8123",
                              "DMP_SITE_URL": "http://localhost:8000"}).site_url == "http://localhost:8000"


def test_booleans_accept_only_the_documented_words(tmp_path):
    for word, expected in (("1", True), ("TRUE", True), ("yes", True), ("on", True),
                           ("0", False), ("false", False), ("No", False), ("off", False)):
        settings = Settings.from_env(production_env(tmp_path, DMP_SMTP_STARTTLS=word))
        assert settings.smtp["starttls"] is expected, word
    for word in ("oui", "ture", "2", "y"):
        problems = problems_of(production_env(tmp_path, DMP_SMTP_STARTTLS=word))
        assert problems == [f"DMP_SMTP_STARTTLS : « {word} » n’est pas un oui ou un non ; "
                            "écrivez 1/true/yes/on ou 0/false/no/off."]


@pytest.mark.parametrize("name, good, bad", [
    ("DMP_SESSION_IDLE_MINUTES", "30", ["0", "-1", "241", "quinze", "1.5"]),
    ("DMP_LOCK_TIMEOUT_SECONDS", "2.5", ["-1", "0", "301", "nan", "inf", "trente"]),
    ("DMP_SMTP_PORT", "587", ["0", "65536", "-25"]),
    ("DMP_PORT", "8000", ["0", "70000"]),
    ("DMP_TRUSTED_PROXIES", "1", ["-1", "6", "un"]),
    ("DMP_WORKERS", "4", ["0", "65"]),
    ("DMP_WORKER_THREADS", "3", ["0", "17", "deux"]),
])
def test_numbers_are_range_checked(tmp_path, name, good, bad):
    Settings.from_env(production_env(tmp_path, **{name: good}))
    for value in bad:
        problems = problems_of(production_env(tmp_path, **{name: value}))
        assert len(problems) == 1 and problems[0].startswith(f"{name} : "), (value, problems)


def test_a_negative_lock_timeout_never_means_forever(tmp_path):
    assert "hors des limites" in problems_of(production_env(tmp_path, DMP_LOCK_TIMEOUT_SECONDS="-1"))[0]


def test_numbers_are_read_when_in_range(tmp_path):
    settings = Settings.from_env(production_env(tmp_path, DMP_SESSION_IDLE_MINUTES="30",
                                                DMP_LOCK_TIMEOUT_SECONDS="2.5", DMP_TRUSTED_PROXIES="1"))
    assert (settings.session_idle_minutes, settings.lock_timeout_seconds, settings.trusted_proxies) == (30, 2.5, 1)


def test_an_empty_variable_is_refused_rather_than_taken_as_unset(tmp_path):
    assert problems_of(production_env(tmp_path, DMP_SMTP_USER="  ")) == [
        "DMP_SMTP_USER : la variable est vide ; donnez une valeur ou retirez-la."
    ]


def test_an_unknown_dmp_variable_is_refused_as_a_typo(tmp_path):
    assert problems_of(production_env(tmp_path, DMP_SESION_IDLE_MINUTES="5")) == [
        "DMP_SESION_IDLE_MINUTES : ce réglage n’existe pas (une faute de frappe ?)."
    ]


def test_a_short_secret_key_is_refused(tmp_path):
    assert problems_of(production_env(tmp_path, DMP_SECRET_KEY="short")) == [
        "DMP_SECRET_KEY : la clé doit avoir au moins 32 caractères."
    ]


def test_data_keys_must_decode(tmp_path):
    for wrong in ("not-base64!", encode_key(b"short"), f"{DATA_KEY},{'x' * 44}"):
        problems = problems_of(production_env(tmp_path, DMP_DATA_KEYS=wrong))
        assert len(problems) == 1 and problems[0].startswith("DMP_DATA_KEYS : "), wrong


def test_the_journal_key_must_decode_and_be_none_of_the_data_keys(tmp_path):
    for wrong in ("not-base64!", encode_key(b"short")):
        problems = problems_of(production_env(tmp_path, DMP_JOURNAL_KEY=wrong))
        assert len(problems) == 1 and problems[0].startswith("DMP_JOURNAL_KEY : "), wrong
    assert problems_of(production_env(tmp_path, DMP_JOURNAL_KEY=DATA_KEY)) == [
        "DMP_JOURNAL_KEY : c’est une clé de DMP_DATA_KEYS ; prenez une clé à part."]


def test_addresses_and_domains_are_checked(tmp_path):
    assert problems_of(production_env(tmp_path, DMP_CONTACT_EMAIL="contact"))[0].startswith("DMP_CONTACT_EMAIL")
    assert problems_of(production_env(tmp_path, DMP_SMTP_FROM="a@b@c"))[0].startswith("DMP_SMTP_FROM")
    assert problems_of(production_env(tmp_path, DMP_SMS_EMAIL_DOMAIN="sms example"))[0].startswith(
        "DMP_SMS_EMAIL_DOMAIN")
    assert problems_of(production_env(tmp_path, DMP_BIND="partout"))[0].startswith("DMP_BIND")
    Settings.from_env(production_env(tmp_path, DMP_BIND="unix:/run/dmp/gunicorn.sock"))
    Settings.from_env(production_env(tmp_path, DMP_BIND="127.0.0.1:8000"))


def test_smtp_login_needs_both_halves_and_starttls(tmp_path):
    assert problems_of(production_env(tmp_path, DMP_SMTP_USER="dmp"))[0].startswith("DMP_SMTP_USER et")
    problems = problems_of(production_env(tmp_path, DMP_SMTP_USER="dmp", DMP_SMTP_PASSWORD="secret"))
    assert problems == ["DMP_SMTP_STARTTLS : le mot de passe SMTP partirait en clair ; mettez DMP_SMTP_STARTTLS=1."]
    Settings.from_env(production_env(tmp_path, DMP_SMTP_USER="dmp", DMP_SMTP_PASSWORD="secret",
                                     DMP_SMTP_STARTTLS="1"))


def test_the_app_refuses_to_start_with_the_same_problems(tmp_path):
    settings = Settings(env="production", data_dir=tmp_path / "d", exports_dir=tmp_path / "e", workers=1)
    with pytest.raises(SettingsError) as refused:
        create_app(settings)
    assert refused.value.problems == settings.problems() and len(settings.problems()) == 6  # 3 keys, URL, mail, SMS


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
    # no Redis here: the limits, which count in Redis in production, are off
    cookie = _session_cookie(create_app(Settings.from_env(production_env(tmp_path)), RATELIMIT_ENABLED=False))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_in_development_the_session_cookie_works_over_plain_http(tmp_path):
    settings = Settings.from_env({"DMP_ENV": "development", "DMP_DATA_DIR": str(tmp_path / "d"),
                                  "DMP_EXPORTS_DIR": str(tmp_path / "e")})
    cookie = _session_cookie(create_app(settings))
    assert "Secure" not in cookie and "HttpOnly" in cookie


def test_data_keys_are_read_newest_first_and_development_keeps_one_in_the_data_folder(tmp_path):
    older = encode_key(Sealer.generate_key())
    keys = Settings.from_env(production_env(tmp_path, DMP_DATA_KEYS=f" {DATA_KEY} , {older} ")).resolved_data_keys()
    assert [encode_key(k) for k in keys] == [DATA_KEY, older]
    settings = Settings.from_env({"DMP_ENV": "development", "DMP_DATA_DIR": str(tmp_path)})
    first = settings.resolved_data_keys()
    assert settings.resolved_data_keys() == first and len(first[0]) == 32
    key_file = tmp_path / ".dev-data-key"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_rate_limits_count_in_redis_when_several_processes_run(tmp_path):
    assert "DMP_RATELIMIT_STORAGE_URL : obligatoire" in problems_of(
        production_env(tmp_path, DMP_RATELIMIT_STORAGE_URL=None))[0]
    several = problems_of(production_env(tmp_path, DMP_RATELIMIT_STORAGE_URL="memory://"))
    assert several == ["DMP_RATELIMIT_STORAGE_URL : memory:// compte dans chaque processus ; avec plusieurs "
                       "processus (DMP_WORKERS), donnez redis://hôte:port."]
    Settings.from_env(production_env(tmp_path, DMP_RATELIMIT_STORAGE_URL="memory://", DMP_WORKERS="1"))
    for wrong in ("redis://", "http://cache:6379", "memcached://x"):
        assert problems_of(production_env(tmp_path, DMP_RATELIMIT_STORAGE_URL=wrong)) == [
            "DMP_RATELIMIT_STORAGE_URL : écrivez memory:// ou redis://hôte:port."], wrong
    assert Settings.from_env({"DMP_ENV": "development"}).ratelimit_storage_url == "memory://"


def test_the_worker_runs_inside_the_web_process_in_development_only(tmp_path):
    assert Settings.from_env(production_env(tmp_path)).worker_embedded is False
    assert Settings.from_env({"DMP_ENV": "development"}).worker_embedded is True
    assert Settings.from_env({"DMP_ENV": "testing"}).worker_embedded is False
    assert Settings.from_env({"DMP_ENV": "development", "DMP_WORKER_EMBEDDED": "0"}).worker_embedded is False


def test_the_database_url_is_a_postgresql_one(tmp_path):
    assert Settings.from_env(production_env(tmp_path, DMP_DATABASE_URL="postgresql://u@h:5432/dmp")
                             ).database_url == "postgresql://u@h:5432/dmp"
    assert problems_of({"DMP_ENV": "development", "DMP_DATABASE_URL": "mysql://h/dmp"}) == [
        "DMP_DATABASE_URL : écrivez postgresql://utilisateur@hôte:port/base."]
    assert "postgresql://u:secret@h" not in repr(Settings.from_env(
        {"DMP_ENV": "development", "DMP_DATABASE_URL": "postgresql://u:secret@h/dmp"}))
