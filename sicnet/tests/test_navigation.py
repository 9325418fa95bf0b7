"""Menus show only what the user can open, and so do the pages they lead to.

For every canonical user: every navigation entry answers 200, and so does every internal link on
their dashboard and on each page the navigation leads to (one level deep). A link to another
centre's record never appears at all.
"""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.test import override_settings
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from core.registry import navigation_entries, navigation_for
from core.testing import CANONICAL_USERS
from helpline import actions as helpline_actions
from helpline.models import UrgentAlert
from hotline import actions as hotline_actions
from legal import actions as legal_actions
from legal.models import Provision
from network.testing import SicnetTestCase
from notify.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from nrm.models import Assessment, Status
from nrm.queries import current_framework
from referrals import actions as referral_actions

# Never followed: signing out (a POST form anyway), the admin (its own permission model, tested
# elsewhere), static files.
SKIPPED_PREFIXES = ("/accounts/logout/", "/admin/", "/static/")


class Links(HTMLParser):
    """The hrefs of a page (forms are not links: a POST-only action is never followed)."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("a", "link"):
            for name, value in attrs:
                if name == "href" and value:
                    self.hrefs.append(value)


def internal_links(html: str) -> set[str]:
    parser = Links()
    parser.feed(html)
    links = set()
    for href in parser.hrefs:
        url, _fragment = urldefrag(href)
        parts = urlsplit(url)
        if not url or parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
            continue
        if parts.path.startswith(SKIPPED_PREFIXES):
            continue
        links.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


def is_public_language_link(path: str) -> bool:
    """The public site's pages in each language: not staff pages (they may redirect by design)."""
    try:
        return resolve(urlsplit(path).path).namespace in ("public", "hotline_public", "nrm_public", "legal_public")
    except Resolver404:
        return False


class NavigationData(SicnetTestCase):
    """Records at both centres (and Serbia's, through a referral), so pages have links to follow."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        now = timezone.now()
        # Hotline: an item of each centre; Albania's claimed by its analyst.
        report, _ = hotline_actions.create_report(
            country="AL", harm_type="csam", urls=["https://bad.example.com/al"], source="web_form"
        )
        cls.al_item = report.items.get()
        hotline_actions.claim_item(cls.al_item, by=cls.al_analyst)
        report, _ = hotline_actions.create_report(
            country="MK", harm_type="csam", urls=["https://bad.example.com/mk"], source="web_form"
        )
        cls.mk_item = report.items.get()
        # Helpline: a case of Albania with an overdue task, and an unacknowledged urgent alert.
        contact = helpline_actions.log_contact(
            None, centre=cls.al_centre, by=cls.al_counsellor, data={"kind": "counselling", "channel": "phone"}
        )
        cls.al_case = helpline_actions.open_case(contact, by=cls.al_counsellor)
        helpline_actions.add_task(cls.al_case, by=cls.al_counsellor, title="Call back", due_at=now - timedelta(hours=3))
        cls.alert = UrgentAlert.objects.create(centre=cls.al_centre, contact=contact, raised_by=cls.al_counsellor)
        # Referrals: Albania's item sent to North Macedonia, waiting for its answer.
        hotline_actions.assess_item(cls.al_item, by=cls.al_analyst, assessment="baseline", notes="")
        hotline_actions.trace_item(cls.al_item, by=cls.al_analyst, hosting_provider="Host", hosting_country="MK")
        cls.al_item.refresh_from_db()
        cls.referral = referral_actions.send_hotline_item(cls.al_item, by=cls.al_analyst, receiver=cls.mk_centre)
        # Policy: Albania's NRM assessment submitted, a legal entry changed: both wait for validation.
        albania = cls.network["countries"]["AL"]
        cls.assessment = Assessment.objects.create(
            country=albania, framework=current_framework(), period="2025", status=Status.SUBMITTED, submitted_at=now
        )
        legal_actions.update_entry(albania, Provision.objects.get(code="L08"), by=cls.al_manager, status="partial")
        # A webhook delivery of Albania that failed for good.
        endpoint = WebhookEndpoint.objects.create(centre=cls.al_centre, url="https://hooks.al.example/in", secret="x")
        cls.dead = WebhookDelivery.objects.create(endpoint=endpoint, event="referral.sent", status=DeliveryStatus.DEAD)

    def foreign_ids(self, name: str) -> set[str]:
        """Ids of records the user must never be linked to (another centre's)."""
        centre = CANONICAL_USERS[name][0]
        if centre == "al":
            return {str(self.mk_item.pk)}
        if centre == "mk":
            return {str(self.al_item.pk), str(self.al_case.pk), str(self.alert.pk)}
        return {str(self.mk_item.pk), str(self.al_item.pk), str(self.al_case.pk)}


class MenusShowWhatTheUserCanOpenTests(NavigationData):
    def visit(self, name: str, path: str, seen_from: str, problems: list[str]) -> str:
        """The page's HTML ('' for other content); what is wrong with it goes to ``problems``."""
        response = self.client.get(path)
        status = response.status_code
        if status in (301, 302) and is_public_language_link(path):
            return ""
        if status != 200:
            problems.append(f"{path} (linked from {seen_from}) answers {status}")
            return ""
        if "text/html" not in response.get("Content-Type", ""):
            return ""
        html = response.content.decode()
        problems.extend(
            f"{path} links to another centre's record {foreign}"
            for foreign in self.foreign_ids(name)
            if foreign in html
        )
        return html

    def test_every_entry_and_every_link_one_level_down_answers_200(self):
        for name in CANONICAL_USERS:
            with self.subTest(user=name):
                problems: list[str] = []
                self.login_as(self.users[name])
                dashboard = reverse("core:dashboard")
                pages = {dashboard: self.visit(name, dashboard, "sign-in", problems)}
                for item in navigation_for(self.users[name]):
                    pages.setdefault(item["url"], self.visit(name, item["url"], "the navigation", problems))
                followed = set(pages)
                for origin, page in list(pages.items()):
                    for link in sorted(internal_links(page) - followed):
                        followed.add(link)
                        self.visit(name, link, origin, problems)
                self.client.logout()
                self.assertEqual(problems, [], f"{name} is shown links they cannot open")

    def test_a_centre_manager_sees_no_entry_that_answers_403(self):
        # Before the registry: the helpline and referral entries a manager cannot open.
        names = {item["name"] for item in navigation_for(self.al_manager)}
        self.assertNotIn("helpline:contacts", names)
        self.assertNotIn("helpline:supervisor", names)
        self.assertIn("helpline:services", names)
        self.assertIn("hotline:queue", names)

    def test_a_state_viewer_is_not_offered_the_comparison(self):
        self.login_as(self.state_viewer)
        response = self.client.get(reverse("nrm:assessments"))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, reverse("nrm:compare"))

    def test_every_entry_is_registered_and_its_view_resolves(self):
        names = {entry.url_name for entry in navigation_entries()}
        self.assertLessEqual({"core:dashboard", "hotline:queue", "helpline:contacts", "audit:log"}, names)

    @override_settings(DEBUG=False)
    def test_the_outsider_sees_only_what_every_signed_in_user_may_open(self):
        self.assertEqual(
            [item["name"] for item in navigation_for(self.outsider)],
            ["core:dashboard", "network:centres", "accounts:security"],
        )
