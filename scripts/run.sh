#!/usr/bin/env bash
# Set up, load the demo data, and serve the app on http://127.0.0.1:5000 (development mode:
# e-mails and SMS go to exports/outbox/, never out).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements.txt
export DMP_ENV=${DMP_ENV:-development}
.venv/bin/flask --app app migrate-store  # a data folder of an earlier version: brought up to date
.venv/bin/flask --app app demo-data
echo "DMP web : ouvrez http://127.0.0.1:${DMP_PORT:-5000} dans votre navigateur."
exec .venv/bin/flask --app app run --host 127.0.0.1 --port "${DMP_PORT:-5000}"
