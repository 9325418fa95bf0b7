"""A centre manager's members page: list, grant, invite, revoke; scoping; bad input; loss of access."""

import uuid
from unittest import mock

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from accounts.actions import create_api_token
from accounts.models import ApiToken
from audit.models import AuditEntry
from core.permissions import Role
from core.testing import SicnetTestCase
from network.models import Membership

User = get_user_model()


def members_url(centre) -> str:
    return reverse("network:members", kwargs={"centre_id": centre.pk})


def revoke_url(centre, membership) -> str:
    return reverse("network:revoke_membership", kwargs={"centre_id": centre.pk, "membership_id": membership.pk})


def state() -> dict:
    """What a bad request must leave untouched (read audit entries aside)."""
    return {
        "users": list(User.objects.order_by("pk").values_list("pk", "email", "full_name", "password")),
        "memberships": list(Membership.objects.order_by("pk").values_list("pk", "user_id", "role", "is_active")),
        "tasks": DBTaskResult.objects.count(),
        "changes": AuditEntry.objects.exclude(action="membership.list_viewed").count(),
        "tokens": list(ApiToken.objects.order_by("pk").values_list("pk", "revoked_at")),
    }


class MembersListTests(SicnetTestCase):
    def test_manager_lists_their_centre_members(self):
        self.login_as(self.al_manager)
        response = self.client.get(members_url(self.al_centre))
        self.assertEqual(response.status_code, 200)
        for name in ("al_analyst", "al_counsellor", "al_supervisor", "al_manager", "al_auditor"):
            self.assertContains(response, f"{name}@test.example")
        for name in ("mk_analyst", "mk_manager", "coordinator", "state_viewer", "outsider"):
            self.assertNotContains(response, f"{name}@test.example")
        self.assertTrue(
            AuditEntry.objects.filter(action="membership.list_viewed", centre_id=self.al_centre.pk).exists()
        )

    def test_role_choices_are_those_a_manager_may_grant(self):
        self.login_as(self.al_manager)
        response = self.client.get(members_url(self.al_centre))
        choices = dict(response.context["form"].fields["role"].choices)
        self.assertIn(Role.HOTLINE_ANALYST, choices)
        self.assertNotIn(Role.NETWORK_COORDINATOR, choices)
        # State viewers belong to state institutions; the platform administrator grants that role.
        self.assertNotIn(Role.STATE_VIEWER, choices)
        self.assertNotContains(response, f'value="{Role.NETWORK_COORDINATOR}"')

    def test_query_count_does_not_grow_with_members(self):
        self.login_as(self.al_manager)
        with CaptureQueriesContext(connection) as few:
            self.client.get(members_url(self.al_centre))
        for index in range(10):
            user = User.objects.create_user(email=f"extra{index}@test.example", password=None)
            Membership.objects.create(user=user, centre=self.al_centre, role=Role.HOTLINE_ANALYST)
        with self.assertNumQueries(len(few.captured_queries)):
            response = self.client.get(members_url(self.al_centre))
        self.assertContains(response, "extra9@test.example")

    def test_manager_of_another_centre_gets_404(self):
        self.login_as(self.al_manager)
        self.assertEqual(self.client.get(members_url(self.mk_centre)).status_code, 404)
        self.login_as(self.mk_manager)
        self.assertEqual(self.client.get(members_url(self.al_centre)).status_code, 404)
        self.assertEqual(self.client.get(members_url(self.mk_centre)).status_code, 200)

    def test_unknown_centre_gets_404(self):
        self.login_as(self.al_manager)
        response = self.client.get(reverse("network:members", kwargs={"centre_id": uuid.uuid4()}))
        self.assertEqual(response.status_code, 404)

    def test_roles_without_member_management_get_403(self):
        for name in ("al_analyst", "al_counsellor", "al_supervisor", "al_auditor", "coordinator", "outsider"):
            with self.subTest(user=name):
                self.login_as(getattr(self, name))
                self.assertEqual(self.client.get(members_url(self.al_centre)).status_code, 403)
                self.assertEqual(self.client.get(members_url(self.mk_centre)).status_code, 403)

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(members_url(self.al_centre))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:login")))


