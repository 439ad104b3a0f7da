#!/usr/bin/env bash
# Shared set-up: a virtual environment in .venv with the pinned packages.
# Usage: scripts/setup.sh requirements.txt|requirements-test.txt
set -euo pipefail
cd "$(dirname "$0")/.."
requirements=${1:-requirements.txt}

source scripts/lib.sh

python=""
for candidate in python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1; then python=$candidate; break; fi
done
[ -n "$python" ] || { echo "Python 3.11 est nécessaire." >&2; exit 1; }

if [ ! -x .venv/bin/python ]; then
  if ! "$python" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    apt_install python3-venv  # Debian ships venv apart from Python
    "$python" -m venv .venv
  fi
fi

# WeasyPrint's system libraries (present on most machines; make sure on a fresh one).
if command -v dpkg >/dev/null 2>&1; then
  apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
fi

stamp=.venv/.installed-$(basename "$requirements")
wanted=$(cat requirements.txt "$requirements" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
  echo "$wanted" > "$stamp"
fi
