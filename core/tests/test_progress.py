"""The import commands' progress bar: redrawn in place, one line in all."""

from io import StringIO

from django.core.management.base import OutputWrapper
from django.test import SimpleTestCase

from core.progress import progress_bar


class ProgressBarTests(SimpleTestCase):
    def test_redrawn_in_place_then_one_new_line(self):
        for wrap in (lambda out: out, OutputWrapper):  # a file, or a command's self.stderr
            out = StringIO()
            show = progress_bar(wrap(out), "Importing")
            for share in (0.0, 0.5, 1.0):
                show(share)
            with self.subTest(stream=wrap):
                self.assertEqual(out.getvalue().count("\n"), 1)
                self.assertTrue(out.getvalue().endswith("\rImporting [" + "#" * 30 + "] 100%\n"))
                self.assertIn("\rImporting [" + "#" * 15 + "." * 15 + "]  50%", out.getvalue())
