import csv
import io

from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from core.exports import safe_cell as neutralise
from core.testing import SicnetTestCase
from helpline import actions
from helpline.models import Category, Scheme
from helpline.tests import fixtures


def parse(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


class ExportTests(SicnetTestCase):
    def setUp(self):
        self.grooming = Category.objects.get(scheme=Scheme.INSAFE, name="Grooming")
        self.cyber = Category.objects.get(scheme=Scheme.CHI, parent__name="Violence", name="Cyberbullying")
        for age in (9, 13):
            fixtures.al_contact(
                self, started_at="2025-05-10T10:00:00Z", age=age, gender="girl", categories=[self.grooming, self.cyber]
            )
        actions.log_quick_contact(centre=self.al_centre, by=self.al_counsellor, kind="silent", channel="phone")
        fixtures.al_contact(self, started_at="2024-05-10T10:00:00Z", age=15)  # another year
        self.login_as(self.al_supervisor)

    def row(self, rows, section, category, subcategory=""):
        for row in rows:
            if row[:3] == [section, category, subcategory]:
                return int(row[3])
        raise AssertionError(f"no row {section}/{category}/{subcategory}")

    def test_chi_annual(self):
        response = self.client.get(reverse("helpline:export_chi", args=[self.al_centre.pk]), {"year": "2025"})
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        rows = parse(response)
        self.assertEqual(rows[0], ["section", "category", "subcategory", "count"])
        self.assertEqual(self.row(rows, "contacts", "all"), 2)
        self.assertEqual(self.row(rows, "age", "9"), 1)
        self.assertEqual(self.row(rows, "age", "13"), 1)
        self.assertEqual(self.row(rows, "gender", "Girl or woman"), 2)
        self.assertEqual(self.row(rows, "reason for contact", "Violence", "Cyberbullying"), 2)
        self.assertNotIn("bullied", response.content.decode())
        self.assertTrue(AuditEntry.objects.filter(action="helpline.export_downloaded").exists())

    def test_insafe_quarterly(self):
        url = reverse("helpline:export_insafe", args=[self.al_centre.pk])
        rows = parse(self.client.get(url, {"year": "2025", "quarter": "2"}))
        self.assertEqual(self.row(rows, "contacts", "all"), 2)
        self.assertEqual(self.row(rows, "age group", "5-11"), 1)
        self.assertEqual(self.row(rows, "age group", "12-18"), 1)
        self.assertEqual(self.row(rows, "topic", "Grooming"), 2)
        rows = parse(self.client.get(url, {"year": "2025", "quarter": "3"}))
        self.assertEqual(self.row(rows, "contacts", "all"), 0)
        self.assertEqual(self.client.get(url, {"year": "2025", "quarter": "5"}).status_code, 404)

    def test_formula_prefixes_are_neutralised(self):
        self.grooming.name = '=HYPERLINK("http://x")'
        self.grooming.save()
        rows = parse(
            self.client.get(
                reverse("helpline:export_insafe", args=[self.al_centre.pk]), {"year": "2025", "quarter": "2"}
            )
        )
        self.assertIn('\'=HYPERLINK("http://x")', [row[1] for row in rows])
        for prefix in "=+-@\t\r":
            self.assertEqual(neutralise(f"{prefix}1"), f"'{prefix}1")
        self.assertEqual(neutralise("Gaming"), "Gaming")

    def test_the_other_country_gets_404_and_counsellors_403(self):
        self.login_as(self.mk_manager)
        self.assertEqual(self.client.get(reverse("helpline:export_chi", args=[self.al_centre.pk])).status_code, 404)
        self.login_as(self.al_counsellor)
        self.assertEqual(self.client.get(reverse("helpline:export_chi", args=[self.al_centre.pk])).status_code, 403)

    def test_labels_stay_english_whatever_the_users_language(self):
        self.al_supervisor.language = "sq"
        self.al_supervisor.save(update_fields=["language"])
        with translation.override("sq"):
            rows = parse(self.client.get(reverse("helpline:export_chi", args=[self.al_centre.pk]), {"year": "2025"}))
        self.assertEqual(self.row(rows, "gender", "Girl or woman"), 2)
