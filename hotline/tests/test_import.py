"""manage.py import_reports: every row validated, all or nothing, a summary of rejected rows."""

import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command

from audit.models import AuditEntry
from core.testing import SicnetTestCase
from hotline.models import Item, ItemStatus, Report
from hotline.tests.helpers import make_report

HEADER = "received_at,url,harm_type,country,reference,assessment,flags,hosting_country,assessed_at,notice_at,removed_at,closed_at,outcome\n"


class ImportTests(SicnetTestCase):
    def write(self, text: str) -> str:
        folder = tempfile.mkdtemp()
        path = Path(folder) / "reports.csv"
        path.write_text(text, encoding="utf-8")
        self.addCleanup(path.unlink)
        return str(path)

    def run_import(self, path):
        out, err = StringIO(), StringIO()
        call_command("import_reports", path, "--centre", "al-sic", stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def test_valid_file_is_imported_with_duplicates_attached(self):
        make_report(["https://existing.example.com/"])
        path = self.write(
            HEADER
            + "2024-03-01T10:00:00,https://a.example.com/x,csam,AL,OLD-1,baseline,new;commercial,NL,2024-03-01T12:00:00,2024-03-01T13:00:00,2024-03-02T10:00:00,2024-03-03,removed\n"
            + "2024-03-02,HTTPS://A.example.com/x#f,csam,,OLD-2,,,,,,,,\n"
            + "2025-01-05,https://b.example.com/,cyberbullying,,,,,,,,,,\n"
            + "2025-01-06,https://existing.example.com/?utm_source=z,grooming,,,,,,,,,,\n"
        )
        out, _err = self.run_import(path)
        self.assertIn("Imported 4 reports", out)
        closed = Item.objects.get(url="https://a.example.com/x", status=ItemStatus.CLOSED)
        self.assertEqual(closed.flags, ["commercial", "new"])
        self.assertIsNotNone(closed.removed_at)
        # The first row's item was closed: the second row opens a new one.
        self.assertEqual(Item.objects.filter(url="https://a.example.com/x").count(), 2)
        self.assertEqual(Item.objects.get(url="https://existing.example.com/").reports_count, 2)
        self.assertEqual(Report.objects.filter(source="import").count(), 4)
        self.assertTrue(Report.objects.filter(reference="AL-2024-000002", origin_reference="OLD-2").exists())
        self.assertTrue(AuditEntry.objects.filter(action="hotline.reports_imported").exists())

    def test_any_bad_row_rejects_the_whole_file_with_a_summary(self):
        path = self.write(
            HEADER
            + "2024-03-01,https://ok.example.com/,csam,,,,,,,,,,\n"
            + "yesterday,https://ok2.example.com/,csam,,,,,,,,,,\n"
            + "2024-03-01,http://127.0.0.1/,csam,,,,,,,,,,\n"
            + "2024-03-01,https://ok3.example.com/,nonsense,,,,,,,,,,\n"
        )
        with self.assertRaises(CommandError) as caught:
            self.run_import(path)
        self.assertIn("3 of 4 rows rejected", str(caught.exception))
        self.assertEqual(Report.objects.count(), 0)
        self.assertEqual(Item.objects.count(), 0)

    def test_rejected_rows_are_listed_by_line(self):
        path = self.write(HEADER + "2024-03-01,ftp://x.example.com/,csam,,,,,,,,,,\n")
        err = StringIO()
        with self.assertRaises(CommandError):
            call_command("import_reports", path, "--centre", "al-sic", "--no-progress", stderr=err)
        self.assertIn("2: url:", err.getvalue())

    def test_missing_columns_or_centre(self):
        with self.assertRaises(CommandError):
            self.run_import(self.write("url\nhttps://a.example.com/\n"))
        with self.assertRaises(CommandError):
            call_command("import_reports", self.write(HEADER), "--centre", "nowhere")

    def test_failure_while_storing_leaves_nothing(self):
        from unittest import mock

        path = self.write(HEADER + "2024-03-01,https://ok.example.com/,csam,,,,,,,,,,\n")
        with (
            mock.patch("hotline.actions.importing.record", side_effect=RuntimeError("disk full")),
            self.assertRaises(RuntimeError),
        ):
            self.run_import(path)
        self.assertEqual(Item.objects.count(), 0)
        self.assertEqual(Report.objects.count(), 0)

    def test_repeats_within_and_across_batches_are_counted_on_one_item(self):
        from unittest import mock

        rows = "".join(f"2024-03-0{1 + n % 3},https://same.example.com/p,csam,,,,,,,,,,\n" for n in range(7))
        rows += "2024-03-04,https://other.example.com/,csam,,,,,,,,,,\n"
        # Batches of three rows: the repeated URL spans every batch.
        with mock.patch("hotline.importer.BATCH", 3):
            self.run_import(self.write(HEADER + rows))
        self.assertEqual(Item.objects.get(url="https://same.example.com/p").reports_count, 7)
        self.assertEqual(Item.objects.get(url="https://other.example.com/").reports_count, 1)
        self.assertEqual(Report.objects.filter(source="import").count(), 8)
        self.assertEqual(
            sorted(Report.objects.values_list("reference", flat=True)), [f"AL-2024-{n:06d}" for n in range(1, 9)]
        )
