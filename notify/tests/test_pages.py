"""A user's notifications: the list, mark one or all read, the e-mail choice, the header's count."""

from django.test import RequestFactory
from django.urls import reverse

from audit.models import AuditEntry
from core.testing import SicnetTestCase
from notify.context_processors import unread_notifications
from notify.models import Notification
from notify.queries import unread_count
from notify.tests.helpers import PING, TARGET, ping, register_test_events


class PageTests(SicnetTestCase):
    def setUp(self):
        register_test_events(self)

    def test_list_and_mark_read_opens_the_target(self):
        ping(self.mk_centre, recipients=[self.mk_analyst])
        self.login_as(self.mk_analyst)
        response = self.client.get(reverse("notify:notifications"))
        self.assertContains(response, '<span class="badge" id="unread-count">1</span>')
        self.assertContains(response, "Ping happened")
        note = Notification.objects.get(recipient=self.mk_analyst)
        self.assertEqual((note.target_type, note.link), (TARGET, f"/network/?thing={note.target_id}"))
        response = self.client.post(reverse("notify:notification_read", args=[note.pk]))
        self.assertRedirects(response, note.link, fetch_redirect_response=False)
        note.refresh_from_db()
        self.assertIsNotNone(note.read_at)
        self.login_as(self.al_analyst)
        self.assertEqual(self.client.post(reverse("notify:notification_read", args=[note.pk])).status_code, 404)

    def test_a_link_outside_the_site_is_not_followed(self):
        note = Notification.objects.create(recipient=self.al_analyst, event=PING, link="//evil.example/x")
        self.login_as(self.al_analyst)
        response = self.client.post(reverse("notify:notification_read", args=[note.pk]))
        self.assertRedirects(response, reverse("notify:notifications"))

    def test_mark_all_read(self):
        for _n in range(3):
            ping(self.mk_centre, recipients=[self.mk_analyst, self.mk_manager])
        self.login_as(self.mk_analyst)
        self.client.post(reverse("notify:notifications_read_all"))
        self.assertEqual(unread_count(self.mk_analyst), 0)
        self.assertEqual(unread_count(self.mk_manager), 3)

    def test_email_choice_is_saved_and_audited(self):
        self.login_as(self.mk_analyst)
        self.client.post(reverse("notify:email_preference"), {})
        self.assertNotContains(self.client.get(reverse("notify:notifications")), "checked")
        self.assertTrue(AuditEntry.objects.filter(action="notify.email_preference_set").exists())
        self.client.post(reverse("notify:email_preference"), {"email": "on"})
        self.assertContains(self.client.get(reverse("notify:notifications")), "checked")

    def test_pages_render_in_every_language(self):
        from django.conf import settings

        ping(self.mk_centre, recipients=[self.mk_analyst])
        for code, _name in settings.LANGUAGES:
            self.mk_analyst.language = code
            self.mk_analyst.save(update_fields=["language"])
            self.login_as(self.mk_analyst)
            response = self.client.get(reverse("notify:notifications"))
            self.assertContains(response, f'<html lang="{code}">', msg_prefix=code)


class UnreadCountTests(SicnetTestCase):
    def setUp(self):
        register_test_events(self)

    def test_unread_count_helper_and_context_processor(self):
        ping(self.mk_centre, recipients=[self.mk_analyst])
        self.assertEqual(unread_count(self.mk_analyst), 1)
        self.assertEqual(unread_count(self.al_analyst), 0)
        request = RequestFactory().get("/")
        request.user = self.mk_analyst
        self.assertEqual(int(str(unread_notifications(request)["notifications_unread"])), 1)

    def test_every_signed_in_page_shows_the_unread_count(self):
        ping(self.mk_centre, recipients=[self.mk_analyst])
        self.login_as(self.mk_analyst)
        response = self.client.get(reverse("core:dashboard"))
        self.assertContains(response, "1 unread notification<")
        self.assertContains(response, f'href="{reverse("notify:notifications")}"')
        self.client.post(reverse("notify:notifications_read_all"))
        self.assertContains(self.client.get(reverse("hotline:queue")), "0 unread notifications<")
        self.login_as(self.al_analyst)
        self.assertContains(self.client.get(reverse("core:dashboard")), "0 unread notifications<")

    def test_anonymous_pages_have_no_count(self):
        response = self.client.get(reverse("accounts:login"))
        self.assertNotContains(response, "unread notification")
