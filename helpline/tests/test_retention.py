from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from audit.models import AuditEntry
from core.testing import SicnetTestCase
from helpline import actions
from helpline.models import Case, CaseNote, Contact, RetentionRule, ServiceReferral
from helpline.tasks import apply_retention
from helpline.tests import fixtures

PHONE = "+355 69 555 5555"


class RetentionTests(SicnetTestCase):
    def setUp(self):
        self.rule = RetentionRule.objects.create(centre=self.al_centre, narrative_months=12, closed_case_years=2)
        long_ago = timezone.now() - timedelta(days=400)
        self.old = fixtures.al_contact(self, started_at=long_ago, identifier=PHONE, consent_share=True, age=13)
        self.recent = fixtures.al_contact(self, identifier=PHONE)
        self.mk_old = actions.log_contact(
            None, centre=self.mk_centre, by=self.mk_counsellor, data={"summary": "mk", "started_at": long_ago}
        )
        actions.refer(self.old, by=self.al_counsellor, service=fixtures.al_service(self), reason="Threats")
        self.old_case = fixtures.al_case(self)
        actions.add_note(self.old_case, by=self.al_counsellor, text="note")
        actions.close_case(self.old_case, by=self.al_counsellor)
        Case.objects.filter(pk=self.old_case.pk).update(closed_at=timezone.now() - timedelta(days=3 * 365))
        self.open_case = fixtures.al_case(self)

    def test_the_daily_task_erases_narratives_and_purges_old_closed_cases(self):
        self.assertEqual(apply_retention.call(), {"erased": 1, "purged": 1})
        self.old.refresh_from_db()
        self.assertEqual((self.old.summary, self.old.identifier_hash, self.old.contact_details), ("", "", ""))
        self.assertIsNotNone(self.old.narrative_erased_at)
        # The anonymous dimensions stay, so statistics still add up.
        self.assertEqual((self.old.kind, self.old.channel, self.old.age_band), ("counselling", "phone", "12-14"))
        self.assertEqual(ServiceReferral.objects.get().reason, "")
        self.recent.refresh_from_db()
        self.assertNotEqual(self.recent.summary, "")
        self.mk_old.refresh_from_db()
        self.assertEqual(self.mk_old.summary, "mk")  # North Macedonia has no rule
        self.assertFalse(Case.objects.filter(pk=self.old_case.pk).exists())
        self.assertFalse(CaseNote.objects.exists())
        self.assertTrue(Case.objects.filter(pk=self.open_case.pk).exists())
        self.assertEqual(Contact.objects.count(), 5)  # every contact stays
        self.assertEqual(AuditEntry.objects.filter(action="helpline.contact_narrative_erased").count(), 1)
        self.assertEqual(AuditEntry.objects.get(action="helpline.case_purged").object_id, str(self.old_case.pk))
        self.assertEqual(apply_retention.call(), {"erased": 0, "purged": 0})

    def test_an_inactive_rule_does_nothing(self):
        RetentionRule.objects.update(is_active=False)
        self.assertEqual(apply_retention.call(), {"erased": 0, "purged": 0})

    def test_the_dry_run_page_lists_without_erasing(self):
        self.login_as(self.al_manager)
        response = self.client.get(reverse("helpline:retention", args=[self.al_centre.pk]))
        self.assertEqual(response.context["plan"]["contact_count"], 1)
        self.assertEqual(response.context["plan"]["case_count"], 1)
        self.assertNotContains(response, "bullied")
        self.old.refresh_from_db()
        self.assertNotEqual(self.old.summary, "")

    def test_the_manager_sets_the_rule(self):
        self.login_as(self.al_manager)
        url = reverse("helpline:retention", args=[self.al_centre.pk])
        response = self.client.post(url, {"narrative_months": "36", "closed_case_years": "10", "is_active": "on"})
        self.assertRedirects(response, url)
        self.rule.refresh_from_db()
        self.assertEqual((self.rule.narrative_months, self.rule.closed_case_years), (36, 10))
        self.client.post(url, {"narrative_months": "0", "closed_case_years": "10"})
        self.rule.refresh_from_db()
        self.assertEqual(self.rule.narrative_months, 36)

    def test_the_command_queues_the_task_or_shows_the_dry_run(self):
        out = StringIO()
        call_command("helpline_daily", "--dry-run", stdout=out)
        self.assertIn("al-sic: 1 contact narratives to erase, 1 closed cases to purge", out.getvalue())
        self.assertFalse(DBTaskResult.objects.exists())
        call_command("helpline_daily", stdout=StringIO())
        self.assertEqual(DBTaskResult.objects.get().task_path, "helpline.tasks.apply_retention")
