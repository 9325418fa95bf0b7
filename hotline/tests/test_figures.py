"""The centre's figures: computed from timestamps, filtered by period, scoped to the centre."""

from datetime import timedelta

from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import timezone, translation

from core.testing import SicnetTestCase
from hotline.figures import centre_figures
from hotline.models import Item
from hotline.templatetags.hotline_tags import hours, percent
from hotline.tests.helpers import make_report


def set_times(item, **offsets_hours):
    base = item.received_at
    Item.objects.filter(pk=item.pk).update(**{name: base + timedelta(hours=h) for name, h in offsets_hours.items()})


class FiguresTests(SicnetTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        now = timezone.now() - timedelta(days=10)
        items = []
        for n in range(4):
            report, _ = make_report([f"https://site{n}.example.com/"], received_at=now)
            items.append(report.items.get())
        # Two illegal (one new, hosted in NL and US), one not illegal, one not yet assessed.
        Item.objects.filter(pk=items[0].pk).update(assessment="baseline", flags=["new"], hosting_country="NL")
        Item.objects.filter(pk=items[1].pk).update(assessment="national", flags=[], hosting_country="US")
        Item.objects.filter(pk=items[2].pk).update(assessment="not_illegal")
        set_times(items[0], assessed_at=2, notice_at=4, law_enforcement_at=3, removed_at=4 + 20)  # removed in < 1 day
        set_times(items[1], assessed_at=4, notice_at=8, removed_at=8 + 60)  # within 3 days
        set_times(items[2], assessed_at=6)
        make_report(["https://old.example.com/"], received_at=now - timedelta(days=200))
        make_report(["https://mk.example.com/"], country="MK", received_at=now)
        cls.today = timezone.localdate()

    def test_figures_from_timestamps(self):
        figures = centre_figures(self.al_centre.pk, self.today - timedelta(days=30), self.today)
        self.assertEqual((figures.reports, figures.items, figures.assessed, figures.illegal), (4, 4, 3, 2))
        self.assertAlmostEqual(figures.share_illegal, 2 / 3)
        self.assertEqual(figures.share_new, 0.5)
        self.assertEqual(figures.receipt_to_assessment, 4.0)
        self.assertEqual(figures.assessment_to_notice, 3.0)
        self.assertEqual(figures.assessment_to_law_enforcement, 1.0)
        self.assertEqual(figures.notice_to_removal, 40.0)
        self.assertEqual(figures.removed_within, {1: 0.5, 3: 1.0, 7: 1.0})
        self.assertEqual(sorted(figures.hosting_countries), [("NL", 1), ("US", 1)])

    def test_period_filter(self):
        figures = centre_figures(self.al_centre.pk, self.today - timedelta(days=400), self.today)
        self.assertEqual(figures.items, 5)
        empty = centre_figures(self.al_centre.pk, self.today - timedelta(days=2), self.today)
        self.assertEqual(empty.items, 0)
        self.assertIsNone(empty.share_illegal)

    def test_dashboard_page(self):
        self.login_as(self.al_manager)
        with self.assertNumQueries(10):  # with "reports waiting?" and the unread notifications count in the header
            response = self.client.get(reverse("hotline:dashboard"))
        self.assertContains(response, 'id="fig-items">4<')
        response = self.client.get(reverse("hotline:dashboard"), {"start": "2000-01-01", "end": "2000-01-31"})
        self.assertContains(response, 'id="fig-items">0<')

    def test_dashboard_of_another_centre_is_404(self):
        self.login_as(self.mk_analyst)
        self.assertEqual(self.client.get(reverse("hotline:dashboard"), {"centre": self.al_centre.pk}).status_code, 404)
        response = self.client.get(reverse("hotline:dashboard"))
        self.assertContains(response, 'id="fig-items">1<')


class FigureFormatTests(SimpleTestCase):
    def test_shares_and_hours_are_written_as_the_readers_language_writes_them(self):
        cases = {"en": ("67%", "1.5 h"), "sq": ("67%", "1,5 orë"), "hr": ("67 %", "1,5 h"), "mk": ("67 %", "1,5 ч")}
        for language, (share, time) in cases.items():
            with self.subTest(language=language), translation.override(language):
                self.assertEqual(percent(2 / 3), share)
                self.assertEqual(hours(1.5), time)
        self.assertEqual((percent(None), hours(None)), ("—", "—"))
