"""manage.py pdq_snapshot: write the PDQ index for processes to start from (and prune the change log)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from hashes.models import PdqChange
from hashes.pdq_index import LiveIndex


class Command(BaseCommand):
    help = "Write a snapshot of the PDQ index into PDQ_SNAPSHOT_DIR (run it every few hours, e.g. from cron)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--prune-days",
            type=int,
            default=0,
            help="also delete change-log rows older than this many days (at least 1) that the snapshot covers",
        )

    def handle(self, *args, prune_days: int, **options) -> None:
        if prune_days and prune_days < 1:
            raise CommandError("--prune-days must be at least 1.")
        started = time.perf_counter()
        try:
            live = LiveIndex()
        except NotImplementedError as error:
            raise CommandError(str(error)) from None
        manifest = live.write_snapshot()
        self.stdout.write(
            f"PDQ snapshot {manifest['folder']}: {manifest['entries']} entries "
            f"in {time.perf_counter() - started:.1f} s ({live.snapshot_dir()})"
        )
        if prune_days:
            covered = self._covered(manifest["mark"])
            old = PdqChange.objects.filter(covered, created_at__lt=timezone.now() - timezone.timedelta(days=prune_days))
            deleted, _by_model = old.delete()
            self.stdout.write(f"Pruned {deleted} change-log rows.")

    @staticmethod
    def _covered(mark: dict) -> Q:
        # Rows the snapshot already holds. SQLite keeps the last row read (checked by the next reader).
        if connection.vendor == "postgresql":
            return Q(xid__lt=mark["xmin"])
        return Q(id__lt=mark["id"])
