"""Importing a list file from the page: queued, run by the worker, progress and report on its page."""

from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from audit.models import AuditEntry
from core.testing import SicnetTestCase, run_worker
from hashes import actions
from hashes.models import HashEntry, ImportJob, ImportStatus, ListKind
from hashes.tests.helpers import make_entry, make_list, sha256_of


def text_file(lines: list[str], name: str = "list.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), content_type="text/plain")


class ImportJobTests(SicnetTestCase):
    def setUp(self):
        self.own = make_list(self.al_centre, "AL own")
        make_entry(self.own, "sha256", sha256_of("known"))
        self.url = reverse("hashes:import", args=[self.own.pk])

    def upload(self, upload, **fields):
        data = {"import-file": upload, "import-classification": "baseline", **fields}
        return self.client.post(self.url, data)

    def test_upload_queues_a_job_that_the_worker_runs_with_a_report(self):
        lines = [sha256_of(str(n)) for n in range(30)] + [sha256_of("known"), sha256_of("1"), "not-a-hash", "md5:zz"]
        self.login_as(self.al_analyst)
        response = self.upload(text_file(lines))
        job = ImportJob.objects.get()
        self.assertRedirects(response, reverse("hashes:import_job", args=[job.pk]))
        self.assertEqual(job.status, ImportStatus.QUEUED)
        page = self.client.get(reverse("hashes:import_job", args=[job.pk]))
        self.assertNotContains(page, 'http-equiv="refresh"')  # only when the user asks
        self.assertContains(page, "?auto=1")
        page = self.client.get(reverse("hashes:import_job", args=[job.pk]), {"auto": "1"})
        self.assertContains(page, 'http-equiv="refresh"')
        run_worker()
        job.refresh_from_db()
        self.assertEqual(job.status, ImportStatus.DONE)
        self.assertEqual((job.rows, job.valid, job.duplicates, job.rejected, job.added), (34, 31, 1, 2, 30))
        self.assertEqual(job.progress, 1.0)
        self.assertEqual(bytes(job.content), b"")  # the file is not kept
        self.assertEqual(self.own.entries.count(), 31)
        page = self.client.get(reverse("hashes:import_job", args=[job.pk]), {"auto": "1"})
        self.assertNotContains(page, 'http-equiv="refresh"')  # finished: nothing more to wait for
        self.assertContains(page, "Line 33:")
        self.assertTrue(AuditEntry.objects.filter(action="hashes.import_started").exists())
        self.assertEqual(AuditEntry.objects.get(action="hashes.list_imported").changes["added"], 30)

    def test_the_report_says_its_reasons_in_the_readers_language(self):
        self.login_as(self.al_analyst)
        self.upload(text_file([sha256_of("1"), "not-a-hash", "crc32:00"]))
        run_worker()  # the worker runs in the default language
        job = ImportJob.objects.get()
        self.assertEqual(job.reasons, [["not_a_hash", {}, 1], ["unknown_algorithm", {"name": "crc32"}, 1]])
        self.al_analyst.language = "sq"
        self.al_analyst.save(update_fields=["language"])
        page = self.client.get(reverse("hashes:import_job", args=[job.pk]))
        self.assertContains(page, "Nuk është hash")
        self.assertNotContains(page, "Not a hash")

    def test_a_report_stored_before_reason_codes_still_shows(self):
        self.login_as(self.al_analyst)
        self.upload(text_file([sha256_of("1")]))
        job = ImportJob.objects.get()
        job.reasons, job.rejected_lines = {"Not a hexadecimal value.": 3}, [[4, "Not a hexadecimal value."]]
        job.save(update_fields=["reasons", "rejected_lines"])
        page = self.client.get(reverse("hashes:import_job", args=[job.pk]))
        self.assertContains(page, "Line 4: Not a hexadecimal value.")

    def test_progress_is_written_while_the_import_runs(self):
        seen = []
        original = actions._save_progress

        def spy(job, summary, read):
            original(job, summary, read)
            # Another connection would read this: it is committed with its batch.
            seen.append(ImportJob.objects.values_list("rows", flat=True).get(pk=job.pk))

        lines = [sha256_of(str(n)) for n in range(50)]
        self.login_as(self.al_analyst)
        self.upload(text_file(lines))
        with mock.patch.object(actions, "BATCH", 5), mock.patch.object(actions, "PROGRESS_EVERY", 2):
            with mock.patch.object(actions, "_save_progress", spy):
                run_worker()
        self.assertEqual(seen[:3], [10, 20, 30])
        self.assertEqual(ImportJob.objects.get().status, ImportStatus.DONE)

    def test_a_failure_keeps_stored_batches_and_says_so(self):
        lines = [sha256_of(str(n)) for n in range(20)]
        self.login_as(self.al_analyst)
        self.upload(text_file(lines))
        calls = {"n": 0}
        original = actions._store_rows

        def fails_on_third(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == 3:
                raise RuntimeError("disk full")
            return original(*args, **kwargs)

        with mock.patch.object(actions, "BATCH", 5), mock.patch.object(actions, "_store_rows", fails_on_third):
            run_worker()
        job = ImportJob.objects.get()
        self.assertEqual(job.status, ImportStatus.FAILED)
        self.assertIn("disk full", job.error)
        self.assertEqual(job.added, 10)
        page = self.client.get(reverse("hashes:import_job", args=[job.pk]))
        self.assertContains(page, "The import stopped before the end.")

    def test_bad_uploads_are_refused_and_nothing_is_queued(self):
        self.login_as(self.al_analyst)
        response = self.upload(SimpleUploadedFile("empty.txt", b""))
        self.assertContains(response, "The submitted file is empty.", status_code=400)
        with override_settings(HASHES_MAX_IMPORT_BYTES=100):
            response = self.upload(text_file([sha256_of(str(n)) for n in range(5)]))
        self.assertContains(response, "The file is larger than", status_code=400)
        response = self.upload(text_file(["x"]), **{"import-fmt": "exe"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(ImportJob.objects.exists())

    def test_other_centres_cannot_import_or_read_the_job(self):
        network = make_list(self.mk_centre, "MK network", kind=ListKind.NETWORK)
        self.login_as(self.al_analyst)
        # Another centre's network list is readable, not importable.
        response = self.client.post(reverse("hashes:import", args=[network.pk]), {"import-file": text_file(["a"])})
        self.assertEqual(response.status_code, 403)
        self.upload(text_file([sha256_of("x")]))
        job = ImportJob.objects.get()
        self.login_as(self.mk_analyst)
        self.assertEqual(self.client.get(reverse("hashes:import_job", args=[job.pk])).status_code, 404)
        self.assertEqual(self.upload(text_file([sha256_of("y")])).status_code, 404)
        self.assertEqual(ImportJob.objects.count(), 1)

    def test_csv_and_json_lines_from_the_file_name(self):
        self.login_as(self.al_analyst)
        csv = SimpleUploadedFile("l.csv", f"algorithm,value\nsha256,{sha256_of('c')}\n".encode())
        self.upload(csv)
        jsonl = SimpleUploadedFile("l.jsonl", ('{"algorithm": "md5", "value": "' + "a" * 32 + '"}\n').encode())
        self.upload(jsonl)
        run_worker()
        self.assertEqual(sorted(ImportJob.objects.values_list("fmt", flat=True)), ["csv", "jsonl"])
        self.assertTrue(HashEntry.objects.filter(value=sha256_of("c")).exists())
        self.assertTrue(HashEntry.objects.filter(value="a" * 32).exists())
