"""An unsaved draft contact is its author's alone: not the supervisor's, not a colleague's, not the
other country's, by page or API (404, as if it did not exist)."""

from django.urls import reverse

from core.testing import SicnetTestCase
from helpline import actions
from helpline.models import Contact
from helpline.tests import fixtures
from helpline.tests.helpers import second_al_counsellor


class DraftScopeTests(SicnetTestCase):
    def setUp(self):
        self.draft = fixtures.al_draft(self)
        self.others = {
            "supervisor": self.al_supervisor,
            "another counsellor": second_al_counsellor(),
            "the other country": self.mk_counsellor,
        }

    def page(self, user):
        self.login_as(user)
        return self.client.get(reverse("helpline:contact", kwargs={"contact_id": self.draft.pk}))

    def api(self, user):
        self.login_as(user)
        return self.client.get(f"/api/v1/helpline/contacts/{self.draft.pk}")

    def test_the_author_reads_it(self):
        self.assertRedirects(
            self.page(self.al_counsellor), reverse("helpline:contact_edit", kwargs={"contact_id": self.draft.pk})
        )
        response = self.api(self.al_counsellor)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["summary"], "half typed")

    def test_nobody_else_reads_it(self):
        for who, user in self.others.items():
            with self.subTest(who):
                self.assertEqual(self.page(user).status_code, 404)
                response = self.api(user)
                self.assertEqual(response.status_code, 404)
                self.assertNotIn("half typed", response.content.decode())

    def test_the_scope_itself_leaves_it_out_and_logging_it_shares_it(self):
        for who, user in self.others.items():
            with self.subTest(who):
                self.assertFalse(Contact.objects.visible_to(user).filter(pk=self.draft.pk).exists())
        self.assertTrue(Contact.objects.visible_to(self.al_counsellor).filter(pk=self.draft.pk).exists())
        # Once logged, the centre's supervisor and counsellors read it as any contact.
        actions.log_contact(self.draft, centre=self.al_centre, by=self.al_counsellor, data={})
        for who in ("supervisor", "another counsellor"):
            with self.subTest(who):
                self.assertEqual(self.page(self.others[who]).status_code, 200)
        self.assertEqual(self.page(self.mk_counsellor).status_code, 404)
