"""manage.py import_reports FILE.csv --centre CODE: a centre's earlier records, all or nothing."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core.progress import no_progress, progress_bar
from hotline import actions, importer
from network.models import Centre


class Command(BaseCommand):
    help = "Import a centre's earlier hotline records from CSV (see hotline/importer.py for the columns)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--centre", required=True, help="the code of the centre the records belong to")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (for logs)")

    def handle(self, *args, file: str, centre: str, **options) -> None:
        home = Centre.objects.select_related("country").filter(code=centre).first()
        if home is None:
            raise CommandError(f"No centre with the code {centre!r}.")

        def progress_of(label: str):
            return no_progress if options["no_progress"] else progress_bar(self.stderr, label)

        try:
            summary = importer.validate(file, home, progress_of("Checking"))
        except (OSError, UnicodeDecodeError, importer.ImportRefused) as exc:
            raise CommandError(f"Cannot read {file}: {exc}")
        if summary.reasons:
            self._rejections(summary)
            raise CommandError(f"{sum(summary.reasons.values())} of {summary.rows} rows rejected: nothing imported.")
        actions.import_reports(file, home, summary, progress_of("Importing"))
        self.stdout.write(
            self.style.SUCCESS(f"Imported {summary.reports} reports ({summary.new_items} new URLs) into {home.code}.")
        )

    def _rejections(self, summary) -> None:
        self.stderr.write("Rejected rows by reason:")
        for reason, count in summary.reasons.most_common():
            self.stderr.write(f"  {count:>8}  {reason}")
        self.stderr.write(f"First {len(summary.rejected)} rejected rows (line: reason):")
        for line, reason in summary.rejected:
            self.stderr.write(f"  {line}: {reason}")
