from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from audit.models import AuditEntry
from core.permissions import Role
from core.testing import SicnetTestCase
from helpline import actions
from helpline.models import UrgentAlert
from helpline.tests import fixtures
from helpline.tests.helpers import run_worker
from network.models import Membership

DASHBOARD = reverse("helpline:supervisor")


class ImminentDangerTests(SicnetTestCase):
    def test_an_imminent_contact_alerts_supervisors_in_the_app_and_by_email(self):
        self.login_as(self.al_counsellor)
        self.client.post(
            reverse("helpline:contact_new"),
            {
                "kind": "counselling",
                "channel": "phone",
                "started_at": "2026-11-28T10:00",
                "urgency": "imminent",
                "summary": "He says he will hurt himself tonight.",
            },
        )
        alert = UrgentAlert.objects.get()
        self.assertEqual((alert.centre, alert.raised_by), (self.al_centre, self.al_counsellor))
        task = DBTaskResult.objects.get()
        self.assertEqual(task.args_kwargs["kwargs"]["to"], [self.al_supervisor.email])
        run_worker()
        self.assertEqual(len(mail.outbox), 1)
        self.assertNotIn("hurt", mail.outbox[0].body)
        # Pinned on the supervisor's dashboard until someone acknowledges it.
        self.login_as(self.al_supervisor)
        self.assertContains(self.client.get(DASHBOARD), "Imminent danger: not yet acknowledged")
        response = self.client.post(reverse("helpline:alert_acknowledge", args=[alert.pk]))
        self.assertRedirects(response, DASHBOARD)
        self.assertNotContains(self.client.get(DASHBOARD), "Imminent danger: not yet acknowledged")
        alert.refresh_from_db()
        self.assertEqual(alert.acknowledged_by, self.al_supervisor)

    def test_raising_a_case_to_imminent_danger_alerts(self):
        case = fixtures.al_case(self)
        actions.update_case(case, by=self.al_counsellor, status="open", risk_level="imminent", restricted=False)
        self.assertEqual(UrgentAlert.objects.get().case, case)

    def test_a_routine_contact_alerts_nobody(self):
        fixtures.al_contact(self, urgency="urgent")
        self.assertFalse(UrgentAlert.objects.exists())
        self.assertFalse(DBTaskResult.objects.exists())

    def test_the_other_country_cannot_acknowledge(self):
        alert = fixtures.al_alert(self)
        self.login_as(self.mk_manager)
        self.assertEqual(self.client.post(reverse("helpline:alert_acknowledge", args=[alert.pk])).status_code, 404)
        alert.refresh_from_db()
        self.assertIsNone(alert.acknowledged_at)


class OtherCountrySupervisorTests(SicnetTestCase):
    """A supervisor who does see case data, at North Macedonia's helpline: Albania's stay unknown."""

    def setUp(self):
        from django.contrib.auth import get_user_model

        self.mk_supervisor = get_user_model().objects.create_user(email="mk_sup@test.example", password=None)
        Membership.objects.create(user=self.mk_supervisor, centre=self.mk_centre, role=Role.SUPERVISOR)

    def test_albanias_alert_and_case_are_404_and_absent_from_the_dashboard(self):
        alert = fixtures.al_alert(self)
        case = fixtures.al_case(self)
        self.login_as(self.mk_supervisor)
        for url in (
            reverse("helpline:alert_acknowledge", args=[alert.pk]),
            reverse("helpline:case_assign", args=[case.pk]),
            reverse("helpline:case_close", args=[case.pk]),
        ):
            self.assertEqual(self.client.post(url, {"owner": self.mk_supervisor.pk}).status_code, 404, url)
        alert.refresh_from_db()
        case.refresh_from_db()
        self.assertIsNone(alert.acknowledged_at)
        self.assertNotEqual(case.status, "closed")
        page = self.client.get(DASHBOARD)
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "No open cases.")
        self.assertNotContains(page, str(case))  # "C-000001"
        self.assertNotContains(page, str(alert.pk))


class DashboardTests(SicnetTestCase):
    def test_figures_and_a_fixed_query_count(self):
        case = fixtures.al_case(self)
        actions.add_task(case, by=self.al_counsellor, title="x", due_at=timezone.now() - timedelta(hours=1))
        fixtures.al_case(self)
        actions.log_quick_contact(centre=self.al_centre, by=self.al_counsellor, kind="silent", channel="chat")
        fixtures.al_alert(self)
        self.login_as(self.al_supervisor)
        with self.assertNumQueries(14):  # with the header's counts: unread notifications, urgent alerts
            response = self.client.get(DASHBOARD)
        context = response.context
        self.assertEqual(context["totals"], {"open": 2, "overdue": 1})
        self.assertEqual(context["kinds"]["counselling"], 3)
        self.assertEqual(context["kinds"]["other"], 1)
        self.assertEqual(len(context["alerts"]), 1)
        self.assertTrue(context["cases"][0].overdue)
        self.assertEqual(context["workload"][0]["n"], 2)
        self.assertEqual(context["channels"], ["Chat", "Phone"])
        self.assertEqual(context["per_day"][0]["counts"], [1, 3])

    def test_counsellors_and_managers_are_refused(self):
        for user in (self.al_counsellor, self.al_manager):
            self.login_as(user)
            self.assertEqual(self.client.get(DASHBOARD).status_code, 403)

    def test_reassign_and_close(self):
        case = fixtures.al_case(self)
        self.login_as(self.al_supervisor)
        self.client.post(reverse("helpline:case_assign", args=[case.pk]), {"owner": str(self.al_supervisor.pk)})
        case.refresh_from_db()
        self.assertEqual(case.owner, self.al_supervisor)
        # Only a counsellor of the centre can own a case.
        self.client.post(reverse("helpline:case_assign", args=[case.pk]), {"owner": str(self.mk_counsellor.pk)})
        case.refresh_from_db()
        self.assertEqual(case.owner, self.al_supervisor)
        self.client.post(reverse("helpline:case_close", args=[case.pk]))
        case.refresh_from_db()
        self.assertEqual(case.status, "closed")
        self.assertTrue(AuditEntry.objects.filter(action="helpline.case_closed").exists())

    def test_a_counsellor_cannot_reassign(self):
        case = fixtures.al_case(self)
        self.login_as(self.al_counsellor)
        response = self.client.post(
            reverse("helpline:case_assign", args=[case.pk]), {"owner": str(self.al_counsellor.pk)}
        )
        self.assertEqual(response.status_code, 403)
