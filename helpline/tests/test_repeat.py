from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from core.testing import SicnetTestCase
from helpline import actions
from helpline.models import IdentifierFlag
from helpline.tests import fixtures
from helpline.tests.helpers import audit_text

PHONE = "+355 69 123 4567"


class RepeatContactTests(SicnetTestCase):
    def test_the_same_identifier_shows_earlier_contacts_and_open_cases(self):
        earlier = fixtures.al_contact(self, identifier=PHONE)
        case = actions.open_case(earlier, by=self.al_counsellor)
        # Normalised: spaces around and letter case do not matter.
        later = fixtures.al_contact(self, identifier=f"  {PHONE.upper()} ")
        self.assertEqual(later.identifier_hash, earlier.identifier_hash)
        self.login_as(self.al_supervisor)
        response = self.client.get(reverse("helpline:contact", args=[later.pk]))
        self.assertContains(response, "Repeat contact")
        self.assertContains(response, reverse("helpline:contact", args=[earlier.pk]))
        self.assertContains(response, case.reference)

    def test_the_lookup_stays_within_the_centre(self):
        actions.log_contact(
            None, centre=self.mk_centre, by=self.mk_counsellor, data={"kind": "counselling", "identifier": PHONE}
        )
        later = fixtures.al_contact(self, identifier=PHONE)
        self.login_as(self.al_counsellor)
        response = self.client.get(reverse("helpline:contact", args=[later.pk]))
        self.assertNotContains(response, "Repeat contact")

    def test_a_flag_shows_until_it_lapses(self):
        contact = fixtures.al_contact(self, identifier=PHONE)
        self.login_as(self.al_counsellor)
        response = self.client.post(
            reverse("helpline:contact_flag", args=[contact.pk]), {"reason": "abusive", "hours": "24"}
        )
        self.assertRedirects(response, reverse("helpline:contact", args=[contact.pk]))
        flag = IdentifierFlag.objects.get()
        self.assertAlmostEqual(flag.expires_at, timezone.now() + timedelta(hours=24), delta=timedelta(minutes=1))
        self.assertNotIn(PHONE, audit_text())
        later = fixtures.al_contact(self, identifier=PHONE)
        self.assertContains(self.client.get(reverse("helpline:contact", args=[later.pk])), "Flagged")
        IdentifierFlag.objects.update(expires_at=timezone.now() - timedelta(seconds=1))  # it lapses
        response = self.client.get(reverse("helpline:contact", args=[later.pk]))
        self.assertNotContains(response, "Flagged")

    def test_a_contact_without_identifier_cannot_be_flagged(self):
        contact = fixtures.al_contact(self)
        self.login_as(self.al_counsellor)
        self.client.post(reverse("helpline:contact_flag", args=[contact.pk]), {"reason": "abusive", "hours": "24"})
        self.assertFalse(IdentifierFlag.objects.exists())

    def test_bad_flag_input_changes_nothing(self):
        contact = fixtures.al_contact(self, identifier=PHONE)
        self.login_as(self.al_counsellor)
        self.client.post(reverse("helpline:contact_flag", args=[contact.pk]), {"reason": "abusive", "hours": "0"})
        self.assertFalse(IdentifierFlag.objects.exists())

    def test_the_other_country_cannot_flag(self):
        contact = fixtures.al_contact(self, identifier=PHONE)
        self.login_as(self.mk_counsellor)
        url = reverse("helpline:contact_flag", args=[contact.pk])
        self.assertEqual(self.client.post(url, {"reason": "abusive", "hours": "24"}).status_code, 404)
