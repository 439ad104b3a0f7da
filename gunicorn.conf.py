"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py app:app` (see README, Production).

The app checks its own DMP_* settings when it loads; this file reads only DMP_BIND and DMP_WORKERS.
TLS ends at the proxy in front (deploy/nginx-dmp.conf); the tests add --certfile/--keyfile to
serve HTTPS directly with these same settings.
"""
import multiprocessing
import os

from dmp_web.settings import SettingsError, server_settings

try:
    bind, chosen_workers = server_settings(os.environ)
except SettingsError as error:
    raise SystemExit("Configuration refusée :\n" + "\n".join(f"- {p}" for p in error.problems)) from None
# The usual 2 per core + 1: requests wait mostly on the disk, the mail server or PDF rendering.
workers = chosen_workers or multiprocessing.cpu_count() * 2 + 1
worker_class = "sync"

# Load the app once in the master: a bad configuration stops the start with its message, before
# any worker is forked, instead of workers failing one after the other.
preload_app = True

# A PDF copy of a large dossier takes a few seconds; nothing legitimate takes 60.
timeout = 60
# On SIGTERM or SIGHUP, workers finish the requests they hold for up to this long.
graceful_timeout = 30
keepalive = 5
# Workers are replaced now and then (jitter: not all at once), so no slow leak grows for weeks.
max_requests = 2000
max_requests_jitter = 200

# Logs to stdout/stderr, for journald or the container runtime. The app writes one JSON line per
# request itself (route name, status, duration, refusal), so gunicorn's access log, which
# would print raw paths and query strings, stays off.
accesslog = None
errorlog = "-"
loglevel = "info"

# The app alone decides which proxy headers to trust (DMP_TRUSTED_PROXIES, werkzeug's ProxyFix):
# gunicorn must not act on X-Forwarded-Proto by itself.
forwarded_allow_ips = ""
secure_scheme_headers = {}

# Limits on what a client sends before the app sees it.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
control_socket_disable = True  # one server per machine may not own ~/.gunicorn; nothing here uses it
