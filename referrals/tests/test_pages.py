"""The pages: lists, the referral page with its packet and steps, sending, notifications, network view."""

from django.urls import reverse

from audit.models import AuditEntry
from core.testing import SicnetTestCase
from helpline.tests import fixtures as helpline_fixtures
from notify.models import Notification
from referrals import actions
from referrals.models import Referral, Status
from referrals.tests import fixtures


class PageTests(SicnetTestCase):
    def test_lists_show_each_side_its_referrals(self):
        fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        self.login_as(self.mk_analyst)
        # session, user, memberships, referrals (with their centres), and the session's idle-time update
        with self.assertNumQueries(8):  # with the unread notifications count in the header
            response = self.client.get(reverse("referrals:incoming"))
        self.assertContains(response, "Albania SIC")
        self.assertEqual(len(response.context["referrals"]), 2)
        self.assertEqual(len(self.client.get(reverse("referrals:outgoing")).context["referrals"]), 0)
        self.login_as(self.al_analyst)
        self.assertEqual(len(self.client.get(reverse("referrals:outgoing")).context["referrals"]), 2)

    def test_receiver_sees_packet_and_accepts(self):
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        self.login_as(self.mk_analyst)
        url = reverse("referrals:detail", args=[referral.pk])
        response = self.client.get(url)
        self.assertContains(response, "hxxps://bad[.]example[.]com/a")
        self.assertNotContains(response, 'href="https://bad')
        self.assertContains(response, "Host Ltd")
        self.assertTrue(AuditEntry.objects.filter(action="referrals.viewed", object_id=str(referral.pk)).exists())
        response = self.client.post(reverse("referrals:step", args=[referral.pk, "accept"]))
        self.assertRedirects(response, url)
        self.assertEqual(Referral.objects.get(pk=referral.pk).status, Status.ACCEPTED)

    def test_sender_cannot_accept_and_receiver_cannot_revoke(self):
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        self.login_as(self.al_analyst)
        self.assertEqual(self.client.post(reverse("referrals:step", args=[referral.pk, "accept"])).status_code, 403)
        self.login_as(self.mk_analyst)
        self.assertEqual(self.client.post(reverse("referrals:step", args=[referral.pk, "revoke"])).status_code, 403)
        self.assertEqual(Referral.objects.get(pk=referral.pk).status, Status.SENT)

    def test_outcome_shows_on_the_senders_page(self):
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        actions.accept(referral, by=self.mk_analyst)
        self.login_as(self.mk_analyst)
        response = self.client.post(
            reverse("referrals:step", args=[referral.pk, "complete"]),
            {"complete-outcome": "removed", "complete-note": "gone"},
        )
        self.assertEqual(response.status_code, 302)
        self.login_as(self.al_analyst)
        response = self.client.get(reverse("referrals:detail", args=[referral.pk]))
        self.assertContains(response, "Content removed")
        self.assertContains(response, "gone")

    def test_decline_without_reason_is_refused_with_translated_error(self):
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        self.login_as(self.mk_analyst)
        response = self.client.post(reverse("referrals:step", args=[referral.pk, "decline"]), {"decline-reason": ""})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "This field is required.", status_code=400)
        self.assertEqual(Referral.objects.get(pk=referral.pk).status, Status.SENT)

    def test_third_centre_gets_404_and_the_coordinator_403(self):
        referral = fixtures.al_hotline_referral(self)  # Albania → Serbia
        for user in (self.mk_analyst, self.mk_manager, self.al_counsellor):
            self.login_as(user)
            self.assertEqual(self.client.get(reverse("referrals:detail", args=[referral.pk])).status_code, 404)
        # The coordinator holds no case-data permission anywhere: refused before any lookup, so the
        # answer is the same for any id and says nothing about the referral.
        self.login_as(self.coordinator)
        self.assertEqual(self.client.get(reverse("referrals:detail", args=[referral.pk])).status_code, 403)

    def test_helpline_referral_is_not_seen_by_the_hotline(self):
        referral = fixtures.al_helpline_referral(self, receiver=self.mk_centre)
        self.login_as(self.mk_analyst)
        self.assertEqual(self.client.get(reverse("referrals:detail", args=[referral.pk])).status_code, 404)
        self.login_as(self.mk_counsellor)
        self.assertContains(
            self.client.get(reverse("referrals:detail", args=[referral.pk])), "Bullied in a chat group."
        )

    def test_send_item_page(self):
        item = fixtures.al_item(self)
        self.login_as(self.al_analyst)
        url = reverse("referrals:send_item", args=[item.pk])
        self.assertContains(self.client.get(url), "North Macedonia SIC")
        response = self.client.post(url, {"receiver": self.mk_centre.pk, "note": "hosted in MK"})
        referral = Referral.objects.get()
        self.assertRedirects(response, reverse("referrals:detail", args=[referral.pk]))
        self.assertEqual(referral.receiver, self.mk_centre)
        self.login_as(self.mk_analyst)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_send_external(self):
        item = fixtures.al_item(self)
        self.login_as(self.al_analyst)
        response = self.client.post(
            reverse("referrals:send_external", args=[item.pk]),
            {"external-target": "law_enforcement", "external-name": "Police", "external-reference": "P-1"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Referral.objects.get().external_reference, "P-1")

    def test_send_case_page(self):
        case = helpline_fixtures.al_case(self)
        self.login_as(self.al_counsellor)
        url = reverse("referrals:send_case", args=[case.pk])
        response = self.client.post(url, {"receiver": self.mk_centre.pk, "summary": "S", "override_reason": ""})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Referral.objects.get().kind, "helpline_case")
        self.login_as(self.mk_counsellor)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_notifications_list_and_mark_read(self):
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        self.login_as(self.mk_analyst)
        response = self.client.get(reverse("notify:notifications"))
        self.assertContains(response, '<span class="badge" id="unread-count">1</span>')
        self.assertContains(response, "A referral was sent to your centre")
        note = Notification.objects.get(recipient=self.mk_analyst)
        self.assertEqual((note.target_type, note.target_id), ("referrals.referral", referral.pk))
        response = self.client.post(reverse("notify:notification_read", args=[note.pk]))
        self.assertRedirects(response, reverse("referrals:detail", args=[referral.pk]))
        note.refresh_from_db()
        self.assertIsNotNone(note.read_at)
        self.login_as(self.al_analyst)
        self.assertEqual(self.client.post(reverse("notify:notification_read", args=[note.pk])).status_code, 404)

    def test_network_view_has_counts_and_no_content(self):
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        actions.acknowledge(referral, by=self.mk_analyst)
        self.login_as(self.coordinator)
        response = self.client.get(reverse("referrals:network"))
        self.assertEqual(response.context["rows"][0]["origin"], "AL")
        self.assertEqual(response.context["rows"][0]["target"], "MK")
        self.assertEqual(response.context["rows"][0]["count"], 1)
        self.assertNotContains(response, "bad[.]example")
        self.assertNotContains(response, "please")
        self.login_as(self.al_analyst)
        self.assertEqual(self.client.get(reverse("referrals:network")).status_code, 403)


