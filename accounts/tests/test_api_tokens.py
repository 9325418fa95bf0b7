"""Personal API tokens: made on the security page, shown once, stored hashed, one membership each."""

import re
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts import actions
from accounts.models import ApiToken
from accounts.tests.helpers import LOGIN_URL, SECURITY_URL, SignInTestCase, audit_actions, clock
from core.permissions import Role

ME_URL = "/api/v1/me"


def revoke_url(token) -> str:
    return reverse("accounts:revoke_token", args=[token.pk])


class TokenCreationTests(SignInTestCase):
    def setUp(self):
        # A second role at the other country's centre: the token must act through one only.
        self.extra = self.al_analyst.memberships.create(centre=self.mk_centre, role=Role.AUDITOR)
        self.membership = self.al_analyst.memberships.get(centre=self.al_centre)
        self.login_as(self.al_analyst)

    def create(self, *, membership=None, name="case import", days=30):
        return self.client.post(
            SECURITY_URL,
            {"form": "token", "name": name, "membership": str((membership or self.membership).pk), "days": days},
        )

    def test_a_token_is_shown_once_and_stored_hashed(self):
        response = self.create()
        self.assertEqual(response.status_code, 200)
        match = re.search(r'<code id="new-token">([^<]+)</code>', response.content.decode())
        self.assertIsNotNone(match)
        plain = match.group(1)
        self.assertTrue(plain.startswith("sic_"))

        token = ApiToken.objects.get()
        self.assertEqual(token.user, self.al_analyst)
        self.assertEqual(token.membership, self.membership)
        self.assertEqual(token.name, "case import")
        self.assertAlmostEqual(token.expires_at, timezone.now() + timedelta(days=30), delta=timedelta(minutes=1))
        self.assertNotEqual(token.token_hash, plain)
        self.assertIn(token.prefix, plain)

        # The plain token is nowhere in the database: not in any table, not in the session.
        self.assertEqual(self.rows_containing(plain), [])
        self.assertIn("accounts_apitoken.prefix", self.rows_containing(token.prefix))  # the search works
        for session in Session.objects.all():
            self.assertNotIn(plain, str(session.get_decoded()))
        self.assertTrue(audit_actions(self.al_analyst, "api_token.created").exists())

        # Reloading the page does not show it again.
        response = self.client.get(SECURITY_URL)
        self.assertNotContains(response, plain)
        self.assertContains(response, token.prefix)
        self.assertContains(response, "case import")

    def rows_containing(self, needle: str) -> list[str]:
        found = []
        with connection.cursor() as cursor:
            for model in apps.get_models():
                table = model._meta.db_table
                columns = [
                    f.column
                    for f in model._meta.concrete_fields
                    if f.get_internal_type() in ("CharField", "TextField", "JSONField", "EmailField")
                ]
                for column in columns:
                    quoted_table = connection.ops.quote_name(table)
                    quoted_column = connection.ops.quote_name(column)
                    cast = "TEXT" if connection.vendor == "sqlite" else "text"
                    cursor.execute(
                        f"SELECT COUNT(*) FROM {quoted_table} WHERE CAST({quoted_column} AS {cast}) LIKE %s",
                        [f"%{needle}%"],
                    )
                    if cursor.fetchone()[0]:
                        found.append(f"{table}.{column}")
        return found

    def test_the_token_can_act_through_any_one_of_my_roles(self):
        self.create(membership=self.extra, name="audit export")
        self.assertEqual(ApiToken.objects.get().membership, self.extra)

    def test_a_token_cannot_be_tied_to_someone_elses_membership(self):
        other = self.mk_analyst.memberships.get()
        response = self.create(membership=other)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["token_form"].errors["membership"])
        self.assertFalse(ApiToken.objects.exists())

    def test_a_token_cannot_be_tied_to_a_revoked_membership(self):
        self.extra.is_active = False
        self.extra.save()
        self.create(membership=self.extra)
        self.assertFalse(ApiToken.objects.exists())

    def test_expiry_is_limited(self):
        response = self.create(days=settings.API_TOKEN_MAX_DAYS + 1)
        self.assertTrue(response.context["token_form"].errors["days"])
        response = self.create(days=0)
        self.assertTrue(response.context["token_form"].errors["days"])
        self.assertFalse(ApiToken.objects.exists())

    def test_action_refuses_another_users_membership(self):
        with self.assertRaises(ValueError):
            actions.create_api_token(self.al_analyst, membership=self.mk_analyst.memberships.get(), name="x", days=1)

    def test_a_user_without_memberships_gets_no_token_form(self):
        self.login_as(self.outsider)
        response = self.client.get(SECURITY_URL)
        self.assertNotContains(response, 'value="token"')
        self.assertFalse(ApiToken.objects.exists())

    def test_the_security_page_needs_a_sign_in(self):
        self.client.logout()
        self.assertRedirects(self.client.get(SECURITY_URL), f"{LOGIN_URL}?next={SECURITY_URL}")
        self.create()
        self.assertFalse(ApiToken.objects.exists())


