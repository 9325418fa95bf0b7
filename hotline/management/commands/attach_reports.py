"""manage.py attach_reports [--loop]: attach accepted public reports to their items, in batches.

Public submissions are stored with one statement and answered at once; this step gives each URL
its item, timeline entry and audit entry, for many reports per transaction. Run it with --loop
next to the task workers (scripts/run_demo.sh, started by `make run`, does): **without it no public
report reaches the queue**. The pages only read; when reports wait longer than
HOTLINE_ATTACH_LAG_SECONDS, the queue says how many and since when (a supervisor may attach their
centre's by hand) and /readyz reports "hotline.attaching" as lagging.
"""

from __future__ import annotations

import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, connections

from hotline.actions import ATTACH_BATCH, attach_pending

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Attach accepted public reports to their items (once, or with --loop until stopped)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep attaching until stopped (SIGTERM or Ctrl+C)")
        parser.add_argument(
            "--interval", type=float, default=0.25, help="seconds between looks when nothing waits (default 0.25)"
        )

    def handle(self, *args, loop: bool, interval: float, **options) -> None:
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        total = 0
        while True:
            try:
                attached = attach_pending()
            except DatabaseError:
                if not loop:
                    raise
                # The database restarted or the connection broke: try again with a new one.
                log.exception("Attaching reports failed; trying again in 5 s")
                connections.close_all()
                attached = 0
                time.sleep(5)
            total += attached
            if self.stopping or (not loop and attached < ATTACH_BATCH):
                break
            if attached < ATTACH_BATCH:  # a full batch means more are waiting: go on at once
                time.sleep(interval)
        if not loop:
            self.stdout.write(f"{total} reports attached.")

    def _stop(self, signum, frame) -> None:
        self.stopping = True
