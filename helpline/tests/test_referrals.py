from django.urls import reverse

from audit.models import AuditEntry
from core.testing import SicnetTestCase
from helpline.models import ServiceReferral, SupportService
from helpline.tests import fixtures
from helpline.tests.helpers import audit_text, raw_column


def refer_url(contact) -> str:
    return reverse("helpline:referral_new", args=[contact.pk])


class ServicesDirectoryTests(SicnetTestCase):
    def test_the_manager_adds_and_edits_a_service_of_their_country(self):
        self.login_as(self.al_manager)
        response = self.client.post(
            reverse("helpline:service_new", args=[self.al_centre.pk]),
            {"kind": "mental_health", "name": "Youth mental health centre", "is_active": "on"},
        )
        self.assertRedirects(response, reverse("helpline:services"))
        service = SupportService.objects.get()
        self.assertEqual(service.country, self.al_centre.country)
        self.client.post(
            reverse("helpline:service_edit", args=[service.pk]),
            {"kind": "mental_health", "name": "Youth mental health centre", "phone": "0800 11", "is_active": "on"},
        )
        service.refresh_from_db()
        self.assertEqual(service.phone, "0800 11")
        self.assertEqual(
            list(AuditEntry.objects.filter(action__startswith="helpline.service").values_list("action", flat=True)),
            ["helpline.service_added", "helpline.service_changed"],
        )
        self.assertEqual(AuditEntry.objects.get(action="helpline.service_changed").changes, {"fields": ["phone"]})

    def test_counsellors_read_their_countrys_directory_only(self):
        ours = fixtures.al_service(self)
        theirs = SupportService.objects.create(country=self.mk_centre.country, kind="police", name="Skopje police")
        self.login_as(self.al_counsellor)
        response = self.client.get(reverse("helpline:services"))
        self.assertContains(response, ours.name)
        self.assertNotContains(response, theirs.name)
        self.assertEqual(self.client.get(reverse("helpline:service_edit", args=[ours.pk])).status_code, 403)

    def test_another_countrys_manager_gets_404(self):
        service = fixtures.al_service(self)
        self.login_as(self.mk_manager)
        response = self.client.post(
            reverse("helpline:service_edit", args=[service.pk]), {"kind": "police", "name": "x"}
        )
        self.assertEqual(response.status_code, 404)
        service.refresh_from_db()
        self.assertNotEqual(service.name, "x")


class ReferralTests(SicnetTestCase):
    def setUp(self):
        self.service = fixtures.al_service(self)

    def data(self, **extra) -> dict:
        return {
            "service": str(self.service.pk),
            "reason": "Threats to publish photos",
            "referred_on": "2026-11-28",
            **extra,
        }

    def test_a_referral_with_consent(self):
        contact = fixtures.al_contact(self, consent_share=True)
        self.login_as(self.al_counsellor)
        response = self.client.post(refer_url(contact), self.data())
        self.assertRedirects(response, reverse("helpline:contact", args=[contact.pk]))
        referral = ServiceReferral.objects.get()
        self.assertEqual(
            (referral.service, referral.outcome, str(referral.referred_on)), (self.service, "pending", "2026-11-28")
        )
        self.assertNotIn("photos", raw_column("helpline_servicereferral", "reason", referral.pk))
        self.client.post(reverse("helpline:referral_outcome", args=[referral.pk]), {"outcome": "accepted"})
        referral.refresh_from_db()
        self.assertEqual(referral.outcome, "accepted")

    def test_without_consent_a_counsellor_is_refused(self):
        contact = fixtures.al_contact(self, consent_share=False)
        self.login_as(self.al_counsellor)
        response = self.client.post(refer_url(contact), self.data(override_reason="I think it is needed"))
        self.assertContains(response, "a supervisor can refer with a written reason")
        self.assertFalse(ServiceReferral.objects.exists())

    def test_without_consent_a_supervisor_needs_a_reason(self):
        contact = fixtures.al_contact(self, consent_share=False)
        self.login_as(self.al_supervisor)
        self.client.post(refer_url(contact), self.data())
        self.assertFalse(ServiceReferral.objects.exists())
        self.client.post(refer_url(contact), self.data(override_reason="Risk of serious harm tonight"))
        referral = ServiceReferral.objects.get()
        self.assertEqual(referral.consent_overridden_by, self.al_supervisor)
        entry = AuditEntry.objects.get(action="helpline.referral_made")
        self.assertTrue(entry.changes["consent_overridden"])
        self.assertEqual(entry.actor_id, self.al_supervisor.pk)
        self.assertNotIn("serious harm", audit_text())

    def test_only_services_of_the_contacts_country(self):
        theirs = SupportService.objects.create(country=self.mk_centre.country, kind="police", name="Skopje police")
        contact = fixtures.al_contact(self, consent_share=True)
        self.login_as(self.al_counsellor)
        response = self.client.post(refer_url(contact), self.data(service=str(theirs.pk)))
        self.assertContains(response, "Select a valid choice.")
        self.assertFalse(ServiceReferral.objects.exists())

    def test_the_other_country_gets_404(self):
        contact = fixtures.al_contact(self, consent_share=True)
        self.login_as(self.mk_counsellor)
        self.assertEqual(self.client.post(refer_url(contact), self.data()).status_code, 404)
        self.assertFalse(ServiceReferral.objects.exists())
