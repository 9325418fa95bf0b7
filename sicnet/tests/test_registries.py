"""The registries the apps fill from ready(): figures providers, and visibility read from the views."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta

from django.test import RequestFactory
from django.utils import timezone

from audit.permissions import AuditPerm
from core import registry
from core.registry import figures_providers, register_widget, required_permissions, widgets_for
from helpline import actions as helpline_actions
from hotline import actions as hotline_actions
from hotline.figures import centre_figures
from network.testing import SicnetTestCase


class FiguresProvidersTests(SicnetTestCase):
    def test_the_hotline_provides_what_its_figures_page_computes(self):
        hotline_actions.create_report(
            country="AL", harm_type="csam", urls=["https://bad.example.com/a"], source="web_form"
        )
        today = timezone.localdate()
        provider = figures_providers()["hotline"]
        figures = provider.provide(self.al_centre.pk, today - timedelta(days=1), today)
        self.assertEqual(figures, asdict(centre_figures(self.al_centre.pk, today - timedelta(days=1), today)))
        self.assertEqual((figures["reports"], figures["items"]), (1, 1))
        self.assertEqual({key for key, _label in provider.figures}, set(figures))

    def test_the_helpline_provides_its_contact_counts_for_a_period_both_dates_included(self):
        data = {"kind": "counselling", "channel": "phone"}
        helpline_actions.log_contact(None, centre=self.al_centre, by=self.al_counsellor, data=data)
        provider = figures_providers()["helpline"]
        today = timezone.localdate()
        figures = provider.provide(self.al_centre.pk, today, today)
        self.assertEqual((figures["contacts"], figures["counselling"], figures["by_channel"]), (1, 1, {"phone": 1}))
        self.assertEqual(provider.provide(self.mk_centre.pk, today, today)["contacts"], 0)
        self.assertEqual(provider.provide(self.al_centre.pk, date(2000, 1, 1), date(2000, 1, 2))["contacts"], 0)
        self.assertEqual({key for key, _label in provider.figures}, set(figures))


class VisibilityTests(SicnetTestCase):
    def test_an_entry_is_seen_by_whoever_its_view_lets_in(self):
        self.assertEqual(required_permissions("audit:log"), (AuditPerm.VIEW,))
        self.assertEqual(required_permissions("network:centres"), ())  # every signed-in user

    def test_a_widget_shows_to_holders_of_its_permission_when_it_has_something_to_show(self):
        request = RequestFactory().get("/")
        names = {"test.shown": ("core/widgets/none.html", {}), "test.empty": None}
        for name, content in names.items():
            register_widget(name, lambda request, content=content: content, permission=AuditPerm.VIEW)
        self.addCleanup(lambda: [registry._widgets.pop(name) for name in names])
        request.user = self.al_auditor
        self.assertIn("test.shown", [w["name"] for w in widgets_for(request)])
        self.assertNotIn("test.empty", [w["name"] for w in widgets_for(request)])
        request.user = self.al_analyst
        self.assertNotIn("test.shown", [w["name"] for w in widgets_for(request)])