class TokenUseTests(SignInTestCase):
    def setUp(self):
        self.extra = self.al_analyst.memberships.create(centre=self.mk_centre, role=Role.AUDITOR)
        self.membership = self.al_analyst.memberships.get(centre=self.al_centre)
        self.token, self.plain = actions.create_api_token(
            self.al_analyst, membership=self.membership, name="script", days=30
        )

    def get_me(self, authorization: str):
        return self.client.get(ME_URL, HTTP_AUTHORIZATION=authorization)

    def test_me_returns_only_the_tokens_membership(self):
        response = self.get_me(f"Bearer {self.plain}")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["email"], self.al_analyst.email)
        self.assertEqual([m["id"] for m in body["memberships"]], [str(self.membership.pk)])
        self.assertEqual(body["memberships"][0]["centre_code"], "al-sic")
        self.assertEqual(body["memberships"][0]["role"], Role.HOTLINE_ANALYST)
        self.token.refresh_from_db()
        self.assertIsNotNone(self.token.last_used_at)

    def test_the_session_sees_every_membership(self):
        self.login_as(self.al_analyst)
        body = self.client.get(ME_URL).json()
        self.assertEqual(len(body["memberships"]), 2)

    def test_the_token_is_not_a_session(self):
        self.get_me(f"Bearer {self.plain}")
        self.assertEqual(self.client.get(SECURITY_URL).status_code, 302)

    def test_anonymous_gets_401(self):
        self.assertEqual(self.client.get(ME_URL).status_code, 401)

    def test_bad_tokens_get_401(self):
        other_token, other_plain = actions.create_api_token(
            self.mk_analyst, membership=self.mk_analyst.memberships.get(), name="theirs", days=30
        )
        prefix_only = f"sic_{self.token.prefix}_"
        wrong_secret = f"sic_{self.token.prefix}_{other_plain.split('_', 2)[2]}"
        for header in (
            "Bearer ",
            "Bearer nonsense",
            "Bearer sic_short_abc",
            f"Bearer {prefix_only}",
            f"Bearer {wrong_secret}",
            f"Bearer {self.plain}x",
            f"Bearer {self.token.token_hash}",
            f"Token {self.plain}",
            f"Basic {self.plain}",
            self.plain,
        ):
            with self.subTest(header=header):
                response = self.get_me(header)
                self.assertEqual(response.status_code, 401)
                self.assertNotIn(self.al_analyst.email, response.content.decode())

    def test_an_expired_token_gets_401(self):
        with clock(self.token.expires_at + timedelta(seconds=1)):
            self.assertEqual(self.get_me(f"Bearer {self.plain}").status_code, 401)
        with clock(self.token.expires_at - timedelta(seconds=1)):
            self.assertEqual(self.get_me(f"Bearer {self.plain}").status_code, 200)

    def test_a_revoked_token_gets_401(self):
        actions.revoke_api_token(self.token, by=self.al_analyst)
        self.assertEqual(self.get_me(f"Bearer {self.plain}").status_code, 401)

    def test_a_token_whose_membership_was_deactivated_directly_gets_401(self):
        self.al_analyst.memberships.filter(pk=self.membership.pk).update(is_active=False)
        self.assertEqual(self.get_me(f"Bearer {self.plain}").status_code, 401)

    def test_a_deactivated_user_gets_401(self):
        self.al_analyst.is_active = False
        self.al_analyst.save()
        self.assertEqual(self.get_me(f"Bearer {self.plain}").status_code, 401)

    def test_a_bad_token_does_not_fall_back_to_the_session(self):
        self.login_as(self.al_analyst)
        self.assertEqual(self.get_me("Bearer nonsense").status_code, 401)


