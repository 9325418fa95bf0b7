"""Public reports are accepted first and attached to their items in batches.

What an analyst relies on: every accepted report becomes exactly one link per URL, a URL already
open is counted again instead of assessed twice, the timeline says which report received an item,
and the audit chain has one "report received" entry per report. (The pages never attach: see
test_read_pages.py.)
"""

import threading
from datetime import timedelta
from io import StringIO
from unittest import skipUnless

from django.core.management import call_command
from django.db import connection, connections
from django.test import TransactionTestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEntry
from audit.verify import verify_chain
from core.canonical_urls import canonicalize
from core.testing import SicnetTestCase
from hotline import actions
from hotline.models import Item, ItemEvent, ItemStatus, PendingReport, ReferenceCounter, Report
from hotline.taxonomy import HarmType, Source
from hotline.tests.helpers import make_report
from network.models import Centre, Country, Coverage


def accept(urls, *, country="AL", child=None, minutes_ago=0, **extra) -> Report:
    """A public submission as the page and the API store it: accepted, not attached yet."""
    report, created = actions.accept_report(
        country=country,
        harm_type=extra.pop("harm_type", HarmType.CSAM),
        urls=[canonicalize(url) for url in urls],
        source=Source.PUBLIC_API,
        reporter_is_child=child,
        received_at=timezone.now() - timedelta(minutes=minutes_ago),
        **extra,
    )
    assert created
    return report


class AttachTests(SicnetTestCase):
    def test_an_accepted_report_waits_with_its_urls_and_no_items(self):
        report = accept(["https://BAD.example.com:443/a#x", "https://bad.example.com/b"])
        waiting = PendingReport.objects.get(report=report)
        self.assertEqual(waiting.urls, ["https://bad.example.com/a", "https://bad.example.com/b"])
        self.assertEqual((waiting.centre, waiting.received_at), (self.al_centre, report.received_at))
        self.assertRegex(Report.objects.get().reference, r"^AL-\d{4}-000001$")
        self.assertFalse(Item.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(action="hotline.report_received").exists())

    def test_a_batch_takes_as_many_statements_for_one_report_as_for_many(self):
        def statements_to_attach(count: int, start: int) -> int:
            for number in range(start, start + count):
                accept([f"https://bad.example.com/{number}", "https://bad.example.com/shared"])
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(actions.attach_pending(), count)
            return len(queries)

        # The queue, its reports, the items, timeline and links, the queue's rows, the audit chain.
        self.assertEqual(statements_to_attach(1, 0), statements_to_attach(40, 1))

    def test_one_url_in_several_reports_of_a_batch_is_one_item_counted_for_each(self):
        first = accept(["https://bad.example.com/a"], minutes_ago=3)
        second = accept(["https://bad.example.com/a", "https://bad.example.com/b"], child=True, minutes_ago=2)
        third = accept(["https://bad.example.com/a"], minutes_ago=1)

        self.assertEqual(actions.attach_pending(), 3)

        item = Item.objects.get(url="https://bad.example.com/a")
        self.assertEqual(item.reports_count, 3)
        self.assertTrue(item.reported_by_child)  # the second report came from a child
        self.assertEqual(item.received_at, first.received_at)
        self.assertEqual(item.last_reported_at, third.received_at)
        self.assertEqual(set(item.reports.all()), {first, second, third})
        timeline = list(item.events.order_by("at").values_list("kind", "details"))
        self.assertEqual(
            timeline,
            [
                (ItemEvent.Kind.RECEIVED, {"report": first.reference}),
                (ItemEvent.Kind.REPORTED_AGAIN, {"report": second.reference}),
                (ItemEvent.Kind.REPORTED_AGAIN, {"report": third.reference}),
            ],
        )
        other = Item.objects.get(url="https://bad.example.com/b")
        self.assertEqual((other.reports_count, list(other.reports.all())), (1, [second]))
        self.assertFalse(PendingReport.objects.exists())

    def test_an_open_item_is_counted_again_and_a_closed_one_is_not_reopened(self):
        earlier, _token = make_report(["https://open.example.com/"])
        closed, _token = make_report(["https://closed.example.com/"])
        actions.close_item(closed.items.get(), by=self.al_analyst, outcome="removed")
        accept(["https://open.example.com/", "https://closed.example.com/"])

        actions.attach_pending()

        open_item = earlier.items.get()
        open_item.refresh_from_db()
        self.assertEqual(open_item.reports_count, 2)
        self.assertEqual(Item.objects.filter(url="https://closed.example.com/").count(), 2)
        reopened = Item.objects.get(url="https://closed.example.com/", status=ItemStatus.NEW)
        self.assertEqual(reopened.events.get().kind, ItemEvent.Kind.RECEIVED)

    def test_the_same_url_at_two_centres_is_two_items(self):
        accept(["https://bad.example.com/a"], country="AL")
        accept(["https://bad.example.com/a"], country="MK")
        actions.attach_pending()
        self.assertEqual(set(Item.objects.values_list("centre", flat=True)), {self.al_centre.pk, self.mk_centre.pk})

    def test_each_report_gets_its_received_entry_and_the_chain_holds(self):
        reports = [accept([f"https://bad.example.com/{n}"]) for n in range(3)]
        accept(["https://bad.example.com/0"])  # an item already proposed in this batch
        actions.attach_pending()
        entries = AuditEntry.objects.filter(action="hotline.report_received").order_by("seq")
        self.assertEqual(
            [(entry.object_id, entry.actor_label, entry.centre_id) for entry in entries][:3],
            [(str(report.pk), "public", self.al_centre.pk) for report in reports],
        )
        self.assertEqual([entry.changes["new_items"] for entry in entries], [1, 1, 1, 0])
        checked, problem = verify_chain()
        self.assertIsNone(problem)
        self.assertEqual(checked, AuditEntry.objects.count())

    def test_attaching_again_changes_nothing(self):
        accept(["https://bad.example.com/a"])
        self.assertEqual(actions.attach_pending(), 1)
        self.assertEqual(actions.attach_pending(), 0)
        self.assertEqual(Item.objects.get().reports_count, 1)
        self.assertEqual(ItemEvent.objects.count(), 1)

    def test_batches_take_the_oldest_first(self):
        newest = accept(["https://bad.example.com/new"], minutes_ago=1)
        oldest = accept(["https://bad.example.com/old"], minutes_ago=5)
        self.assertEqual(actions.attach_pending(limit=1), 1)
        self.assertEqual(list(PendingReport.objects.values_list("report", flat=True)), [newest.pk])
        self.assertTrue(Report.objects.get(pk=oldest.pk).items.exists())

    def test_only_the_given_centres(self):
        albanian = accept(["https://bad.example.com/a"], country="AL")
        macedonian = accept(["https://bad.example.com/a"], country="MK")
        actions.attach_pending(centre_ids=[self.mk_centre.pk])
        self.assertEqual(list(PendingReport.objects.values_list("report", flat=True)), [albanian.pk])
        self.assertTrue(macedonian.items.exists())

    def test_staff_channels_attach_at_once_under_the_counsellors_name(self):
        report, _token = make_report(["https://bad.example.com/a"], by=self.al_analyst)
        self.assertFalse(PendingReport.objects.exists())
        self.assertEqual(report.items.get().url, "https://bad.example.com/a")
        entry = AuditEntry.objects.get(action="hotline.report_received")
        self.assertEqual(entry.actor_id, self.al_analyst.pk)

    def test_the_command_attaches_what_waits(self):
        accept(["https://bad.example.com/a"])
        accept(["https://bad.example.com/b"])
        out = StringIO()
        call_command("attach_reports", stdout=out)
        self.assertIn("2 reports attached", out.getvalue())
        self.assertEqual(Item.objects.count(), 2)


