"""The analyst's queue, the item page and its steps, assignment: scoped, audited, inert URLs."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from core.testing import SicnetTestCase
from hotline.models import Item, ItemEvent, ItemStatus
from hotline.tests.helpers import make_report


class QueueTests(SicnetTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_report(["https://old.example.com/"], received_at=timezone.now() - timedelta(days=2))
        make_report(["https://child.example.com/"], child=True)
        make_report(["https://bully.example.com/"], harm_type="cyberbullying")
        make_report(["https://old.example.com/"])  # a duplicate: one item, two reports
        make_report(["https://mk.example.com/"], country="MK")

    def test_queue_shows_own_centre_child_first_duplicates_collapsed(self):
        self.login_as(self.al_analyst)
        with self.assertNumQueries(10):  # with "reports waiting?" and the unread notifications count in the header
            response = self.client.get(reverse("hotline:queue"))
        items = list(response.context["page"])
        self.assertEqual(len(items), 3)
        self.assertEqual(items[0].url, "https://child.example.com/")
        self.assertNotContains(response, "mk[.]example")
        self.assertNotContains(response, 'href="https://')  # never a live link
        self.assertContains(response, "hxxps://old[.]example[.]com/")
        self.assertEqual(Item.objects.get(url="https://old.example.com/").reports_count, 2)

    def test_filters_and_sorting(self):
        self.login_as(self.al_analyst)
        response = self.client.get(reverse("hotline:queue"), {"harm_type": "cyberbullying"})
        self.assertEqual([i.url for i in response.context["page"]], ["https://bully.example.com/"])
        response = self.client.get(reverse("hotline:queue"), {"sort": "oldest"})
        self.assertEqual(response.context["page"][0].url, "https://old.example.com/")
        response = self.client.get(reverse("hotline:queue"), {"sort": "most_reported"})
        self.assertEqual(response.context["page"][0].reports_count, 2)
        response = self.client.get(reverse("hotline:queue"), {"assigned": "me"})
        self.assertEqual(len(response.context["page"]), 0)

    def test_other_country_and_other_roles(self):
        self.login_as(self.mk_analyst)
        response = self.client.get(reverse("hotline:queue"))
        self.assertEqual([i.url for i in response.context["page"]], ["https://mk.example.com/"])
        self.login_as(self.al_counsellor)
        self.assertEqual(self.client.get(reverse("hotline:queue")).status_code, 403)


class ItemPageTests(SicnetTestCase):
    def setUp(self):
        report, _token = make_report(["https://bad.example.com/x.jpg"], description="<script>x</script>")
        self.item = report.items.get()
        self.url = reverse("hotline:item", args=[self.item.pk])

    def step(self, name, data=None, user=None):
        self.login_as(user or self.al_analyst)
        data = {f"{name}-{key}": value for key, value in (data or {}).items()}
        return self.client.post(reverse("hotline:step", args=[self.item.pk, name]), data)

    def test_item_page_is_inert_audited_and_escaped(self):
        self.login_as(self.al_analyst)
        response = self.client.get(self.url)
        self.assertContains(response, "hxxps://bad[.]example[.]com/x.jpg")
        self.assertContains(response, 'data-copy="https://bad.example.com/x.jpg"')
        self.assertNotContains(response, 'href="https://bad')
        self.assertNotContains(response, 'src="https://bad')
        self.assertNotContains(response, "<script>x</script>")
        self.assertTrue(AuditEntry.objects.filter(action="hotline.item_viewed", object_id=str(self.item.pk)).exists())

    def test_other_country_gets_404_on_the_item_and_every_step(self):
        self.login_as(self.mk_analyst)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        for step in ("claim", "assess", "trace", "forward", "law-enforcement", "notice", "removal", "close"):
            with self.subTest(step=step):
                self.assertEqual(self.step(step, user=self.mk_analyst).status_code, 404)
        self.login_as(self.mk_manager)
        self.assertEqual(self.client.post(reverse("hotline:assign", args=[self.item.pk])).status_code, 404)
        self.item.refresh_from_db()
        self.assertEqual(self.item.status, ItemStatus.NEW)

    def test_the_whole_workflow_through_the_pages(self):
        self.assertRedirects(self.step("claim"), self.url, fetch_redirect_response=False)
        self.item.refresh_from_db()
        self.assertEqual(self.item.assigned_to, self.al_analyst)
        self.assertEqual(self.item.status, ItemStatus.IN_ASSESSMENT)
        self.step(
            "assess",
            {
                "assessment": "baseline",
                "content_type": "image",
                "site_type": "image_host",
                "victim_age": "pre_pubescent",
                "victim_gender": "female",
                "flags": ["new", "commercial"],
                "notes": "private analyst note",
            },
        )
        self.step(
            "trace",
            {
                "ip_address": "93.184.216.34",
                "hosting_provider": "Host Ltd",
                "hosting_country": "nl",
                "registrar": "Reg",
            },
        )
        self.step("forward", {"country": "NL", "hotline": "Meldpunt"})
        self.step("law-enforcement", {"agency": "State Police", "reference": "P-1"})
        self.step("notice", {"contact": "abuse@host.example", "channel": "email"})
        self.step("removal", {"removed": "no"})
        self.step("removal", {"removed": "yes"})
        self.step("close", {"outcome": "removed"})
        self.item.refresh_from_db()
        self.assertEqual(self.item.assessment, "baseline")
        self.assertEqual(self.item.flags, ["commercial", "new"])
        self.assertEqual(self.item.notes, "private analyst note")
        self.assertEqual(self.item.hosting_country, "NL")
        self.assertEqual(self.item.status, ItemStatus.CLOSED)
        for field in (
            "assessed_at",
            "traced_at",
            "forwarded_at",
            "law_enforcement_at",
            "notice_at",
            "removed_at",
            "closed_at",
        ):
            self.assertIsNotNone(getattr(self.item, field), field)
        kinds = list(self.item.events.values_list("kind", flat=True))
        self.assertEqual(
            kinds,
            [
                "received",
                "claimed",
                "assessed",
                "traced",
                "forwarded",
                "law_enforcement",
                "notice",
                "removal_check",
                "removal_check",
                "closed",
            ],
        )
        self.assertEqual(
            AuditEntry.objects.filter(object_id=str(self.item.pk)).exclude(action="hotline.item_viewed").count(), 9
        )
        # Notes are encrypted at rest and never in the audit log.
        raw = Item.objects.filter(pk=self.item.pk).values_list("notes", flat=True).extra(select={}).get()
        self.assertEqual(raw, "private analyst note")  # decrypted by the field on read
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT notes FROM hotline_item WHERE id = %s",
                [self.item.pk.hex if connection.vendor == "sqlite" else str(self.item.pk)],
            )
            self.assertNotIn("private analyst note", cursor.fetchone()[0])
        self.assertFalse(AuditEntry.objects.filter(changes__icontains="private analyst").exists())
        # The timeline shows every step; a closed item takes no more steps.
        response = self.client.get(self.url)
        self.assertContains(response, "Notice sent to the hosting provider")
        self.assertNotContains(response, 'id="step-assess"')
        self.step("claim")
        self.assertEqual(self.item.events.count(), 10)

    def test_invalid_step_input_is_refused_and_nothing_changes(self):
        response = self.step("assess", {"assessment": "nonsense"})
        self.assertEqual(response.status_code, 400)
        response = self.step("trace", {"ip_address": "not an ip", "hosting_country": "X1"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "two-letter country code", status_code=400)
        self.assertEqual(self.item.events.count(), 1)
        self.assertEqual(self.step("nonsense").status_code, 404)

    def test_a_manager_views_but_does_not_assess(self):
        self.login_as(self.al_manager)
        self.assertEqual(self.client.get(self.url).status_code, 200)
        self.assertEqual(self.step("claim", user=self.al_manager).status_code, 403)

    def test_supervisor_assigns_to_an_analyst_of_the_centre_only(self):
        self.login_as(self.al_supervisor)
        self.client.post(reverse("hotline:assign", args=[self.item.pk]), {"to": self.al_analyst.pk})
        self.item.refresh_from_db()
        self.assertEqual(self.item.assigned_to, self.al_analyst)
        self.client.post(reverse("hotline:assign", args=[self.item.pk]), {"to": self.mk_analyst.pk})
        self.item.refresh_from_db()
        self.assertEqual(self.item.assigned_to, self.al_analyst)
        self.assertEqual(self.item.events.filter(kind=ItemEvent.Kind.ASSIGNED).count(), 1)


class AssignChoicesTests(SicnetTestCase):
    def test_only_active_people_who_can_assess_are_offered(self):
        from hotline.forms import AssignForm

        offered = set(AssignForm(centre=self.al_centre).fields["to"].queryset)
        self.assertIn(self.al_analyst, offered)
        self.assertNotIn(self.al_counsellor, offered)  # no hotline.assess
        self.assertNotIn(self.mk_analyst, offered)  # another centre
        self.al_analyst.is_active = False
        self.al_analyst.save(update_fields=["is_active"])
        self.assertNotIn(self.al_analyst, set(AssignForm(centre=self.al_centre).fields["to"].queryset))


class TimelineDetailsTests(SicnetTestCase):
    def test_details_read_as_labels_in_the_readers_language(self):
        from hotline import actions

        report, _token = make_report(["https://bad.example.com/t"])
        item = report.items.get()
        actions.assess_item(item, by=self.al_analyst, assessment="baseline", flags=["new", "commercial"])
        actions.check_removal(item, by=self.al_analyst, removed=False)
        self.login_as(self.al_analyst)
        page = self.client.get(reverse("hotline:item", args=[item.pk])).content.decode()
        self.assertIn("Assessment: Illegal everywhere (INTERPOL baseline)", page)
        self.assertIn("Flags: Commercial, First seen (new content)", page)
        self.assertIn("Result: Still online", page)  # a false value is shown, not hidden
        self.assertNotIn("notes_changed", page)
        self.assertNotIn("assessment: baseline", page)