class TokenRevocationTests(SignInTestCase):
    def setUp(self):
        self.token, self.plain = actions.create_api_token(
            self.al_analyst, membership=self.al_analyst.memberships.get(), name="script", days=30
        )

    def test_i_can_revoke_my_token(self):
        self.login_as(self.al_analyst)
        response = self.client.post(revoke_url(self.token))
        self.assertRedirects(response, SECURITY_URL)
        self.token.refresh_from_db()
        self.assertIsNotNone(self.token.revoked_at)
        self.assertTrue(audit_actions(self.al_analyst, "api_token.revoked").exists())
        self.assertEqual(self.client.get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {self.plain}").status_code, 401)
        self.assertNotContains(self.client.get(SECURITY_URL), self.token.prefix)

    def test_revoking_is_post_only(self):
        self.login_as(self.al_analyst)
        self.assertEqual(self.client.get(revoke_url(self.token)).status_code, 405)
        self.token.refresh_from_db()
        self.assertIsNone(self.token.revoked_at)

    def test_another_user_cannot_revoke_my_token(self):
        for name in ("mk_analyst", "al_manager", "al_supervisor", "coordinator", "state_viewer", "outsider"):
            with self.subTest(user=name):
                self.login_as(getattr(self, name))
                self.assertEqual(self.client.post(revoke_url(self.token)).status_code, 404)
        self.token.refresh_from_db()
        self.assertIsNone(self.token.revoked_at)
        self.assertFalse(audit_actions(action="api_token.revoked").exists())

    def test_another_users_tokens_are_not_listed(self):
        self.login_as(self.mk_analyst)
        self.assertNotContains(self.client.get(SECURITY_URL), self.token.prefix)

    def test_an_unknown_token_id_is_404(self):
        self.login_as(self.al_analyst)
        response = self.client.post(reverse("accounts:revoke_token", args=["00000000-0000-0000-0000-000000000000"]))
        self.assertEqual(response.status_code, 404)

    def test_anonymous_cannot_revoke(self):
        response = self.client.post(revoke_url(self.token))
        self.assertEqual(response.status_code, 302)
        self.token.refresh_from_db()
        self.assertIsNone(self.token.revoked_at)


class QueryCountTests(SignInTestCase):
    """Lists do not cost one query per row."""

    def make_tokens(self, count: int) -> None:
        membership = self.al_analyst.memberships.get()
        for number in range(count):
            actions.create_api_token(self.al_analyst, membership=membership, name=f"script {number}", days=30)

    def queries_for(self, callable_) -> int:
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = callable_()
        self.assertEqual(response.status_code, 200)
        return len(captured)

    def test_the_security_page_lists_tokens_in_constant_queries(self):
        self.login_as(self.al_analyst)
        self.make_tokens(1)
        self.client.get(SECURITY_URL)  # warm the session
        one = self.queries_for(lambda: self.client.get(SECURITY_URL))
        self.make_tokens(4)
        five = self.queries_for(lambda: self.client.get(SECURITY_URL))
        self.assertEqual(one, five)
        self.assertLessEqual(five, 12)

    def test_me_with_a_token_in_constant_queries(self):
        _token, plain = actions.create_api_token(
            self.al_analyst, membership=self.al_analyst.memberships.get(), name="script", days=30
        )
        self.client.get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {plain}")  # first use records last_used_at
        with self.assertNumQueries(1):
            response = self.client.get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {plain}")
        self.assertEqual(response.status_code, 200)
