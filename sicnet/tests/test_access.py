"""The scoping helpers: visible_to, access_object, access_centre, permission_required, token narrowing."""

import uuid
from unittest import mock

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from accounts.actions import create_api_token
from accounts.models import ApiToken
from audit.permissions import AuditPerm
from core.access import (
    ScopedQuerySet,
    access_centre,
    access_object,
    centre_ids_with,
    country_ids_with,
    forget_memberships,
    has_perm,
    limit_to_memberships,
    memberships_of,
    permission_required,
    permissions_of,
)
from core.permissions import Perm, Role, permissions_for_role
from core.testing import SicnetTestCase
from helpline.permissions import HelplinePerm
from hotline.permissions import HotlinePerm
from network.models import Membership
from network.permissions import NetworkPerm


class AccessTestCase(SicnetTestCase):
    def setUp(self):
        # Users are shared class data: never let one test's cached memberships leak into the next.
        for user in self.users.values():
            forget_memberships(user)

    def scoped(self, model, **attributes) -> ScopedQuerySet:
        """A ScopedQuerySet over an existing model, configured as a scoped model would be."""
        for name, value in attributes.items():
            self.enterContext(mock.patch.object(model, name, value, create=True))
        return ScopedQuerySet(model=model)

    def memberships(self, **attributes) -> ScopedQuerySet:
        return self.scoped(Membership, **attributes)


class CentreScopeTests(AccessTestCase):
    def test_centres_with_a_permission_follow_the_roles(self):
        al, mk = self.al_centre.pk, self.mk_centre.pk
        self.assertEqual(centre_ids_with(self.al_analyst, HotlinePerm.VIEW), {al})
        self.assertEqual(centre_ids_with(self.al_analyst, HelplinePerm.VIEW), set())
        self.assertEqual(centre_ids_with(self.mk_counsellor, HelplinePerm.VIEW), {mk})
        self.assertEqual(centre_ids_with(self.al_auditor, AuditPerm.VIEW), {al})
        self.assertEqual(country_ids_with(self.mk_manager, NetworkPerm.MEMBERS_MANAGE), {self.mk_centre.country_id})

    def test_nobody_without_a_role_reaches_anything(self):
        for user in (self.outsider, AnonymousUser(), None):
            with self.subTest(user=user):
                self.assertEqual(memberships_of(user), [])
                self.assertEqual(permissions_of(user), set())
                self.assertEqual(centre_ids_with(user, Perm.DASHBOARD), set())

    def test_the_coordinator_and_the_state_viewer_never_see_case_records(self):
        for user in (self.coordinator, self.state_viewer):
            for code in (HotlinePerm.VIEW, HelplinePerm.VIEW, AuditPerm.VIEW):
                with self.subTest(user=user.full_name, code=code):
                    self.assertFalse(has_perm(user, code))
        case_codes = {HotlinePerm.VIEW, HelplinePerm.VIEW}
        self.assertFalse(permissions_for_role(Role.NETWORK_COORDINATOR) & case_codes)
        self.assertFalse(permissions_for_role(Role.STATE_VIEWER) & case_codes)

    def test_roles_at_two_centres_stay_apart(self):
        Membership.objects.create(user=self.al_analyst, centre=self.mk_centre, role=Role.HELPLINE_COUNSELLOR)
        forget_memberships(self.al_analyst)
        self.assertEqual(centre_ids_with(self.al_analyst, HotlinePerm.VIEW), {self.al_centre.pk})
        self.assertEqual(centre_ids_with(self.al_analyst, HelplinePerm.VIEW), {self.mk_centre.pk})
        self.assertIn(HotlinePerm.ASSESS, permissions_of(self.al_analyst, self.al_centre.pk))
        self.assertNotIn(HotlinePerm.ASSESS, permissions_of(self.al_analyst, self.mk_centre.pk))
        self.assertTrue(has_perm(self.al_analyst, HelplinePerm.LOG, self.mk_centre.pk))
        self.assertFalse(has_perm(self.al_analyst, HelplinePerm.LOG, self.al_centre.pk))

    def test_memberships_are_read_once_per_request(self):
        with self.assertNumQueries(1):
            memberships_of(self.al_manager)
            memberships_of(self.al_manager)
            has_perm(self.al_manager, AuditPerm.VIEW)
            centre_ids_with(self.al_manager, NetworkPerm.MEMBERS_MANAGE)


