"""Each person's landing page shows their work, from the widgets of the apps they use.

The widgets read through the apps' scoped queries: another centre's records never show. The number
of queries is fixed per user and does not grow with the data.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.testing import CANONICAL_USERS
from helpline import actions as helpline_actions
from helpline.models import UrgentAlert
from hotline import actions as hotline_actions
from sicnet.tests.test_navigation import NavigationData

DASHBOARD = reverse("core:dashboard")

# Queries of one dashboard, per canonical user: the session, the user and their memberships, then
# two or three per widget, the header's counts (unread notifications; a supervisor's alerts) and
# the session's save. Fixed, whatever the number of records.
QUERIES = {
    "al_analyst": 12,
    "al_counsellor": 12,
    "al_supervisor": 19,
    "al_manager": 15,
    "al_auditor": 7,
    "mk_analyst": 12,
    "mk_counsellor": 12,
    "mk_manager": 15,
    "mk_auditor": 7,
    "coordinator": 11,
    "state_viewer": 7,
    "outsider": 7,
}


class DashboardTests(NavigationData):
    def dashboard(self, user) -> str:
        self.login_as(user)
        response = self.client.get(DASHBOARD)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_an_analyst_sees_their_claimed_items_and_those_waiting_with_ages(self):
        html = self.dashboard(self.al_analyst)
        self.assertIn("1 item claimed by you", html)
        self.assertIn(reverse("hotline:item", args=[self.al_item.pk]), html)
        self.assertIn("waiting", html)
        # North Macedonia's item is waiting there, not here.
        self.assertNotIn(str(self.mk_item.pk), html)
        mk_html = self.dashboard(self.mk_analyst)
        self.assertIn("1 item waiting for an analyst", mk_html)
        self.assertIn(reverse("hotline:item", args=[self.mk_item.pk]), mk_html)

    def test_a_counsellor_sees_their_open_cases_and_tasks_due(self):
        html = self.dashboard(self.al_counsellor)
        self.assertIn("1 open case of yours", html)
        self.assertIn(self.al_case.reference, html)
        self.assertIn("Call back", html)
        self.assertIn("overdue", html)
        self.assertIn("0 open cases of yours", self.dashboard(self.mk_counsellor))

    def test_a_supervisor_sees_the_unacknowledged_urgent_alerts_first(self):
        html = self.dashboard(self.al_supervisor)
        alerts = html.index("Imminent danger: not yet acknowledged")
        for later in ("case with an overdue follow-up", "claimed by you"):
            self.assertLess(alerts, html.index(later))
        self.assertIn("1 case with an overdue follow-up", html)

    def test_the_urgent_alerts_are_counted_in_the_header_of_every_staff_page(self):
        self.login_as(self.al_supervisor)
        for url in (DASHBOARD, reverse("hotline:queue"), reverse("helpline:cases"), reverse("accounts:security")):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, "1 imminent-danger alert not acknowledged")
                self.assertContains(response, f'href="{reverse("helpline:supervisor")}" id="header-alert-1"')
        UrgentAlert.objects.update(acknowledged_at=timezone.now())
        self.assertNotContains(self.client.get(DASHBOARD), "imminent-danger alert")

    def test_no_one_else_sees_the_alert(self):
        for user in (self.al_counsellor, self.al_manager, self.mk_manager, self.coordinator):
            with self.subTest(user=user.email):
                self.assertNotIn("imminent-danger alert", self.dashboard(user))

    def test_referrals_waiting_for_an_answer_show_their_deadline(self):
        html = self.dashboard(self.mk_analyst)
        self.assertIn("1 referral waiting for your answer", html)
        self.assertIn(reverse("referrals:detail", args=[self.referral.pk]), html)
        self.assertIn("answer by", html)
        # The sender waits for the answer; it does not give one.
        self.assertIn("0 referrals waiting for your answer", self.dashboard(self.al_analyst))

    def test_a_manager_sees_the_invitations_not_yet_accepted(self):
        html = self.dashboard(self.al_manager)
        self.assertIn("Invitations not yet accepted", html)
        self.assertIn("al_counsellor@test.example", html)
        self.assertNotIn("mk_counsellor@test.example", html)
        get_user_model().objects.filter(email__startswith="al_").update(last_login=timezone.now())
        self.assertIn("Everyone you invited has signed in.", self.dashboard(self.al_manager))

    def test_a_manager_sees_the_webhook_deliveries_that_failed_for_good(self):
        html = self.dashboard(self.al_manager)
        self.assertIn("Albania SIC: 1 delivery in the dead-letter list", html)
        self.assertIn(reverse("notify:dead_letters", args=[self.al_centre.pk]), html)
        self.assertNotIn("dead-letter list", self.dashboard(self.mk_manager))

    def test_a_coordinator_sees_the_validations_waiting(self):
        html = self.dashboard(self.coordinator)
        self.assertIn("NRM assessments waiting for validation", html)
        self.assertIn(reverse("nrm:assessment", args=[self.assessment.pk]), html)
        self.assertIn("Legal entries waiting for validation", html)
        self.assertIn(reverse("legal:country", args=[self.assessment.country_id]), html)
        # Validation is the coordinator's: a manager is not asked for it.
        self.assertNotIn("waiting for validation", self.dashboard(self.al_manager))

    def test_a_platform_administrator_lands_on_a_page_that_points_to_the_admin_site(self):
        admin = get_user_model().objects.create_superuser(email="root@test.example", password="x" * 24)
        self.login_as(admin)
        response = self.client.get(DASHBOARD)
        self.assertContains(response, "Platform administration")
        self.assertContains(response, f'href="{reverse("admin:index")}"')

    def test_a_user_without_a_role_sees_whom_to_ask(self):
        self.login_as(self.outsider)
        response = self.client.get(DASHBOARD)
        self.assertContains(response, "Ask your centre manager to add you.")

    def test_the_number_of_queries_is_fixed_per_user_and_does_not_grow_with_the_data(self):
        self.assertEqual(set(QUERIES), set(CANONICAL_USERS))
        for name, expected in QUERIES.items():
            with self.subTest(user=name):
                self.login_as(self.users[name])
                with self.assertNumQueries(expected):
                    self.client.get(DASHBOARD)
        self.add_more_work()
        for name in ("al_analyst", "al_counsellor", "al_supervisor", "mk_analyst"):
            with self.subTest(user=name, more=True):
                self.login_as(self.users[name])
                with CaptureQueriesContext(connection) as queries:
                    self.client.get(DASHBOARD)
                self.assertEqual(len(queries), QUERIES[name])

    def add_more_work(self) -> None:
        for n in range(5):
            report, _ = hotline_actions.create_report(
                country="AL", harm_type="csam", urls=[f"https://bad.example.com/more/{n}"], source="web_form"
            )
            if n % 2:
                hotline_actions.claim_item(report.items.get(), by=self.al_analyst)
            contact = helpline_actions.log_contact(
                None, centre=self.al_centre, by=self.al_counsellor, data={"kind": "counselling", "channel": "chat"}
            )
            case = helpline_actions.open_case(contact, by=self.al_counsellor)
            helpline_actions.add_task(
                case, by=self.al_counsellor, title=f"Task {n}", due_at=timezone.now() - timedelta(hours=n)
            )
            UrgentAlert.objects.create(centre=self.al_centre, case=case, raised_by=self.al_counsellor)
