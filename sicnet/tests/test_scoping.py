"""The scoping guard (core.access.GuardedQuerySet): case data cannot be read unscoped by accident.

The suite runs with the guard on. A test's own assertions may read unscoped (querysets made in test
code); ``strict_scoping()`` takes that allowance away, so a read made here fails exactly as the same
read in app code would.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Count
from django.shortcuts import get_object_or_404

from audit.models import AuditEntry
from core.access import (
    AggregateScope,
    Level,
    UnscopedRead,
    aggregate_scope,
    is_scoped_model,
    strict_scoping,
)
from core.permissions import Perm
from core.testing import CANONICAL_USERS, SicnetTestCase
from helpline import actions as helpline_actions
from helpline.models import Case, CaseNote, Contact
from hotline.models import Item, Report
from hotline.tests.helpers import make_report
from network.models import Centre, Country

# Models of the project with a centre or a country that are not case data, each with why. A new
# model with a centre or country (a later app's records) fails the test below until it is guarded
# (objects = ScopedQuerySet / ChildQuerySet / a GuardedQuerySet with visible_to) or listed here.
NOT_CASE_DATA = {
    "helpline.SupportService": "the public directory of services of a country",
    "notify.WebhookEndpoint": "a centre's configuration, managed by its manager",
    "nrm.Editor": "who may edit a country's assessments (configuration)",
    "legal.Editor": "who may edit a country's entries (configuration)",
    "audit.ChainHead": "the head of an audit chain: a sequence number and a hash",
}
PLATFORM_APPS = {"network", "accounts", "core", "api", "public", "sicnet"}


def app_code_read(function, *args):
    """Runs ``function`` as if it were app code: no test allowance."""
    with strict_scoping():
        return function(*args)


class GuardTests(SicnetTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.report, _token = make_report(["https://bad.example.com/scoping"])
        cls.item = Item.objects.unscoped("test").get(reports=cls.report)

    def test_every_way_of_reading_unscoped_case_data_fails(self):
        reads = {
            "iteration": lambda: list(Item.objects.all()),
            "get": lambda: Item.objects.get(pk=self.item.pk),
            "first": lambda: Item.objects.filter(centre=self.al_centre).first(),
            "count": lambda: Report.objects.count(),
            "exists": lambda: Report.objects.filter(centre=self.al_centre).exists(),
            "aggregate": lambda: Item.objects.aggregate(n=Count("id")),
            "values": lambda: list(Item.objects.values_list("url", flat=True)),
            "grouped": lambda: list(Item.objects.values("centre").annotate(n=Count("id"))),
            "iterator": lambda: list(Item.objects.iterator()),
            "in_bulk": lambda: Item.objects.in_bulk([self.item.pk]),
            "update": lambda: Item.objects.filter(pk=self.item.pk).update(notes=""),
            "delete": lambda: Report.objects.filter(pk=self.report.pk).delete(),
            "get_or_create": lambda: Contact.objects.get_or_create(pk=self.item.pk),
            "get_object_or_404": lambda: get_object_or_404(Item, pk=self.item.pk),
            # A related manager of something that is not case data reads every record it has.
            "centre's related manager": lambda: list(self.al_centre.hotline_items.all()),
            "audit log": lambda: list(AuditEntry.objects.all()),
            # A combination is readable only if every part is.
            "combined": lambda: list(Item.objects.visible_to(self.al_analyst) | Item.objects.all()),
        }
        for name, read in reads.items():
            with self.subTest(name), self.assertRaisesMessage(UnscopedRead, "visible_to(user"):
                app_code_read(read)
        self.assertTrue(Item.objects.unscoped("test").filter(pk=self.item.pk).exists(), "nothing was changed")

    def test_a_read_made_in_app_code_fails_even_when_a_test_evaluates_it(self):
        # The test allowance looks at where the queryset was made, not where it is read.
        namespace = {"Item": Item}
        exec(compile("def app_query():\n    return Item.objects.all()\n", "hotline/somewhere.py", "exec"), namespace)
        with self.assertRaises(UnscopedRead):
            list(namespace["app_query"]())

    def test_narrowed_and_named_reads_pass(self):
        with strict_scoping():
            self.assertEqual(list(Item.objects.visible_to(self.al_analyst)), [self.item])
            self.assertEqual(Item.objects.visible_to(self.mk_analyst).count(), 0)
            # The declaration survives every derived queryset.
            narrowed = Item.objects.visible_to(self.al_analyst).filter(centre=self.al_centre).order_by("url")
            self.assertEqual(list(narrowed.values_list("pk", flat=True)), [self.item.pk])
            self.assertEqual(Item.objects.unscoped("retention").count(), 1)
            self.assertEqual(Item.objects.unscoped("test").scope, "unscoped: test")
            self.assertEqual(Item.objects.select_for_update().same_as(self.item).get(), self.item)

    def test_a_reason_is_required(self):
        for reason in ("", "   ", None):
            with self.subTest(reason=reason), self.assertRaises(UnscopedRead):
                Item.objects.unscoped(reason)

    def test_same_as_and_of_take_objects_read_through_the_guard_only(self):
        with self.assertRaises(UnscopedRead):
            Item.objects.same_as(self.report)
        with self.assertRaises(UnscopedRead):
            Report.objects.of(centre=self.al_centre)  # a centre is no case data

    def test_related_managers_of_case_data_objects_pass(self):
        with strict_scoping():
            item = Item.objects.visible_to(self.al_analyst).get()
            self.assertEqual(list(item.reports.all()), [self.report])
            prefetched = Item.objects.visible_to(self.al_analyst).prefetch_related("reports").get()
            self.assertEqual(list(prefetched.reports.all()), [self.report])
            self.assertEqual(list(Report.objects.of(items=item)), [self.report])

    def test_django_internals_work_with_the_guard(self):
        contact = helpline_actions.log_contact(None, centre=self.al_centre, by=self.al_counsellor, data={})
        with strict_scoping():
            case = helpline_actions.open_case(contact, by=self.al_counsellor)
            helpline_actions.add_note(case, by=self.al_counsellor, text="a note")
            # Unique and constraint validation read through the default manager.
            case.validate_unique()
            case.validate_constraints()
            self.assertEqual(repr(Case.objects.all()), "<CaseQuerySet of helpline.Case, not yet narrowed>")
            case.delete()  # the deletion collector reads the notes through the base manager
        self.assertFalse(CaseNote.objects.exists())

    def test_every_model_with_a_centre_or_country_is_guarded_or_named(self):
        for model in apps.get_models():
            label = model._meta.label
            if model._meta.app_label in PLATFORM_APPS or model.__module__.startswith("django"):
                continue
            owned = any(
                getattr(f, "many_to_one", False) and f.related_model in (Centre, Country) for f in model._meta.fields
            )
            if owned and not is_scoped_model(model):
                with self.subTest(label):
                    self.assertTrue(NOT_CASE_DATA.get(label), f"{label} has a centre or country but no scoping guard")


class AggregateScopeTests(SicnetTestCase):
    """Which centres and countries each canonical user may see aggregates of, and at which level."""

    def expected(self, name: str) -> dict:
        al, mk, state, coord = (self.centres[k].pk for k in ("al", "mk", "al_state", "coord"))
        albania, macedonia = self.network["countries"]["AL"].pk, self.network["countries"]["MK"].pk
        centre = {"al": (al, albania), "mk": (mk, macedonia)}
        key, _role = CANONICAL_USERS[name]
        answers = {code: AggregateScope(None) for code in (Perm.STATS_CENTRE, Perm.STATS_COUNTRY, Perm.STATS_NETWORK)}
        if name in ("al_analyst", "al_counsellor", "al_supervisor", "al_manager", "mk_analyst", "mk_counsellor",
                    "mk_manager"):  # fmt: skip
            pk, country = centre[key]
            answers[Perm.STATS_CENTRE] = AggregateScope(Level.CENTRE, frozenset({pk}), frozenset({country}))
        if name == "state_viewer":
            answers[Perm.STATS_COUNTRY] = AggregateScope(
                Level.COUNTRY, frozenset({al, state, coord}), frozenset({albania})
            )
        if name == "coordinator":
            answers[Perm.STATS_NETWORK] = AggregateScope(
                Level.NETWORK, frozenset({al, mk, state, coord}), frozenset({albania, macedonia})
            )
        return answers

    def test_every_canonical_user(self):
        for name in CANONICAL_USERS:
            expected = self.expected(name)
            for code, scope in expected.items():
                with self.subTest(user=name, code=code):
                    self.assertEqual(aggregate_scope(self.users[name], code), scope)
            with self.subTest(user=name, code="widest"):
                widest = [scope for scope in expected.values() if scope]
                self.assertEqual(aggregate_scope(self.users[name]), widest[-1] if widest else AggregateScope(None))

    def test_auditors_and_outsiders_see_no_aggregates(self):
        for name in ("al_auditor", "mk_auditor", "outsider"):
            with self.subTest(name):
                self.assertFalse(aggregate_scope(self.users[name]))

    def test_an_unknown_code_is_a_programming_error(self):
        with self.assertRaises(ValueError):
            aggregate_scope(self.coordinator, "hotline.view")

    def test_a_scope_reads_aggregates_never_records(self):
        make_report(["https://bad.example.com/one"])
        make_report(["https://bad.example.com/two"], country="MK")
        network = aggregate_scope(self.coordinator, Perm.STATS_NETWORK)
        with strict_scoping():
            self.assertEqual(Item.objects.visible_to(self.coordinator).count(), 0, "the coordinator reads no records")
            self.assertEqual(Item.objects.for_aggregates(network).count(), 2)
            per_centre = Item.objects.for_aggregates(network).values("centre").annotate(n=Count("id")).order_by()
            self.assertEqual(sorted(row["n"] for row in per_centre), [1, 1])
            for records in (
                lambda: list(Item.objects.for_aggregates(network)),
                lambda: Item.objects.for_aggregates(network).first(),
                lambda: list(Item.objects.for_aggregates(network).values_list("url", flat=True)),
                lambda: list(Item.objects.for_aggregates(network).annotate(n=Count("reports"))),
                lambda: Item.objects.for_aggregates(network).update(notes=""),
            ):
                with self.assertRaisesMessage(UnscopedRead, "aggregate scope"):
                    records()
            al_only = aggregate_scope(self.al_manager, Perm.STATS_CENTRE)
            self.assertEqual(Item.objects.for_aggregates(al_only).count(), 1)
