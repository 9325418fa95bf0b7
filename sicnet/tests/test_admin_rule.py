"""The admin site changes nothing that bypasses actions and the audit log.

Checked for every model the admin shows, so a model registered later without going through an
action fails here: it is read-only, or its admin saves through the app's action (and deletes
nothing).
"""

import json

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import User
from audit.admin import ActionAdmin
from audit.models import AuditEntry
from core.testing import SicnetTestCase
from helpline.models import Category, Scheme
from nrm.models import Capability


class EveryAdminPageTests(SicnetTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.admin = User.objects.create_user(
            email="admin@test.example", password="x" * 20, is_staff=True, is_superuser=True
        )

    def test_every_registered_model_is_read_only_or_saved_through_an_action(self):
        request = RequestFactory().get("/")
        request.user = self.admin
        for model, model_admin in admin.site._registry.items():
            with self.subTest(model=model._meta.label):
                self.assertFalse(model_admin.has_delete_permission(request), "nothing is deleted from the admin")
                writes = model_admin.has_add_permission(request) or model_admin.has_change_permission(request)
                if writes:
                    # The accounts' admin saves through accounts.actions (create_account, set_account_flags).
                    self.assertTrue(
                        isinstance(model_admin, ActionAdmin) or type(model_admin).__module__ == "accounts.admin",
                        f"{type(model_admin).__name__} changes {model._meta.label} without an audited action",
                    )
                    self.assertIsNot(type(model_admin).save_model, DjangoUserAdmin.save_model)
                for inline in model_admin.get_inline_instances(request):
                    self.assertFalse(
                        inline.has_add_permission(request, None)
                        or inline.has_change_permission(request)
                        or inline.has_delete_permission(request),
                        f"the inline {type(inline).__name__} saves without an action",
                    )

    def test_a_category_changed_in_the_admin_is_saved_through_the_audited_action(self):
        category = Category.objects.create(scheme=Scheme.INSAFE, name="Grooming", position=1)
        self.login_as(self.admin)
        response = self.client.post(
            reverse("admin:helpline_category_change", args=[category.pk]),
            {"scheme": Scheme.INSAFE, "name": "Grooming online", "position": 1, "is_active": "", "_save": "Save"},
        )
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        category.refresh_from_db()
        self.assertEqual((category.name, category.is_active), ("Grooming online", False))
        entry = AuditEntry.objects.get(action="helpline.category.changed")
        self.assertEqual((entry.actor_id, entry.object_id), (self.admin.pk, str(category.pk)))
        self.assertEqual(entry.changes, {"fields": ["is_active", "name"]})

    def test_a_capability_renamed_in_the_admin_is_saved_through_the_nrm_action(self):
        capability = Capability.objects.select_related("domain").first()
        self.login_as(self.admin)
        response = self.client.post(
            reverse("admin:nrm_capability_change", args=[capability.pk]),
            {
                "domain": capability.domain_id,
                "number": capability.number,
                "name": "A clearer name",
                "names": json.dumps(capability.names),
                "summary": capability.summary,
                "_save": "Save",
            },
        )
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        capability.refresh_from_db()
        self.assertEqual(capability.name, "A clearer name")
        entry = AuditEntry.objects.get(action="nrm.capability.changed")
        self.assertEqual(entry.actor_id, self.admin.pk)
        self.assertIn("name", entry.changes["fields"])

    def test_named_editors_are_not_changed_in_the_admin(self):
        self.login_as(self.admin)
        for name in ("nrm_editor", "legal_editor"):
            with self.subTest(admin=name):
                self.assertEqual(self.client.get(reverse(f"admin:{name}_changelist")).status_code, 200)
                response = self.client.post(reverse(f"admin:{name}_add"), {"country": "", "user": self.al_analyst.pk})
                self.assertEqual(response.status_code, 403)
