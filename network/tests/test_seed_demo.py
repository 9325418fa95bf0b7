"""manage.py seed_demo: the demo network, its users, refusal without DEBUG, and idempotency."""

from io import StringIO

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from audit.models import AuditEntry
from core.permissions import Role
from network.models import Centre, CentreService, Country, Coverage, Membership, Service

NETWORK_COUNTRIES = {"AL", "BA", "XK", "ME", "MK", "RS", "HR"}
CENTRE_ROLES = {Role.HOTLINE_ANALYST, Role.HELPLINE_COUNSELLOR, Role.SUPERVISOR, Role.CENTRE_MANAGER, Role.AUDITOR}


def seed() -> str:
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Every row of every table, so a second run can be shown to change nothing at all."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


class SeedDemoRefusesWithoutDebugTests(TestCase):
    @override_settings(DEBUG=False)
    def test_refuses_and_creates_nothing(self):
        before = snapshot()
        with self.assertRaisesMessage(CommandError, "DEBUG is off"):
            call_command("seed_demo", stdout=StringIO())
        self.assertEqual(snapshot(), before)
        self.assertFalse(Country.objects.exists())
        self.assertFalse(get_user_model().objects.exists())


class SeedDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = seed()

    def test_network_countries(self):
        network = set(Country.objects.filter(in_network=True).values_list("code", flat=True))
        self.assertEqual(network, NETWORK_COUNTRIES)
        self.assertEqual(Country.objects.get(code="XK").name, "Kosovo")
        self.assertFalse(Country.objects.filter(code__in=["KS", "KV"]).exists())
        # Partners abroad (INHOPE) are known but not network countries.
        self.assertFalse(Country.objects.get(code="NL").in_network)

    def test_every_network_country_has_a_hotline_and_a_helpline(self):
        for country in Country.objects.filter(in_network=True):
            for service in (Service.HOTLINE, Service.HELPLINE):
                with self.subTest(country=country.code, service=service):
                    coverage = Coverage.objects.select_related("centre").get(country=country, service=service)
                    self.assertTrue(coverage.centre.is_active)
                    # The covering centre runs the service it is said to cover.
                    self.assertTrue(CentreService.objects.filter(centre=coverage.centre, service=service).exists())

    def test_montenegro_hotline_is_covered_by_a_partner(self):
        coverage = Coverage.objects.select_related("centre__country").get(country__code="ME", service=Service.HOTLINE)
        self.assertTrue(coverage.is_partner)
        self.assertNotEqual(coverage.centre.country.code, "ME")
        self.assertTrue(coverage.centre.country.in_network)
        own = Coverage.objects.get(country__code="AL", service=Service.HOTLINE)
        self.assertFalse(own.is_partner)

    def test_demo_users_for_every_role(self):
        active = Membership.objects.filter(is_active=True, user__is_demo=True, user__is_active=True)
        for country in ("AL", "MK"):
            roles = set(active.filter(centre__country__code=country).values_list("role", flat=True))
            with self.subTest(country=country):
                self.assertLessEqual(CENTRE_ROLES, roles)
        self.assertTrue(active.filter(role=Role.NETWORK_COORDINATOR).exists())
        self.assertTrue(active.filter(role=Role.STATE_VIEWER).exists())
        self.assertEqual(set(dict(Role.CHOICES)) - set(active.values_list("role", flat=True)), set())

    def test_demo_users_can_sign_in_with_the_printed_password(self):
        from network.demo import DEMO_PASSWORD

        self.assertIn(DEMO_PASSWORD, self.output)
        for user in get_user_model().objects.filter(is_demo=True):
            with self.subTest(user=user.email):
                self.assertIn(user.email, self.output)
                self.assertTrue(user.check_password(DEMO_PASSWORD))

    def test_grants_are_audited(self):
        granted = AuditEntry.objects.filter(action="membership.granted").count()
        self.assertEqual(granted, Membership.objects.count())

    def test_centres_have_their_services(self):
        self.assertTrue(Centre.objects.filter(code="al-crca", country__code="AL").exists())
        helpline = CentreService.objects.get(centre__code="al-crca", service=Service.HELPLINE)
        self.assertEqual(helpline.phone, "116 111")

    def test_second_run_changes_nothing(self):
        before = snapshot()
        updated_at = {
            label: {row["id"]: row["updated_at"] for row in rows}
            for label, rows in before.items()
            if rows and "updated_at" in rows[0]
        }
        self.assertIn("network.Membership", updated_at)
        self.assertIn("network.Coverage", updated_at)
        seed()
        after = snapshot()
        for label in before:
            with self.subTest(table=label):
                self.assertEqual(len(after[label]), len(before[label]))
                self.assertEqual(after[label], before[label])
        for label, values in updated_at.items():
            with self.subTest(updated_at=label):
                self.assertEqual({row["id"]: row["updated_at"] for row in after[label]}, values)
        self.assertGreater(len(before["audit.AuditEntry"]), 0)
        self.assertGreater(len(before["network.Membership"]), 0)
