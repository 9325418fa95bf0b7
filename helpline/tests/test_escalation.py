"""Escalation to the hotline, the helpline's side: recorded at once, stated as an event, linked to
the hotline's report when the hotline answers. The whole flow, both apps and the worker, is in
sicnet/tests/test_escalation_flow.py."""

from django.db import transaction
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from core import events
from core.canonical_urls import URL_BAD_CHARACTERS
from core.models import Event
from core.testing import SicnetTestCase, deliver_again, run_worker
from helpline.models import Escalation
from helpline.tests import fixtures
from network.models import Coverage, Service


def escalate_url(contact) -> str:
    return reverse("helpline:contact_escalate", args=[contact.pk])


class EscalationTests(SicnetTestCase):
    def setUp(self):
        self.contact = fixtures.al_contact(self, summary="She was sent a link to a video of herself.")
        self.login_as(self.al_counsellor)

    def escalate(self, **data):
        values = {
            "urls": "https://example.com/a\nhttps://example.org/b\n",
            "harm_type": "ncii",
            "where_seen": "a chat app",
        }
        return self.client.post(escalate_url(self.contact), {**values, **data})

    def test_the_escalation_is_recorded_and_stated_as_an_event_without_plaintext(self):
        response = self.escalate()
        self.assertRedirects(response, reverse("helpline:contact", args=[self.contact.pk]))
        escalation = Escalation.objects.get()
        self.assertEqual((escalation.contact, escalation.url_count, escalation.report_id), (self.contact, 2, None))
        event = Event.objects.get(name="helpline.escalated")
        self.assertEqual(
            event.payload,
            {
                "escalation": str(escalation.pk),
                "contact": str(self.contact.pk),
                "country": "AL",
                "harm_type": "ncii",
                "hotline_centre": str(self.al_centre.pk),
                "by": str(self.al_counsellor.pk),
            },
        )
        self.assertEqual(
            event.sealed_data, {"urls": ["https://example.com/a", "https://example.org/b"], "where_seen": "a chat app"}
        )
        self.assertNotIn("example.com", str(event.payload))
        self.assertNotIn("video of herself", event.sealed)
        entry = AuditEntry.objects.get(action="helpline.escalated_to_hotline")
        self.assertEqual(entry.changes["url_count"], 2)
        page = self.client.get(reverse("helpline:contact", args=[self.contact.pk]))
        self.assertContains(page, "sent to the hotline, waiting for its reference")

    def test_the_hotlines_answer_links_the_report_once(self):
        self.escalate()
        escalation = Escalation.objects.get()
        with transaction.atomic():
            answer = events.emit(
                "hotline.escalation_filed",
                payload={
                    "escalation": str(escalation.pk),
                    "report": str(self.al_centre.pk),
                    "reference": "AL-2026-000042",
                },
            )
        run_worker()
        escalation.refresh_from_db()
        self.assertEqual(escalation.report_reference, "AL-2026-000042")
        page = self.client.get(reverse("helpline:contact", args=[self.contact.pk]))
        self.assertContains(page, "AL-2026-000042")
        self.assertNotContains(page, "waiting for its reference")
        self.assertTrue(deliver_again(answer))
        self.assertEqual(AuditEntry.objects.filter(action="helpline.escalation_filed").count(), 1)

    def test_bad_urls_are_refused_at_once_with_the_hotlines_words_and_nothing_is_sent(self):
        response = self.escalate(urls="not a url")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].errors["urls"], [str(URL_BAD_CHARACTERS)])
        self.assertContains(response, "This web address contains spaces or characters that are not allowed.")
        self.al_counsellor.language = "sq"
        self.al_counsellor.save(update_fields=["language"])
        response = self.escalate(urls="http://localhost/x")
        with translation.override("sq"):
            private = str(response.context["form"].errors["urls"][0])
        self.assertNotIn("private or local network", private)
        self.assertContains(response, private)
        response = self.escalate(urls="")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Escalation.objects.exists())
        self.assertFalse(Event.objects.exists())

    def test_no_hotline_for_the_country_is_said_at_once(self):
        Coverage.objects.filter(country__code="AL", service=Service.HOTLINE).delete()
        response = self.escalate()
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "No hotline takes reports for this country yet.")
        self.assertFalse(Escalation.objects.exists())
        self.assertFalse(Event.objects.exists())

    def test_the_other_country_gets_404(self):
        self.login_as(self.mk_counsellor)
        response = self.client.post(escalate_url(self.contact), {"urls": "https://example.com/a", "harm_type": "ncii"})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Escalation.objects.exists())
        self.assertFalse(Event.objects.exists())
