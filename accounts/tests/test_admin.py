"""The Django admin: platform administrators only, behind the same sign-in and second factor."""

from urllib.parse import unquote

from django.urls import reverse

from accounts.models import ApiToken, RecoveryCode, User
from accounts.tests.helpers import (
    DASHBOARD_URL,
    ENROL_URL,
    LOGIN_URL,
    VERIFY_URL,
    SignInTestCase,
    audit_actions,
    enrolled,
    totp_code,
)

ADMIN_URL = reverse("admin:index")


class AdminAccessTests(SignInTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.admin = User.objects.create_user(
            email="admin@test.example", password="correct horse battery staple 42", is_staff=True, is_superuser=True
        )

    def test_anonymous_is_sent_to_our_sign_in(self):
        response = self.client.get(ADMIN_URL, follow=True)
        self.assertEqual(unquote(response.redirect_chain[-1][0]), f"{LOGIN_URL}?next={ADMIN_URL}")
        self.assertContains(response, 'name="email"')
        self.assertNotContains(response, 'name="username"')
        self.assertContains(response, f'name="next" value="{ADMIN_URL}"')

    def test_the_admin_login_form_is_never_shown(self):
        response = self.client.get(reverse("admin:login"))
        self.assertRedirects(response, LOGIN_URL, fetch_redirect_response=False)
        # And posting a password to it signs nobody in.
        response = self.client.post(
            reverse("admin:login"), {"username": self.admin.email, "password": "correct horse battery staple 42"}
        )
        self.assertNotSignedIn()

    def test_a_signed_in_non_staff_user_cannot_use_it(self):
        for name in ("state_viewer", "al_manager", "coordinator"):
            with self.subTest(user=name):
                self.login_as(getattr(self, name))
                response = self.client.get(ADMIN_URL)
                self.assertEqual(response.status_code, 302)
                self.assertNotEqual(response["Location"], ADMIN_URL)
                self.assertEqual(self.client.get(reverse("admin:accounts_user_changelist")).status_code, 302)

    def test_staff_need_the_second_factor_first(self):
        response = self.password_step(self.admin, next_url=ADMIN_URL)
        self.assertRedirects(response, ENROL_URL, fetch_redirect_response=False)
        self.assertNotEqual(self.client.get(ADMIN_URL).status_code, 200)

    def test_staff_reach_the_admin_after_mfa(self):
        secret, _codes = enrolled(self.admin)
        response = self.password_step(self.admin, next_url=ADMIN_URL)
        self.assertRedirects(response, VERIFY_URL, fetch_redirect_response=False)
        self.assertRedirects(
            self.client.get(ADMIN_URL), f"{reverse('admin:login')}?next={ADMIN_URL}", target_status_code=302
        )
        response = self.code_step(totp_code(secret))
        self.assertRedirects(response, ADMIN_URL)
        self.assertEqual(self.client.get(ADMIN_URL).status_code, 200)


class AdminPagesTests(SignInTestCase):
    """The admin pages of accounts work for a platform administrator, and show no secret."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.admin = User.objects.create_user(
            email="admin@test.example", password="correct horse battery staple 42", is_staff=True, is_superuser=True
        )

    def setUp(self):
        self.login_as(self.admin)

    def test_user_list_search_and_change_page(self):
        secret, _codes = enrolled(self.al_analyst)
        response = self.client.get(reverse("admin:accounts_user_changelist"), {"q": "al_analyst"})
        self.assertContains(response, self.al_analyst.email)
        self.assertNotContains(response, self.mk_analyst.email)
        response = self.client.get(reverse("admin:accounts_user_change", args=[self.al_analyst.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, secret)
        self.assertNotContains(response, "totp_secret")

    def test_add_user(self):
        response = self.client.get(reverse("admin:accounts_user_add"))
        self.assertEqual(response.status_code, 200)
        response = self.client.post(
            reverse("admin:accounts_user_add"),
            {
                "email": "Added@Test.Example",
                "password1": "a long enough passphrase",
                "password2": "a long enough passphrase",
                "usable_password": "true",
            },
        )
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        user = User.objects.get(email__iexact="added@test.example")
        self.assertTrue(user.check_password("a long enough passphrase"))
        # One spelling of an address is stored, so sign-in stays unambiguous.
        self.assertEqual(user.email, "added@test.example")
        entry = audit_actions(self.admin, "account.created").get()
        self.assertEqual(entry.object_id, str(user.pk))
        self.assertEqual(entry.changes["is_superuser"], False)

    def test_the_same_address_in_other_letters_is_refused(self):
        response = self.client.post(
            reverse("admin:accounts_user_add"),
            {
                "email": "AL_Analyst@Test.Example",
                "password1": "a long enough passphrase",
                "password2": "a long enough passphrase",
                "usable_password": "true",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["adminform"].form.errors["email"])
        self.assertEqual(User.objects.filter(email__iexact="al_analyst@test.example").count(), 1)

    def test_changing_an_address_keeps_one_spelling(self):
        self.al_analyst.email = "  Renamed@Test.Example "
        self.al_analyst.save()
        self.al_analyst.refresh_from_db()
        self.assertEqual(self.al_analyst.email, "renamed@test.example")

    def test_reset_second_factor_action(self):
        enrolled(self.al_analyst)
        response = self.client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "reset_second_factor", "_selected_action": [str(self.al_analyst.pk)]},
            follow=True,
        )
        self.assertContains(response, "The second factor was reset.")
        self.al_analyst.refresh_from_db()
        self.assertFalse(self.al_analyst.has_mfa)
        self.assertFalse(RecoveryCode.objects.filter(user=self.al_analyst).exists())
        entry = audit_actions(self.admin, "mfa.reset").get()
        self.assertEqual(entry.object_id, str(self.al_analyst.pk))

        # The user enrols again at the next sign-in.
        self.client.logout()
        self.assertRedirects(self.password_step(self.al_analyst), ENROL_URL, fetch_redirect_response=False)

    def test_api_tokens_are_listed_but_cannot_be_made_here(self):
        from accounts import actions

        token, plain = actions.create_api_token(
            self.al_analyst, membership=self.al_analyst.memberships.get(), name="script", days=30
        )
        response = self.client.get(reverse("admin:accounts_apitoken_changelist"))
        self.assertContains(response, token.prefix)
        self.assertNotContains(response, plain)
        response = self.client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, plain)
        # A token made in the admin would have no secret anyone could know: there is no add page.
        self.assertEqual(self.client.get(reverse("admin:accounts_apitoken_add")).status_code, 403)
        self.assertEqual(ApiToken.objects.count(), 1)

    def test_revoking_tokens_in_the_admin_is_audited(self):
        from accounts import actions

        token, _plain = actions.create_api_token(
            self.al_analyst, membership=self.al_analyst.memberships.get(), name="script", days=30
        )
        response = self.client.post(
            reverse("admin:accounts_apitoken_changelist"),
            {"action": "revoke_tokens", "_selected_action": [str(token.pk)]},
            follow=True,
        )
        self.assertContains(response, "The selected tokens are revoked.")
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)
        self.assertTrue(audit_actions(self.admin, "api_token.revoked").exists())

    def test_a_flag_set_in_the_admin_goes_through_the_audited_action(self):
        response = self.client.post(
            reverse("admin:accounts_user_change", args=[self.al_analyst.pk]),
            {
                "is_active": "on",
                "is_staff": "on",
                "is_superuser": "on",
                # Not editable here: ignored.
                "email": "taken-over@evil.example",
                "is_demo": "on",
                "failed_logins": "0",
                "_save": "Save",
            },
        )
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        self.al_analyst.refresh_from_db()
        self.assertTrue(self.al_analyst.is_staff and self.al_analyst.is_superuser and self.al_analyst.is_active)
        self.assertEqual(self.al_analyst.email, "al_analyst@test.example")
        self.assertFalse(self.al_analyst.is_demo)
        entry = audit_actions(self.admin, "account.flags_changed").get()
        self.assertEqual(entry.object_id, str(self.al_analyst.pk))
        self.assertEqual(entry.changes["is_superuser"], [False, True])
        self.assertEqual(entry.changes["is_staff"], [False, True])
        self.assertNotIn("is_active", entry.changes)

    def test_removing_a_flag_is_audited_and_saving_unchanged_writes_nothing(self):
        url = reverse("admin:accounts_user_change", args=[self.al_analyst.pk])
        self.client.post(url, {"is_active": "on", "_save": "Save"})
        self.assertFalse(audit_actions(self.admin, "account.flags_changed").exists())
        self.client.post(url, {"_save": "Save"})
        self.al_analyst.refresh_from_db()
        self.assertFalse(self.al_analyst.is_active)
        entry = audit_actions(self.admin, "account.flags_changed").get()
        self.assertEqual(entry.changes["is_active"], [True, False])

    def test_passwords_are_not_set_and_accounts_not_deleted_in_the_admin(self):
        before = self.al_analyst.password
        password_url = reverse("admin:auth_user_password_change", args=[self.al_analyst.pk])
        self.assertEqual(self.client.get(password_url).status_code, 403)
        response = self.client.post(
            password_url, {"password1": "a new passphrase 123", "password2": "a new passphrase 123"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(
            self.client.post(
                reverse("admin:accounts_user_delete", args=[self.al_analyst.pk]), {"post": "yes"}
            ).status_code,
            403,
        )
        self.al_analyst.refresh_from_db()
        self.assertEqual(self.al_analyst.password, before)
        response = self.client.get(reverse("admin:accounts_user_changelist"))
        self.assertNotContains(response, "delete_selected")

    def test_an_api_token_is_not_renamed_in_the_admin(self):
        from accounts import actions

        token, _plain = actions.create_api_token(
            self.al_analyst, membership=self.al_analyst.memberships.get(), name="script", days=30
        )
        response = self.client.post(reverse("admin:accounts_apitoken_change", args=[token.pk]), {"name": "renamed"})
        self.assertEqual(response.status_code, 403)
        token.refresh_from_db()
        self.assertEqual(token.name, "script")

    def test_django_groups_are_not_in_the_admin(self):
        response = self.client.get("/admin/auth/group/")
        self.assertEqual(response.status_code, 404)

    def test_dashboard_is_separate_from_the_admin(self):
        self.assertIn(self.client.get(DASHBOARD_URL).status_code, (200, 403))