class NumberingTests(SicnetTestCase):
    def test_numbers_continue_after_those_given_before(self):
        # Numbers given by the counter table (SQLite, or PostgreSQL before it used sequences).
        prefix = f"AL-{timezone.now().year}"
        ReferenceCounter.objects.create(prefix=prefix, value=41)
        self.assertEqual(accept(["https://bad.example.com/a"]).reference, f"{prefix}-000042")
        self.assertEqual(accept(["https://bad.example.com/b"]).reference, f"{prefix}-000043")

    def test_each_country_and_year_counts_on_its_own(self):
        year = timezone.now().year
        accept(["https://bad.example.com/a"], country="AL")
        self.assertEqual(accept(["https://bad.example.com/b"], country="MK").reference, f"MK-{year}-000001")
        last_year = accept(["https://bad.example.com/c"], country="AL", minutes_ago=60 * 24 * 400)
        self.assertEqual(last_year.reference, f"AL-{year - 1}-000001")


@skipUnless(connection.vendor == "postgresql", "SQLite has no row locks to skip")
class ParallelAttachTests(TransactionTestCase):
    """Two attaching processes (two loops, or the loop and a supervisor's "attach now") never attach a report twice."""

    def setUp(self):
        country = Country.objects.create(code="AL", name="Albania")
        centre = Centre.objects.create(code="al-sic", name="Albania SIC", country=country)
        Coverage.objects.create(country=country, service="hotline", centre=centre)
        for n in range(120):
            accept([f"https://bad.example.com/{n % 40}"], minutes_ago=n)

    def test_every_report_attached_once(self):
        barrier, errors, attached = threading.Barrier(3), [], []

        def attacher() -> None:
            try:
                barrier.wait()
                while done := actions.attach_pending(limit=7):
                    attached.append(done)
            except Exception as error:  # noqa: BLE001 - any failure in a thread fails the test
                errors.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=attacher) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertEqual(errors, [])
        self.assertEqual(sum(attached), 120)
        self.assertEqual(Item.objects.count(), 40)
        self.assertEqual(sorted(Item.objects.values_list("reports_count", flat=True)), [3] * 40)
        self.assertEqual(ItemEvent.objects.count(), 120)
        self.assertEqual(AuditEntry.objects.filter(action="hotline.report_received").count(), 120)
        self.assertEqual(verify_chain()[1], None)
