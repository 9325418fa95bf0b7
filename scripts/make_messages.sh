#!/usr/bin/env bash
# Extract translatable strings. The project catalogue (locale/) holds the foundation's strings;
# an app with its own locale/ folder keeps its strings there (so work on separate apps never
# edits the same catalogue). Serbian Latin is then derived from Serbian Cyrillic.
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")/.."
PY="${PY:-$PWD/.venv/bin/python}"
LANGS=(-l sq -l mk -l sr -l sr_Latn -l bs -l hr)
OPTS=(--add-location=file --no-obsolete)
IGNORES=(-i ".venv/*" -i "var/*" -i "bench/*")
APPS=()
for dir in */locale; do
  app="${dir%/locale}"
  APPS+=("$app")
  IGNORES+=(-i "$app/*")
done
DEBUG=1 "$PY" manage.py makemessages "${OPTS[@]}" "${IGNORES[@]}" "${LANGS[@]}" >/dev/null
for app in "${APPS[@]}"; do
  (cd "$app" && DEBUG=1 PYTHONPATH=.. "$PY" ../manage.py makemessages "${OPTS[@]}" "${LANGS[@]}" >/dev/null)
done
"$PY" scripts/translit_sr.py