class GrantRoleTests(SicnetTestCase):
    def setUp(self):
        self.login_as(self.al_manager)

    def test_grant_role_to_an_existing_user(self):
        response = self.client.post(
            members_url(self.al_centre), {"email": "Outsider@Test.Example", "role": Role.HELPLINE_COUNSELLOR}
        )
        self.assertRedirects(response, members_url(self.al_centre))
        membership = Membership.objects.get(user=self.outsider, centre=self.al_centre)
        self.assertEqual(membership.role, Role.HELPLINE_COUNSELLOR)
        self.assertTrue(membership.is_active)
        entry = AuditEntry.objects.get(action="membership.granted", object_id=str(membership.pk))
        self.assertEqual(entry.actor_id, self.al_manager.pk)
        self.assertEqual(entry.centre_id, self.al_centre.pk)
        self.assertEqual(entry.changes, {"user": "outsider@test.example", "role": Role.HELPLINE_COUNSELLOR})
        self.assertEqual(DBTaskResult.objects.count(), 0, "an existing user gets no invitation")

    def test_granted_role_takes_effect_on_the_next_request(self):
        self.client.post(members_url(self.al_centre), {"email": "outsider@test.example", "role": Role.CENTRE_MANAGER})
        self.login_as(self.outsider)
        self.assertEqual(self.client.get(members_url(self.al_centre)).status_code, 200)

    def test_granting_an_existing_role_twice_changes_nothing(self):
        before = state()
        response = self.client.post(
            members_url(self.al_centre), {"email": "al_analyst@test.example", "role": Role.HOTLINE_ANALYST}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(state(), before)

    def test_regranting_a_revoked_role_reactivates_it(self):
        membership = Membership.objects.get(user=self.al_analyst)
        self.client.post(revoke_url(self.al_centre, membership))
        self.client.post(
            members_url(self.al_centre), {"email": "al_analyst@test.example", "role": Role.HOTLINE_ANALYST}
        )
        membership.refresh_from_db()
        self.assertTrue(membership.is_active)
        self.assertEqual(Membership.objects.filter(user=self.al_analyst).count(), 1)
        self.assertEqual(
            AuditEntry.objects.filter(action="membership.granted", object_id=str(membership.pk)).count(), 1
        )

    def test_invite_a_new_email(self):
        response = self.client.post(
            members_url(self.al_centre),
            {"email": "New.Person@Example.org", "full_name": "Nova Person", "role": Role.HOTLINE_ANALYST},
        )
        self.assertRedirects(response, members_url(self.al_centre))
        user = User.objects.get(email="new.person@example.org")
        self.assertEqual(user.full_name, "Nova Person")
        self.assertFalse(user.has_usable_password())
        self.assertTrue(user.is_active)
        membership = Membership.objects.get(user=user, centre=self.al_centre)
        self.assertEqual(membership.role, Role.HOTLINE_ANALYST)
        self.assertTrue(AuditEntry.objects.filter(action="account.invited", object_id=str(user.pk)).exists())
        granted = AuditEntry.objects.get(action="membership.granted", object_id=str(membership.pk))
        self.assertEqual(granted.changes["role"], Role.HOTLINE_ANALYST)
        # The invitation is queued (durably, in the same database), not sent inline.
        self.assertEqual(len(mail.outbox), 0)
        task = DBTaskResult.objects.get()
        self.assertEqual(task.task_path, "core.tasks.send_email")
        self.assertEqual(task.args_kwargs["kwargs"]["to"], ["new.person@example.org"])
        self.assertIn("/accounts/password-reset/", task.args_kwargs["kwargs"]["body"])
        # A worker sends it. (The worker drops connections it sees inside a transaction, as the
        # test's own is: keep it, or PostgreSQL loses the test's data.)
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
            call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
        task.refresh_from_db()
        self.assertEqual(task.status, "SUCCESSFUL")
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["new.person@example.org"])
        self.assertIn("/accounts/password-reset/", mail.outbox[0].body)

    def test_invitation_is_not_queued_when_the_grant_fails(self):
        with (
            mock.patch("network.actions.grant_role", side_effect=RuntimeError("boom")),
            self.assertRaises(RuntimeError),
        ):
            self.client.post(members_url(self.al_centre), {"email": "half@example.org", "role": Role.HOTLINE_ANALYST})
        self.assertFalse(User.objects.filter(email="half@example.org").exists())
        self.assertEqual(DBTaskResult.objects.count(), 0)

    def test_bad_input_is_refused_and_changes_nothing(self):
        cases = {
            "invalid email": ({"email": "not-an-email", "role": Role.HOTLINE_ANALYST}, "email"),
            "no email": ({"email": "", "role": Role.HOTLINE_ANALYST}, "email"),
            "empty form": ({}, "email"),
            "coordinator role": ({"email": "new@example.org", "role": Role.NETWORK_COORDINATOR}, "role"),
            "unknown role": ({"email": "new@example.org", "role": "superuser"}, "role"),
            "script in name": (
                {"email": "new@example.org", "full_name": "<script>alert(1)</script>", "role": Role.HOTLINE_ANALYST},
                "full_name",
            ),
            "markup in name": (
                {"email": "outsider@test.example", "full_name": 'Eve <img src=x onerror="x">', "role": "auditor"},
                "full_name",
            ),
        }
        for label, (data, field) in cases.items():
            with self.subTest(label):
                before = state()
                response = self.client.post(members_url(self.al_centre), data)
                self.assertEqual(response.status_code, 200)
                form = response.context["form"]
                self.assertIn(field, form.errors)
                # The error is shown next to the field, and nothing of the input runs as markup.
                self.assertContains(response, f'id="id_{field}-error"')
                self.assertNotContains(response, "<script>alert(1)</script>")
                self.assertEqual(state(), before)

    def test_ordinary_names_are_accepted(self):
        response = self.client.post(
            members_url(self.al_centre),
            {"email": "obrien@example.org", "full_name": "Seán O'Brien-Đorđević", "role": Role.AUDITOR},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(User.objects.get(email="obrien@example.org").full_name, "Seán O'Brien-Đorđević")

    def test_manager_cannot_grant_at_another_centre(self):
        before = state()
        response = self.client.post(
            members_url(self.mk_centre), {"email": "outsider@test.example", "role": Role.CENTRE_MANAGER}
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(state(), before)

    def test_analyst_cannot_grant(self):
        self.login_as(self.al_analyst)
        before = state()
        response = self.client.post(
            members_url(self.al_centre), {"email": "al_analyst@test.example", "role": Role.CENTRE_MANAGER}
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(state(), before)


class RevokeRoleTests(SicnetTestCase):
    def setUp(self):
        self.login_as(self.al_manager)
        self.analyst_membership = Membership.objects.get(user=self.al_analyst, centre=self.al_centre)

    def test_revoke_a_role(self):
        token, _plain = create_api_token(self.al_analyst, membership=self.analyst_membership, name="import", days=30)
        response = self.client.post(revoke_url(self.al_centre, self.analyst_membership))
        self.assertRedirects(response, members_url(self.al_centre))
        self.analyst_membership.refresh_from_db()
        self.assertFalse(self.analyst_membership.is_active)
        entry = AuditEntry.objects.get(action="membership.revoked")
        self.assertEqual(entry.object_id, str(self.analyst_membership.pk))
        self.assertEqual(entry.actor_id, self.al_manager.pk)
        self.assertEqual(entry.changes, {"user": "al_analyst@test.example", "role": Role.HOTLINE_ANALYST})
        # Tokens issued through that membership end with it.
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)
        self.assertFalse(token.is_usable())
        self.assertTrue(AuditEntry.objects.filter(action="api_token.revoked", object_id=str(token.pk)).exists())

    def test_revoke_leaves_other_memberships_and_their_tokens(self):
        other = Membership.objects.create(user=self.al_analyst, centre=self.mk_centre, role=Role.HOTLINE_ANALYST)
        token, _plain = create_api_token(self.al_analyst, membership=other, name="mk", days=30)
        self.client.post(revoke_url(self.al_centre, self.analyst_membership))
        other.refresh_from_db()
        token.refresh_from_db()
        self.assertTrue(other.is_active)
        self.assertIsNone(token.revoked_at)

    def test_the_revoked_user_loses_access_on_the_next_request(self):
        other_manager = User.objects.create_user(email="second.manager@test.example", password=None)
        membership = Membership.objects.create(user=other_manager, centre=self.al_centre, role=Role.CENTRE_MANAGER)
        revoked_client = self.client_class()
        revoked_client.force_login(other_manager, backend="accounts.backends.EmailBackend")
        self.assertEqual(revoked_client.get(members_url(self.al_centre)).status_code, 200)

        self.client.post(revoke_url(self.al_centre, membership))

        # Same session, next request: the role is gone.
        self.assertIn(revoked_client.get(members_url(self.al_centre)).status_code, (403, 404))
        self.assertEqual(revoked_client.get(reverse("network:directory")).status_code, 403)
        response = revoked_client.post(revoke_url(self.al_centre, self.analyst_membership))
        self.assertIn(response.status_code, (403, 404))
        self.analyst_membership.refresh_from_db()
        self.assertTrue(self.analyst_membership.is_active)

    def test_manager_cannot_revoke_their_own_manager_role(self):
        own = Membership.objects.get(user=self.al_manager, centre=self.al_centre, role=Role.CENTRE_MANAGER)
        before = state()
        response = self.client.post(revoke_url(self.al_centre, own), follow=True)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "You cannot remove your own manager role")
        own.refresh_from_db()
        self.assertTrue(own.is_active)
        self.assertEqual(state(), before)

    def test_revoke_needs_post(self):
        response = self.client.get(revoke_url(self.al_centre, self.analyst_membership))
        self.assertEqual(response.status_code, 405)
        self.analyst_membership.refresh_from_db()
        self.assertTrue(self.analyst_membership.is_active)

    def test_other_centre_is_404(self):
        mk_membership = Membership.objects.get(user=self.mk_analyst)
        before = state()
        # The other centre's URL, and the other centre's membership through one's own centre.
        self.assertEqual(self.client.post(revoke_url(self.mk_centre, mk_membership)).status_code, 404)
        url = reverse(
            "network:revoke_membership", kwargs={"centre_id": self.al_centre.pk, "membership_id": mk_membership.pk}
        )
        self.assertEqual(self.client.post(url).status_code, 404)
        self.assertEqual(state(), before)

    def test_malformed_or_unknown_membership_id_is_404(self):
        base = reverse("network:members", kwargs={"centre_id": self.al_centre.pk})
        for bad in ("not-a-uuid", "1", "../", str(uuid.uuid4())):
            with self.subTest(bad=bad):
                self.assertEqual(self.client.post(f"{base}{bad}/revoke/").status_code, 404)
        self.assertEqual(self.client.get("/network/centres/not-a-uuid/members/").status_code, 404)

    def test_analyst_gets_403(self):
        self.login_as(self.al_analyst)
        before = state()
        response = self.client.post(revoke_url(self.al_centre, self.analyst_membership))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(state(), before)

    def test_anonymous_is_sent_to_sign_in(self):
        self.client.logout()
        response = self.client.post(revoke_url(self.al_centre, self.analyst_membership))
        self.assertEqual(response.status_code, 302)
        self.analyst_membership.refresh_from_db()
        self.assertTrue(self.analyst_membership.is_active)
