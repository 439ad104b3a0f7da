"""Entry point: `flask --app app run`, or any WSGI server pointed at app:app (gunicorn.conf.py).

A configuration that cannot run safely stops here with one line per problem and exit status 1,
under gunicorn and under every `flask` command alike (check-config prints the same lines)."""
from dmp_web import create_app
from dmp_web.settings import SettingsError

try:
    app = create_app()
except SettingsError as error:
    raise SystemExit("Configuration refusée :\n" + "\n".join(f"- {p}" for p in error.problems)) from None
