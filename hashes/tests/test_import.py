"""manage.py import_hashes: streamed, validated per algorithm, de-duplicated, rejected lines reported."""

import json
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command

from audit.models import AuditEntry
from core.testing import SicnetTestCase
from hashes.models import HashEntry
from hashes.tests.helpers import make_entry, make_list

MD5 = "d41d8cd98f00b204e9800998ecf8427e"
SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"


class ImportTests(SicnetTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.hash_list = make_list(cls.al_centre, "Partner", kind="partner")

    def write(self, name: str, text: str) -> str:
        path = Path(tempfile.mkdtemp()) / name
        path.write_text(text, encoding="utf-8")
        self.addCleanup(path.unlink)
        return str(path)

    def run_import(self, path, *extra):
        out, err = StringIO(), StringIO()
        call_command("import_hashes", path, "--list", str(self.hash_list.pk), *extra, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def test_csv_with_rejections_duplicates_and_progress(self):
        make_entry(self.hash_list, "md5", MD5)  # already in the list: skipped
        path = self.write(
            "list.csv",
            "algorithm,value,classification,quality\n"
            f"md5,{MD5},baseline,\n"
            f"SHA-1,{SHA1.upper()},national,\n"
            f"sha1,{SHA1},national,\n"  # duplicate in the file
            f"sha256,{SHA256[:-1]},baseline,\n"  # too short
            f"pdq,{PDQ},baseline,75\n"
            f"pdq,{'0' * 64},baseline,150\n"  # bad quality
            f"crc32,abcd,baseline,\n",
        )
        out, err = self.run_import(path)
        values = set(HashEntry.objects.filter(hash_list=self.hash_list).values_list("algorithm", "value", "quality"))
        self.assertEqual(values, {("md5", MD5, None), ("sha1", SHA1, None), ("pdq", PDQ, 75)})
        self.assertIn("7 lines: 3 valid, 1 duplicates in the file, 3 rejected; 2 new entries", out)
        self.assertIn("5: A SHA-256 value has 64 hexadecimal digits.", err)
        self.assertIn("7: The PDQ quality is between 0 and 100.", err)
        self.assertIn("8: Unknown algorithm: crc32.", err)
        self.assertIn("Importing [####", err)
        entry = AuditEntry.objects.get(action="hashes.list_imported")
        self.assertEqual(entry.changes["added"], 2)

    def test_plain_text_and_json_lines(self):
        path = self.write("list.txt", f"# a comment\n{MD5}\npdq:{PDQ}\n\nnot-a-hash\n")
        out, err = self.run_import(path, "--no-progress", "--classification", "national")
        self.assertIn("2 new entries", out)
        self.assertIn("5: Not a hash", err)
        self.assertNotIn("Importing [", err)
        self.assertEqual(set(self.hash_list.entries.values_list("classification", flat=True)), {"national"})
        lines = [json.dumps({"algorithm": "sha256", "value": SHA256}), "{not json", json.dumps([1])]
        out, err = self.run_import(self.write("list.jsonl", "\n".join(lines)), "--no-progress")
        self.assertIn("1 new entries", out)
        self.assertIn("2: Not JSON.", err)
        self.assertIn("3: Not a JSON object.", err)

    def test_algorithm_for_the_whole_file_and_dry_run(self):
        path = self.write("pdq.txt", f"{PDQ}\n")
        out, _err = self.run_import(path, "--algorithm", "pdq", "--dry-run", "--no-progress")
        self.assertIn("1 valid", out)
        self.assertEqual(self.hash_list.entries.count(), 0)
        self.run_import(path, "--algorithm", "pdq", "--no-progress")
        self.assertEqual(self.hash_list.entries.get().algorithm, "pdq")

    def test_unknown_list_or_file(self):
        with self.assertRaises(CommandError):
            call_command("import_hashes", "x.txt", "--list", "nope", stdout=StringIO(), stderr=StringIO())
        with self.assertRaises(CommandError):
            self.run_import("/nonexistent/list.txt")
