from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from audit.models import AuditEntry
from core.testing import SicnetTestCase
from helpline import actions
from helpline.models import Case, CaseNote, FollowUpTask
from helpline.tasks import send_task_reminders
from helpline.tests import fixtures
from helpline.tests.helpers import audit_text, raw_column, run_worker, second_al_counsellor


def case_url(case) -> str:
    return reverse("helpline:case", args=[case.pk])


class CaseTests(SicnetTestCase):
    def setUp(self):
        self.login_as(self.al_counsellor)

    def test_open_a_case_from_a_contact(self):
        contact = fixtures.al_contact(self)
        response = self.client.post(reverse("helpline:contact_open_case", args=[contact.pk]))
        case = Case.objects.get()
        self.assertRedirects(response, case_url(case))
        self.assertEqual((case.owner, case.status, case.number), (self.al_counsellor, "open", 1))
        contact.refresh_from_db()
        self.assertEqual(contact.case, case)
        self.assertEqual(fixtures.al_case(self).number, 2)

    def test_link_update_note_and_task(self):
        case = fixtures.al_case(self)
        other = fixtures.al_contact(self)
        self.client.post(reverse("helpline:case_link", args=[case.pk]), {"contact": str(other.pk)})
        self.assertEqual(case.contacts.count(), 2)
        self.client.post(
            reverse("helpline:case_update", args=[case.pk]), {"status": "in_progress", "risk_level": "high"}
        )
        case.refresh_from_db()
        self.assertEqual((case.status, case.risk_level), ("in_progress", "high"))
        self.client.post(reverse("helpline:case_note", args=[case.pk]), {"text": "Spoke to the school counsellor."})
        note = CaseNote.objects.get()
        self.assertNotIn("school", raw_column("helpline_casenote", "text", note.pk))
        self.client.post(
            reverse("helpline:case_task", args=[case.pk]), {"title": "Call back", "due_at": "2030-01-01T10:00"}
        )
        task = FollowUpTask.objects.get()
        self.assertEqual(task.assignee, self.al_counsellor)
        response = self.client.get(case_url(case))
        for text in ("Spoke to the school counsellor.", "Call back", "Case opened"):
            self.assertContains(response, text)
        case.refresh_from_db()
        self.assertEqual(case.next_due_at, task.due_at)  # what the dashboard counts overdue cases by
        self.client.post(reverse("helpline:task_done", args=[case.pk, task.pk]))
        task.refresh_from_db()
        self.assertIsNotNone(task.done_at)
        case.refresh_from_db()
        self.assertIsNone(case.next_due_at)
        self.assertNotIn("school", audit_text())
        self.assertNotIn("Call back", audit_text())

    def test_closing_and_reopening(self):
        case = fixtures.al_case(self)
        self.client.post(reverse("helpline:case_update", args=[case.pk]), {"status": "closed", "risk_level": "low"})
        case.refresh_from_db()
        self.assertIsNotNone(case.closed_at)
        self.client.post(reverse("helpline:case_update", args=[case.pk]), {"status": "reopened", "risk_level": "low"})
        case.refresh_from_db()
        self.assertIsNone(case.closed_at)
        self.assertEqual(AuditEntry.objects.filter(action="helpline.case_updated").count(), 2)

    def test_bad_input_changes_nothing(self):
        case = fixtures.al_case(self)
        self.client.post(reverse("helpline:case_update", args=[case.pk]), {"status": "lost", "risk_level": "low"})
        self.client.post(reverse("helpline:case_task", args=[case.pk]), {"title": "x", "due_at": "tomorrow"})
        self.client.post(reverse("helpline:case_link", args=[case.pk]), {"contact": "not-a-uuid"})
        case.refresh_from_db()
        self.assertEqual(case.status, "open")
        self.assertFalse(FollowUpTask.objects.exists())

    def test_a_contact_of_another_centre_cannot_be_linked(self):
        case = fixtures.al_case(self)
        mk = actions.log_contact(None, centre=self.mk_centre, by=self.mk_counsellor, data={"kind": "counselling"})
        self.client.post(reverse("helpline:case_link", args=[case.pk]), {"contact": str(mk.pk)})
        mk.refresh_from_db()
        self.assertIsNone(mk.case)

    def test_viewing_a_case_is_audited(self):
        case = fixtures.al_case(self)
        self.client.get(case_url(case))
        self.assertTrue(AuditEntry.objects.filter(action="helpline.case_viewed", object_id=str(case.pk)).exists())

    def test_case_list_query_count(self):
        for _ in range(3):
            fixtures.al_case(self)
        with self.assertNumQueries(8):  # with the unread notifications count in the header
            response = self.client.get(reverse("helpline:cases"))
        self.assertEqual(len(response.context["page"]), 3)

    def test_the_other_country_gets_404(self):
        case = fixtures.al_case(self)
        self.login_as(self.mk_counsellor)
        self.assertEqual(self.client.get(case_url(case)).status_code, 404)
        self.assertEqual(
            self.client.post(reverse("helpline:case_note", args=[case.pk]), {"text": "x"}).status_code, 404
        )
        self.assertFalse(CaseNote.objects.exists())


