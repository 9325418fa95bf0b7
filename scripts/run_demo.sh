#!/usr/bin/env bash
# Serve the demo: one task worker and the reports' attaching loop in the background, the web server
# in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DEBUG="${DEBUG:-1}"

"$BIN/python" manage.py db_worker --queue-name '*' --no-reload --interval 1 &
WORKER=$!
"$BIN/python" manage.py attach_reports --loop &
ATTACHER=$!
trap 'kill "$WORKER" "$ATTACHER" 2>/dev/null || true' EXIT INT TERM

cat <<MSG

  SICNet demo:  http://127.0.0.1:8000/
  Staff sign-in: http://127.0.0.1:8000/accounts/login/
  Demo password for every demo login: sicnet-demo-2026 (logins listed above and in README.md)
  Task worker (pid $WORKER) and report attaching (pid $ATTACHER) running. Stop all with Ctrl+C.

MSG
"$BIN/python" manage.py runserver 127.0.0.1:8000 --noreload