class VisibleToTests(AccessTestCase):
    def test_filters_by_centre_and_permission(self):
        queryset = self.memberships(VIEW_PERMISSION=NetworkPerm.MEMBERS_MANAGE)
        al_members = set(Membership.objects.filter(centre=self.al_centre))
        self.assertEqual(set(queryset.visible_to(self.al_manager)), al_members)
        self.assertEqual(
            set(queryset.visible_to(self.mk_manager)), set(Membership.objects.filter(centre=self.mk_centre))
        )
        # Same centre, no permission: nothing.
        self.assertFalse(queryset.visible_to(self.al_analyst).exists())
        self.assertFalse(queryset.visible_to(self.outsider).exists())
        self.assertFalse(queryset.visible_to(AnonymousUser()).exists())

    def test_an_explicit_code_replaces_the_models_permission(self):
        queryset = self.memberships(VIEW_PERMISSION=NetworkPerm.MEMBERS_MANAGE)
        self.assertEqual(
            set(queryset.visible_to(self.al_analyst, HotlinePerm.VIEW)),
            set(Membership.objects.filter(centre=self.al_centre)),
        )

    def test_the_centre_can_be_reached_through_a_relation(self):
        al_token, _ = create_api_token(self.al_analyst, membership=self.al_analyst.memberships.get(), name="al", days=1)
        create_api_token(self.mk_analyst, membership=self.mk_analyst.memberships.get(), name="mk", days=1)
        tokens = self.scoped(ApiToken, VIEW_PERMISSION=NetworkPerm.MEMBERS_MANAGE, CENTRE_FIELD="membership__centre")
        self.assertEqual(list(tokens.visible_to(self.al_manager)), [al_token])

    def test_inactive_memberships_grant_nothing(self):
        Membership.objects.filter(user=self.al_manager).update(is_active=False)
        queryset = self.memberships(VIEW_PERMISSION=NetworkPerm.MEMBERS_MANAGE)
        self.assertEqual(memberships_of(self.al_manager), [])
        self.assertFalse(has_perm(self.al_manager, NetworkPerm.MEMBERS_MANAGE))
        self.assertFalse(queryset.visible_to(self.al_manager).exists())
        with self.assertRaises(Http404):
            access_centre(self.al_manager, self.al_centre.pk, NetworkPerm.MEMBERS_MANAGE)

    def test_inactive_users_reach_nothing(self):
        self.al_manager.is_active = False
        self.assertEqual(memberships_of(self.al_manager), [])
        self.assertFalse(
            self.memberships(VIEW_PERMISSION=NetworkPerm.MEMBERS_MANAGE).visible_to(self.al_manager).exists()
        )


class TokenNarrowingTests(AccessTestCase):
    def test_limit_to_memberships_narrows_to_the_tokens_membership(self):
        second = Membership.objects.create(user=self.al_manager, centre=self.mk_centre, role=Role.CENTRE_MANAGER)
        forget_memberships(self.al_manager)
        self.assertEqual(
            centre_ids_with(self.al_manager, NetworkPerm.MEMBERS_MANAGE), {self.al_centre.pk, self.mk_centre.pk}
        )

        limit_to_memberships(self.al_manager, [second])
        self.assertEqual(centre_ids_with(self.al_manager, NetworkPerm.MEMBERS_MANAGE), {self.mk_centre.pk})
        queryset = self.memberships(VIEW_PERMISSION=NetworkPerm.MEMBERS_MANAGE)
        self.assertFalse(queryset.visible_to(self.al_manager).filter(centre=self.al_centre).exists())
        with self.assertRaises(Http404):
            access_centre(self.al_manager, self.al_centre.pk, NetworkPerm.MEMBERS_MANAGE)
        self.assertEqual(access_centre(self.al_manager, self.mk_centre.pk, NetworkPerm.MEMBERS_MANAGE), self.mk_centre)


