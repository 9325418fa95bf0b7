"""A helpline escalation becomes a hotline report, through events both ways (both apps, the worker).

The counsellor's form refuses a bad URL at once (helpline/tests/test_escalation.py); here: the
hotline files the report when the worker runs, the contact then shows its reference, and a
second delivery of either event changes nothing.
"""

from django.urls import reverse

from audit.models import AuditEntry
from core.models import Event, EventStatus
from core.testing import SicnetTestCase, deliver_again, run_worker
from helpline.models import Escalation
from helpline.tests import fixtures
from hotline.models import Item, Report


class EscalationFlowTests(SicnetTestCase):
    def setUp(self):
        self.contact = fixtures.al_contact(self, summary="She was sent a link to a video of herself.")
        self.login_as(self.al_counsellor)

    def escalate(self):
        response = self.client.post(
            reverse("helpline:contact_escalate", args=[self.contact.pk]),
            {
                "urls": "https://example.com/a\nhttps://example.org/b?utm_source=x\n",
                "harm_type": "ncii",
                "where_seen": "a chat app",
            },
        )
        self.assertRedirects(response, reverse("helpline:contact", args=[self.contact.pk]))

    def test_the_hotline_files_the_report_and_the_contact_shows_its_reference(self):
        self.escalate()
        self.assertFalse(Report.objects.exists())  # the hotline files it when the worker runs
        page = self.client.get(reverse("helpline:contact", args=[self.contact.pk]))
        self.assertContains(page, "sent to the hotline, waiting for its reference")
        run_worker()
        report = Report.objects.get()
        escalation = Escalation.objects.get()
        self.assertEqual((report.source, report.origin_reference), ("helpline_escalation", str(self.contact.pk)))
        self.assertEqual(report.centre, self.al_centre)  # the hotline covering Albania
        self.assertEqual(report.where_seen, "a chat app")
        self.assertEqual(
            sorted(Item.objects.values_list("url", flat=True)), ["https://example.com/a", "https://example.org/b"]
        )
        self.assertNotIn("video of herself", report.description)
        self.assertEqual((escalation.report_id, escalation.report_reference), (report.pk, report.reference))
        self.assertEqual(escalation.url_count, 2)
        entry = AuditEntry.objects.get(action="helpline.escalation_filed")
        self.assertEqual(entry.changes["report"], report.reference)
        page = self.client.get(reverse("helpline:contact", args=[self.contact.pk]))
        self.assertContains(page, report.reference)
        self.assertNotContains(page, "waiting for its reference")
        # Every event delivered, and the reported URLs no longer held by the event.
        self.assertEqual(set(Event.objects.values_list("status", flat=True)), {EventStatus.DELIVERED})
        self.assertEqual(Event.objects.get(name="helpline.escalated").sealed, "")

    def test_delivering_the_events_twice_changes_nothing_the_second_time(self):
        self.escalate()
        run_worker()
        counts = (Report.objects.count(), Item.objects.count(), AuditEntry.objects.count(), Event.objects.count())
        for name in ("helpline.escalated", "hotline.escalation_filed"):
            self.assertTrue(deliver_again(Event.objects.get(name=name)))
        run_worker()
        self.assertEqual(
            (Report.objects.count(), Item.objects.count(), AuditEntry.objects.count(), Event.objects.count()), counts
        )

    def test_two_escalations_of_the_same_urls_are_two_reports_of_the_same_items(self):
        self.escalate()
        self.escalate()
        run_worker()
        self.assertEqual(Report.objects.count(), 2)
        self.assertEqual(Item.objects.count(), 2)
        self.assertEqual(
            set(Escalation.objects.values_list("report_reference", flat=True)),
            set(Report.objects.values_list("reference", flat=True)),
        )