class LanguageTests(SicnetTestCase):
    def test_pages_render_in_every_language(self):
        from django.conf import settings

        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        for code, _name in settings.LANGUAGES:
            self.mk_analyst.language = code
            self.mk_analyst.save(update_fields=["language"])
            self.login_as(self.mk_analyst)
            for url in (
                reverse("referrals:incoming"),
                reverse("referrals:outgoing"),
                reverse("referrals:detail", args=[referral.pk]),
                reverse("notify:notifications"),
            ):
                response = self.client.get(url)
                self.assertContains(response, f'<html lang="{code}">', msg_prefix=f"{url} {code}")


class InformationRequestTests(SicnetTestCase):
    def test_request_and_answer_by_message(self):
        self.login_as(self.al_counsellor)
        url = reverse("referrals:information_request")
        data = {"service": "helpline", "sender": self.al_centre.pk, "receiver": self.mk_centre.pk, "question": "Q?"}
        response = self.client.post(url, data)
        referral = Referral.objects.get()
        self.assertRedirects(response, reverse("referrals:detail", args=[referral.pk]))
        self.assertEqual(referral.kind, "information")
        self.assertEqual(referral.narrative, {"question": "Q?"})
        self.login_as(self.mk_counsellor)
        self.assertContains(self.client.get(reverse("referrals:detail", args=[referral.pk])), "Q?")

    def test_cannot_send_from_a_centre_where_one_does_not_work(self):
        self.login_as(self.al_counsellor)
        data = {"service": "helpline", "sender": self.mk_centre.pk, "receiver": self.mk_centre.pk, "question": "Q?"}
        response = self.client.post(reverse("referrals:information_request"), data)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Referral.objects.exists())