class RestrictedCaseTests(SicnetTestCase):
    def test_only_the_owner_and_supervisors_see_a_restricted_case(self):
        colleague = second_al_counsellor()
        case = fixtures.al_case(self)
        actions.update_case(case, by=self.al_counsellor, status="open", risk_level="low", restricted=True)
        for user, status in ((self.al_counsellor, 200), (self.al_supervisor, 200), (colleague, 404)):
            self.client.force_login(user, backend="accounts.backends.EmailBackend")
            self.assertEqual(self.client.get(case_url(case)).status_code, status, user)
        self.client.force_login(colleague, backend="accounts.backends.EmailBackend")
        self.assertNotContains(self.client.get(reverse("helpline:cases")), case.reference)
        # Its contacts follow the case.
        contact = case.contacts.get()
        self.assertEqual(self.client.get(reverse("helpline:contact", args=[contact.pk])).status_code, 404)
        self.assertNotContains(self.client.get(reverse("helpline:contacts")), str(contact.pk))


class ReminderTests(SicnetTestCase):
    def test_a_due_task_is_reminded_once_by_email(self):
        case = fixtures.al_case(self)
        due = actions.add_task(
            case, by=self.al_counsellor, title="Call back", due_at=timezone.now() - timedelta(minutes=1)
        )
        actions.add_task(case, by=self.al_counsellor, title="Later", due_at=timezone.now() + timedelta(days=1))
        self.assertEqual(send_task_reminders.call(), 1)
        self.assertEqual(send_task_reminders.call(), 0)
        due.refresh_from_db()
        self.assertIsNotNone(due.reminded_at)
        self.assertEqual(DBTaskResult.objects.count(), 1)
        run_worker()
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, [self.al_counsellor.email])
        self.assertIn(case.reference, mail.outbox[0].body)
        self.assertNotIn("Call back", mail.outbox[0].body)


class ReminderCommandTests(SicnetTestCase):
    def test_the_command_queues_the_reminder_task(self):
        from io import StringIO

        from django.core.management import call_command

        call_command("helpline_reminders", stdout=StringIO())
        self.assertEqual(DBTaskResult.objects.get().task_path, "helpline.tasks.send_task_reminders")


class RestrictedCaseReferralTests(SicnetTestCase):
    def test_a_referral_of_a_restricted_case_is_hidden_from_other_counsellors(self):
        colleague = second_al_counsellor()
        referral = fixtures.al_referral(self)
        case = actions.open_case(referral.contact, by=self.al_counsellor)
        actions.update_case(case, by=self.al_counsellor, status="open", risk_level="low", restricted=True)
        url = reverse("helpline:referral_outcome", args=[referral.pk])
        self.client.force_login(colleague, backend="accounts.backends.EmailBackend")
        self.assertEqual(self.client.post(url, {"outcome": "accepted"}).status_code, 404)
        referral.refresh_from_db()
        self.assertEqual(referral.outcome, "pending")
        self.client.force_login(self.al_counsellor, backend="accounts.backends.EmailBackend")
        self.client.post(url, {"outcome": "accepted"})
        referral.refresh_from_db()
        self.assertEqual(referral.outcome, "accepted")
