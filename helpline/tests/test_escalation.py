from django.urls import reverse

from audit.models import AuditEntry
from core.testing import SicnetTestCase
from helpline.models import Escalation
from helpline.tests import fixtures
from hotline.models import Report


def escalate_url(contact) -> str:
    return reverse("helpline:contact_escalate", args=[contact.pk])


class EscalationTests(SicnetTestCase):
    def setUp(self):
        self.contact = fixtures.al_contact(self, summary="She was sent a link to a video of herself.")
        self.login_as(self.al_counsellor)

    def test_a_counsellor_sends_urls_to_the_hotline_linked_both_ways(self):
        response = self.client.post(
            escalate_url(self.contact),
            {"urls": "https://example.com/a\nhttps://example.org/b\n", "harm_type": "ncii", "where_seen": "a chat app"},
        )
        self.assertRedirects(response, reverse("helpline:contact", args=[self.contact.pk]))
        report = Report.objects.get()
        escalation = Escalation.objects.get()
        self.assertEqual((report.source, report.origin_reference), ("helpline_escalation", str(self.contact.pk)))
        self.assertEqual(report.centre, self.al_centre)  # the hotline covering Albania
        self.assertEqual((escalation.report_id, escalation.report_reference), (report.pk, report.reference))
        self.assertEqual(escalation.url_count, 2)
        self.assertNotIn("video of herself", report.description)
        entry = AuditEntry.objects.get(action="helpline.escalated_to_hotline")
        self.assertEqual(entry.changes["report"], report.reference)
        page = self.client.get(reverse("helpline:contact", args=[self.contact.pk]))
        self.assertContains(page, report.reference)

    def test_bad_urls_are_refused_and_nothing_is_sent(self):
        response = self.client.post(escalate_url(self.contact), {"urls": "not a url", "harm_type": "ncii"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors)
        response = self.client.post(escalate_url(self.contact), {"urls": "", "harm_type": "ncii"})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Report.objects.exists())
        self.assertFalse(Escalation.objects.exists())

    def test_the_other_country_gets_404(self):
        self.login_as(self.mk_counsellor)
        response = self.client.post(escalate_url(self.contact), {"urls": "https://example.com/a", "harm_type": "ncii"})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Report.objects.exists())
