"""manage.py import_hashes FILE --list ID: a CSV, plain-text or JSON-lines hash list into one list."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.progress import no_progress, progress_bar
from hashes import actions, importer
from hashes.models import Classification, HashList


class Command(BaseCommand):
    help = "Import hashes into a list (see hashes/importer.py for the formats)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--list", required=True, dest="list_id", help="the id of the hash list")
        parser.add_argument("--format", choices=importer.FORMATS, help="default: from the file's extension")
        parser.add_argument("--algorithm", help="the algorithm of every value, when the file does not say")
        parser.add_argument(
            "--classification",
            choices=Classification.values,
            default=Classification.BASELINE,
            help="for rows that do not say",
        )
        parser.add_argument("--dry-run", action="store_true", help="validate only, store nothing")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (for logs)")

    def handle(self, *args, file: str, list_id: str, **options) -> None:
        try:
            hash_list = HashList.objects.unscoped("management command").select_related("centre").get(pk=list_id)
        except (HashList.DoesNotExist, ValidationError, ValueError):
            raise CommandError(f"No hash list with the id {list_id!r}.") from None
        summary = importer.Summary()
        progress = no_progress if options["no_progress"] else progress_bar(self.stderr, "Importing")
        try:
            if options["algorithm"]:
                importer.hash_values.algorithm_of(options["algorithm"])
            rows = importer.read(
                file,
                fmt=options["format"],
                algorithm=options["algorithm"],
                classification=options["classification"],
                summary=summary,
                progress=progress,
            )
            if options["dry_run"]:
                for _row in rows:
                    pass
                added = 0
            else:
                added = actions.import_entries(hash_list, rows, origin=f"import:{file.rsplit('/', 1)[-1]}"[:200])
        except (OSError, UnicodeDecodeError, importer.hash_values.BadHash) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from None
        if summary.reasons:
            self._rejections(summary)
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.rows} lines: {summary.valid} valid, {summary.duplicates} duplicates in the file, "
                f"{sum(summary.reasons.values())} rejected; {added} new entries in {hash_list.name}."
            )
        )

    def _rejections(self, summary: importer.Summary) -> None:
        self.stderr.write("Rejected lines by reason:")
        for code, params, count in summary.reason_counts():
            self.stderr.write(f"  {count:>8}  {importer.hash_values.describe(code, params)}")
        self.stderr.write(f"First {len(summary.rejected)} rejected lines (line: reason):")
        for line, code, params in summary.rejected:
            self.stderr.write(f"  {line}: {importer.hash_values.describe(code, params)}")
