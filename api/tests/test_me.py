"""GET /api/v1/me, the OpenAPI document, and how the API authenticates (session + CSRF, or a token)."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client, override_settings
from django.utils import timezone

from accounts.actions import create_api_token
from accounts.models import ApiToken
from core.permissions import Role, permissions_for_role
from core.testing import SicnetTestCase
from hotline.permissions import HotlinePerm
from network.models import Membership

ME = "/api/v1/me"


class MeTests(SicnetTestCase):
    def test_returns_the_callers_memberships_with_their_permissions(self):
        self.login_as(self.al_analyst)
        # Session, user, memberships (with centres and countries) in one query; then the session is
        # saved again (SESSION_SAVE_EVERY_REQUEST: idle expiry) in a savepoint.
        with self.assertNumQueries(6):
            response = self.client.get(ME)
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["id"], str(self.al_analyst.pk))
        self.assertEqual(body["email"], "al_analyst@test.example")
        [membership] = body["memberships"]
        self.assertEqual(membership["centre_id"], str(self.al_centre.pk))
        self.assertEqual(membership["centre_code"], "al-sic")
        self.assertEqual(membership["country"], "AL")
        self.assertEqual(membership["role"], Role.HOTLINE_ANALYST)
        self.assertEqual(membership["permissions"], sorted(permissions_for_role(Role.HOTLINE_ANALYST)))
        self.assertIn(HotlinePerm.VIEW, membership["permissions"])

    def test_lists_every_active_membership_and_no_inactive_one(self):
        Membership.objects.create(user=self.al_analyst, centre=self.mk_centre, role=Role.HELPLINE_COUNSELLOR)
        Membership.objects.create(user=self.al_analyst, centre=self.mk_centre, role=Role.AUDITOR, is_active=False)
        self.login_as(self.al_analyst)
        roles = {(m["centre_code"], m["role"]) for m in self.client.get(ME).json()["memberships"]}
        self.assertEqual(roles, {("al-sic", Role.HOTLINE_ANALYST), ("mk-sic", Role.HELPLINE_COUNSELLOR)})

    def test_someone_without_a_role_has_no_memberships(self):
        self.login_as(self.outsider)
        response = self.client.get(ME)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["memberships"], [])

    def test_anonymous_is_401_with_a_json_detail(self):
        response = Client().get(ME)
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        self.assertEqual(set(response.json()), {"detail", "errors"})
        self.assertTrue(response.json()["detail"])

    def test_only_get_is_allowed(self):
        self.login_as(self.al_analyst)
        self.assertEqual(self.client.post(ME).status_code, 405)


class OpenApiTests(SicnetTestCase):
    def test_the_document_is_served_and_lists_me(self):
        response = Client().get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        document = response.json()
        self.assertTrue(document["openapi"].startswith("3."))
        self.assertIn("get", document["paths"][ME])
        self.assertEqual(document["paths"][ME]["get"]["security"], [{"StaffAuth": []}])
        self.assertEqual(document["components"]["securitySchemes"]["StaffAuth"]["scheme"], "bearer")

    def test_there_are_no_interactive_docs_loading_a_cdn(self):
        self.assertEqual(Client().get("/api/v1/docs").status_code, 404)


class TokenTests(SicnetTestCase):
    def token_for(self, user, membership=None, **changes) -> tuple[ApiToken, str]:
        token, plain = create_api_token(user, membership=membership or user.memberships.get(), name="t", days=30)
        if changes:
            ApiToken.objects.filter(pk=token.pk).update(**changes)
        return token, plain

    def get_me(self, token: str, client: Client | None = None):
        return (client or Client()).get(ME, headers={"Authorization": f"Bearer {token}"})

    def test_a_token_acts_through_its_one_membership(self):
        extra = Membership.objects.create(user=self.al_manager, centre=self.mk_centre, role=Role.CENTRE_MANAGER)
        token, plain = self.token_for(self.al_manager, membership=extra)
        response = self.get_me(plain)
        self.assertEqual(response.status_code, 200)
        [membership] = response.json()["memberships"]
        self.assertEqual(membership["centre_code"], "mk-sic")
        token.refresh_from_db()
        self.assertIsNotNone(token.last_used_at)

    def test_a_token_wins_over_the_session_cookie(self):
        _token, plain = self.token_for(self.mk_analyst)
        self.login_as(self.al_analyst)
        response = self.get_me(plain, client=self.client)
        self.assertEqual(response.json()["email"], "mk_analyst@test.example")

    def test_unusable_tokens_are_401(self):
        _token, plain = self.token_for(self.al_analyst)
        cases = {
            "malformed": "not-a-token",
            "unknown": plain[:-4] + "xxxx",
            "wrong scheme": None,
        }
        for label, token in cases.items():
            with self.subTest(label):
                if token is None:
                    response = Client().get(ME, headers={"Authorization": f"Basic {plain}"})
                else:
                    response = self.get_me(token)
                self.assertEqual(response.status_code, 401)
                self.assertIn("detail", response.json())

    def test_expired_revoked_or_inactive_tokens_are_401(self):
        now = timezone.now()
        for label, changes in {
            "expired": {"expires_at": now - timedelta(seconds=1)},
            "revoked": {"revoked_at": now},
        }.items():
            with self.subTest(label):
                _token, plain = self.token_for(self.al_counsellor, **changes)
                self.assertEqual(self.get_me(plain).status_code, 401)
                ApiToken.objects.filter(user=self.al_counsellor).delete()
        _token, plain = self.token_for(self.al_auditor)
        Membership.objects.filter(user=self.al_auditor).update(is_active=False)
        self.assertEqual(self.get_me(plain).status_code, 401)
        _token, plain = self.token_for(self.mk_auditor)
        self.mk_auditor.is_active = False
        self.mk_auditor.save(update_fields=["is_active"])
        self.assertEqual(self.get_me(plain).status_code, 401)


@override_settings(ROOT_URLCONF="sicnet.tests.api_probe_urls")
class UnsafeMethodTests(SicnetTestCase):
    """The real API has no unsafe operation yet; sicnet.tests.api_probe_urls mounts a probe API that has."""

    def csrf_client(self, user) -> Client:
        client = Client(enforce_csrf_checks=True)
        client.force_login(user, backend="accounts.backends.EmailBackend")
        return client

    def test_a_session_post_without_the_csrf_token_is_refused(self):
        response = self.csrf_client(self.al_analyst).post("/probe/echo", content_type="application/json")
        self.assertEqual(response.status_code, 403)
        self.assertIn("CSRF", response.json()["detail"])

    def test_a_session_post_with_the_csrf_token_passes(self):
        client = self.csrf_client(self.al_analyst)
        client.get("/accounts/login/")  # any page with a form sets the CSRF cookie
        client.get("/dashboard/")
        token = client.cookies["csrftoken"].value
        response = client.post("/probe/echo", content_type="application/json", headers={"X-CSRFToken": token})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json(), {"user": "al_analyst@test.example"})

    def test_a_token_needs_no_csrf_token(self):
        # A bearer token is not sent by the browser on its own, so a forged request cannot carry it.
        _token, plain = create_api_token(
            self.al_analyst, membership=self.al_analyst.memberships.get(), name="t", days=1
        )
        response = Client(enforce_csrf_checks=True).post(
            "/probe/echo", content_type="application/json", headers={"Authorization": f"Bearer {plain}"}
        )
        self.assertEqual(response.status_code, 200)

    def test_anonymous_post_is_401(self):
        self.assertEqual(Client(enforce_csrf_checks=True).post("/probe/echo").status_code, 401)

    def test_an_operation_with_a_permission_code_is_403_without_it(self):
        client = Client()
        client.force_login(self.al_analyst, backend="accounts.backends.EmailBackend")
        response = client.post("/probe/audit-only")
        self.assertEqual(response.status_code, 403)
        self.assertIn("detail", response.json())
        client.force_login(self.al_auditor, backend="accounts.backends.EmailBackend")
        self.assertEqual(client.post("/probe/audit-only").status_code, 200)

    def test_a_token_narrows_the_permission_check_to_its_membership(self):
        audit = Membership.objects.create(user=self.al_analyst, centre=self.al_centre, role=Role.AUDITOR)
        _t, analyst_token = create_api_token(
            self.al_analyst, membership=self.al_analyst.memberships.get(role=Role.HOTLINE_ANALYST), name="a", days=1
        )
        _t, audit_token = create_api_token(self.al_analyst, membership=audit, name="b", days=1)
        post = Client().post
        self.assertEqual(
            post("/probe/audit-only", headers={"Authorization": f"Bearer {analyst_token}"}).status_code, 403
        )
        self.assertEqual(post("/probe/audit-only", headers={"Authorization": f"Bearer {audit_token}"}).status_code, 200)
