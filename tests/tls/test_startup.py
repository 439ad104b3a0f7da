"""The refusal to start, as an operator sees it: `flask check-config` and gunicorn print the
same lines, one per problem, and exit with status 1."""
from __future__ import annotations

import subprocess
import sys

from ..smtp_server import SmtpTestServer, free_port
from .server import PROJECT_ROOT, production_environment


def run(args, environment, timeout=60):
    return subprocess.run([sys.executable, "-m", *args], cwd=PROJECT_ROOT, env=environment, capture_output=True,
                          text=True, timeout=timeout)


def wrong_environment(tmp_path) -> dict:
    environment = production_environment(tmp_path, SmtpTestServer("127.0.0.1", 2525), free_port())
    environment.update(DMP_SITE_URL="http://dmp.example.org", DMP_SMTP_STARTTLS="oui",
                       DMP_LOCK_TIMEOUT_SECONDS="-1", DMP_SESION_IDLE_MINUTES="5")
    return environment


EXPECTED = [
    "- DMP_SMTP_STARTTLS : « oui » n’est pas un oui ou un non ; écrivez 1/true/yes/on ou 0/false/no/off.",
    "- DMP_LOCK_TIMEOUT_SECONDS : -1 est hors des limites ; donnez un nombre de 0.1 à 300.",
    "- DMP_SESION_IDLE_MINUTES : ce réglage n’existe pas (une faute de frappe ?).",
    "- DMP_SITE_URL : hors développement, l’adresse doit commencer par https://.",
]


def test_check_config_lists_every_problem_and_exits_1(tmp_path):
    result = run(["flask", "--app", "app", "check-config"], wrong_environment(tmp_path))
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["Configuration refusée :", *EXPECTED]


def test_gunicorn_refuses_to_start_with_the_same_lines(tmp_path):
    result = run(["gunicorn", "-c", "gunicorn.conf.py", "app:app"], wrong_environment(tmp_path))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    start = lines.index("Configuration refusée :")
    assert lines[start:start + 5] == ["Configuration refusée :", *EXPECTED]


def test_check_config_passes_a_good_production_configuration(tmp_path):
    environment = production_environment(tmp_path, SmtpTestServer("127.0.0.1", 2525), free_port())
    result = run(["flask", "--app", "app", "check-config"], environment)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Configuration correcte (production)")
    assert environment["DMP_SECRET_KEY"] not in result.stdout + result.stderr


def test_gunicorn_refuses_a_wrong_number_of_workers_in_the_same_words(tmp_path):
    environment = production_environment(tmp_path, SmtpTestServer("127.0.0.1", 2525), free_port())
    environment["DMP_WORKERS"] = "beaucoup"
    result = run(["gunicorn", "-c", "gunicorn.conf.py", "app:app"], environment)
    assert result.returncode == 1
    assert "- DMP_WORKERS : « beaucoup » n’est pas un nombre entier." in result.stderr.splitlines()