class AccessObjectTests(AccessTestCase):
    def test_returns_a_visible_object(self):
        queryset = self.memberships(VIEW_PERMISSION=NetworkPerm.MEMBERS_MANAGE).visible_to(self.al_manager)
        membership = self.al_analyst.memberships.get()
        self.assertEqual(access_object(queryset, pk=membership.pk), membership)
        self.assertEqual(access_object(queryset, pk=str(membership.pk)), membership)

    def test_not_yours_looks_like_does_not_exist(self):
        queryset = self.memberships(VIEW_PERMISSION=NetworkPerm.MEMBERS_MANAGE).visible_to(self.mk_manager)
        with self.assertRaises(Http404):
            access_object(queryset, pk=self.al_analyst.memberships.get().pk)
        with self.assertRaises(Http404):
            access_object(queryset, pk=uuid.uuid4())

    def test_malformed_ids_are_404_not_500(self):
        queryset = self.memberships(VIEW_PERMISSION=NetworkPerm.MEMBERS_MANAGE).visible_to(self.al_manager)
        for bad in ("not-a-uuid", "1 OR 1=1", "", 12, ["x"], {"a": 1}):
            with self.subTest(bad=bad), self.assertRaises(Http404):
                access_object(queryset, pk=bad)
        # An integer key raises ValueError rather than ValidationError: also 404.
        with self.assertRaises(Http404):
            access_object(ContentType.objects.all(), pk="not-a-number")


class AccessCentreTests(AccessTestCase):
    def test_gives_the_centre_where_the_user_holds_the_permission(self):
        self.assertEqual(access_centre(self.al_manager, self.al_centre.pk, NetworkPerm.MEMBERS_MANAGE), self.al_centre)
        self.assertEqual(
            access_centre(self.al_manager, str(self.al_centre.pk), NetworkPerm.MEMBERS_MANAGE), self.al_centre
        )

    def test_anything_else_is_404(self):
        cases = [
            (self.mk_manager, self.al_centre.pk),  # another centre's manager
            (self.al_analyst, self.al_centre.pk),  # own centre, without the permission
            (self.al_manager, uuid.uuid4()),  # no such centre
            (self.al_manager, "not-a-uuid"),
            (self.outsider, self.al_centre.pk),
            (AnonymousUser(), self.al_centre.pk),
        ]
        for user, centre_id in cases:
            with self.subTest(user=str(user), centre_id=centre_id), self.assertRaises(Http404):
                access_centre(user, centre_id, NetworkPerm.MEMBERS_MANAGE)


class PermissionRequiredTests(AccessTestCase):
    def setUp(self):
        super().setUp()
        self.view = permission_required(AuditPerm.VIEW)(lambda request: HttpResponse("seen"))
        self.factory = RequestFactory()

    def call(self, user):
        request = self.factory.get("/audit/?page=2")
        request.user = user
        return self.view(request)

    def test_anonymous_is_sent_to_sign_in_with_next(self):
        response = self.call(AnonymousUser())
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], "/accounts/login/?next=/audit/%3Fpage%3D2")

    def test_without_the_permission_anywhere_is_403(self):
        for user in (self.al_analyst, self.coordinator, self.outsider):
            with self.subTest(user=user.full_name), self.assertRaises(PermissionDenied):
                self.call(user)

    def test_with_the_permission_at_one_centre_the_view_runs(self):
        for user in (self.al_auditor, self.mk_manager):
            with self.subTest(user=user.full_name):
                self.assertEqual(self.call(user).content, b"seen")

    def test_the_code_is_readable_by_the_permission_matrix(self):
        self.assertEqual(self.view.required_permission, AuditPerm.VIEW)

    def test_an_inactive_membership_is_403_on_a_real_page(self):
        Membership.objects.filter(user=self.al_analyst).update(is_active=False)
        self.login_as(self.al_analyst)
        self.assertEqual(self.client.get("/hotline/").status_code, 403)
