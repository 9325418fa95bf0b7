"""A page that shows data does not write: the queue, the figures page and the staff API's queue
only read. Attaching is the loop's job; when the loop is stopped, the queue says how many reports
wait and since when (to the centres' own staff only), a supervisor may attach them by hand, and
/readyz reports the lag without taking the node out of the load balancer.
"""

from datetime import timedelta
from unittest import mock

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.actions import create_api_token
from audit.models import AuditEntry
from audit.verify import verify_chain
from core.canonical_urls import canonicalize
from core.testing import SicnetTestCase, clock
from hotline import actions
from hotline.models import Item, ItemEvent, PendingReport, Report
from hotline.taxonomy import HarmType, Source
from hotline.waiting import attaching_lag, waiting_for


def accept(url: str, *, country: str = "AL", minutes_ago: float = 0) -> Report:
    """A public submission as the page and the API store it: accepted, waiting to be attached."""
    report, _created = actions.accept_report(
        country=country,
        harm_type=HarmType.CSAM,
        urls=[canonicalize(url)],
        source=Source.PUBLIC_API,
        reporter_is_child=None,
        received_at=timezone.now() - timedelta(minutes=minutes_ago),
    )
    return report


def rows() -> dict:
    return {
        "audit": AuditEntry.objects.count(),
        "items": Item.objects.count(),
        "events": ItemEvent.objects.count(),
        "pending": sorted(PendingReport.objects.values_list("pk", flat=True)),
    }


def writes(queries) -> list[str]:
    """The statements that are not reads: the test case's own savepoints aside, and the session's
    idle timeout (SESSION_SAVE_EVERY_REQUEST moves its expiry on every signed-in request)."""
    found = []
    for query in queries:
        sql = query["sql"].lstrip()
        if sql.upper().startswith("DECLARE") and " CURSOR FOR " in sql:
            sql = sql.split(" CURSOR FOR ", 1)[1]  # PostgreSQL's server-side cursor of .iterator()
        if sql.upper().startswith(("SELECT", "SAVEPOINT", "RELEASE SAVEPOINT")):
            continue
        if sql.startswith('UPDATE "django_session" SET'):
            continue
        found.append(query["sql"])
    return found


class ReadPagesDoNotWriteTests(SicnetTestCase):
    def setUp(self):
        # Reports waiting at both centres, long enough for the queue to warn about them.
        accept("https://waiting.example.com/a", minutes_ago=30)
        accept("https://waiting.example.com/b", minutes_ago=1)
        accept("https://waiting.example.com/c", country="MK", minutes_ago=30)

    def assert_reads_only(self, get) -> None:
        before = rows()
        with CaptureQueriesContext(connection) as queries:
            response = get()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(writes(queries.captured_queries), [])
        self.assertEqual(rows(), before)

    def test_the_queue_page_reads_only(self):
        self.login_as(self.al_supervisor)
        self.client.get(reverse("hotline:queue"))  # a first request may start the session
        self.assert_reads_only(lambda: self.client.get(reverse("hotline:queue")))
        self.assertNotContains(self.client.get(reverse("hotline:queue")), "waiting[.]example")

    def test_the_figures_page_reads_only(self):
        self.login_as(self.al_manager)
        self.client.get(reverse("hotline:dashboard"))
        self.assert_reads_only(lambda: self.client.get(reverse("hotline:dashboard")))

    def test_the_api_queue_reads_only(self):
        membership = self.al_analyst.memberships.get()
        _token, secret = create_api_token(self.al_analyst, membership=membership, name="reader", days=1)
        headers = {"Authorization": f"Bearer {secret}"}
        url = "/api/v1/hotline/items"
        self.client.get(url, headers=headers)  # the token's last use is remembered once a minute, not on each call
        self.assert_reads_only(lambda: self.client.get(url, headers=headers))
        self.assertEqual(self.client.get(url, headers=headers).json(), {"items": [], "count": 0})

    def test_a_report_appears_once_the_loop_has_attached_it(self):
        self.login_as(self.al_analyst)
        self.assertNotContains(self.client.get(reverse("hotline:queue")), "waiting[.]example")
        actions.attach_pending()  # the loop's turn
        self.assertContains(self.client.get(reverse("hotline:queue")), "hxxps://waiting[.]example[.]com/a")


class WaitingNoticeTests(SicnetTestCase):
    def notice(self, user):
        self.login_as(user)
        return self.client.get(reverse("hotline:queue"))

    def test_the_queue_says_how_many_wait_and_since_when_in_the_readers_time_zone(self):
        now = (timezone.now() + timedelta(days=1)).replace(hour=6, minute=0, second=0, microsecond=0)
        self.al_analyst.time_zone = "Asia/Tokyo"  # UTC+9: 05:35 UTC is 14:35 there
        self.al_analyst.save(update_fields=["time_zone"])
        with clock(now):
            accept("https://waiting.example.com/a", minutes_ago=25)
            accept("https://waiting.example.com/b", minutes_ago=1)  # counted, though younger than the threshold
            response = self.notice(self.al_analyst)
        self.assertContains(response, "2 reports received since 14:35 are waiting to be attached (the oldest for 25")
        self.assertContains(response, "the attaching process may be stopped")
        self.assertNotContains(response, "Attach the waiting reports now")  # an analyst may not attach

    def test_an_older_wait_gives_the_date_too(self):
        now = (timezone.now() + timedelta(days=1)).replace(hour=6, minute=0, second=0, microsecond=0)
        self.al_analyst.time_zone = "Asia/Tokyo"
        self.al_analyst.save(update_fields=["time_zone"])
        with clock(now):
            accept("https://waiting.example.com/a", minutes_ago=60 * 24 * 3 + 25)
            response = self.notice(self.al_analyst)
        day = now - timedelta(days=3)  # 05:35 UTC, the same day in Tokyo
        self.assertContains(response, f"1 report received since {day:%m/%d/%Y} 14:35 is waiting to be attached (for 3")

    def test_in_the_readers_language(self):
        accept("https://waiting.example.com/a", minutes_ago=30)
        self.al_analyst.language = "sq"
        self.al_analyst.save(update_fields=["language"])
        response = self.notice(self.al_analyst)
        self.assertContains(response, "raportim i marrë që nga")
        self.assertNotContains(response, "waiting to be attached")

    def test_no_notice_while_the_oldest_report_is_younger_than_the_threshold(self):
        accept("https://waiting.example.com/a", minutes_ago=1)
        self.assertNotContains(self.notice(self.al_analyst), 'id="reports-waiting"')
        with override_settings(HOTLINE_ATTACH_LAG_SECONDS=30):
            self.assertContains(self.notice(self.al_analyst), 'id="reports-waiting"')

    def test_never_another_centres_count(self):
        for n in range(3):
            accept(f"https://waiting.example.com/{n}", minutes_ago=30)
        accept("https://waiting.example.com/mk", country="MK", minutes_ago=30)
        response = self.notice(self.mk_analyst)
        self.assertContains(response, "1 report received since")
        self.assertNotContains(response, "3 reports")
        self.assertEqual([w.count for w in waiting_for(self.mk_analyst)], [1])
        self.assertEqual([w.centre for w in waiting_for(self.al_manager)], [self.al_centre])
        self.assertEqual(waiting_for(self.al_counsellor), [])  # no hotline at all: nothing

    def test_the_figures_page_says_so_too(self):
        accept("https://waiting.example.com/a", minutes_ago=30)
        self.login_as(self.al_manager)
        self.assertContains(self.client.get(reverse("hotline:dashboard")), "1 report received since")


class AttachNowTests(SicnetTestCase):
    def setUp(self):
        self.albanian = [accept(f"https://waiting.example.com/{n}", minutes_ago=30) for n in range(3)]
        self.macedonian = accept("https://waiting.example.com/mk", country="MK", minutes_ago=30)
        self.url = reverse("hotline:attach", args=[self.al_centre.pk])

    def test_a_supervisor_attaches_their_centres_reports_audited(self):
        self.login_as(self.al_supervisor)
        self.assertContains(self.client.get(reverse("hotline:queue")), "Attach the waiting reports now")
        response = self.client.post(self.url, follow=True)
        self.assertRedirects(response, reverse("hotline:queue"))
        self.assertContains(response, "3 reports attached.")
        self.assertNotContains(response, 'id="reports-waiting"')
        self.assertEqual(list(PendingReport.objects.values_list("pk", flat=True)), [self.macedonian.pk])
        self.assertEqual(Item.objects.filter(centre=self.al_centre).count(), 3)
        entry = AuditEntry.objects.get(action="hotline.reports_attached")
        self.assertEqual(
            (entry.actor_id, entry.centre_id, entry.changes),
            (self.al_supervisor.pk, self.al_centre.pk, {"attached": 3}),
        )
        # Each report keeps its own "report received" entry, by the public.
        received = AuditEntry.objects.filter(action="hotline.report_received")
        self.assertEqual((received.count(), received.filter(actor_id=None).count()), (3, 3))
        self.assertIsNone(verify_chain()[1])

    def test_nothing_waiting_says_so_and_records_nothing(self):
        actions.attach_pending()
        self.login_as(self.al_supervisor)
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "No report was waiting to be attached.")
        self.assertFalse(AuditEntry.objects.filter(action="hotline.reports_attached").exists())

    def test_another_centre_is_404_and_an_analyst_403(self):
        self.login_as(self.mk_manager)
        self.assertEqual(self.client.post(self.url).status_code, 404)
        self.login_as(self.al_analyst)
        self.assertEqual(self.client.post(self.url).status_code, 403)
        self.login_as(self.al_supervisor)
        self.assertEqual(self.client.get(self.url).status_code, 405)  # a read never attaches
        self.assertEqual(PendingReport.objects.count(), 4)
        self.assertFalse(AuditEntry.objects.filter(action="hotline.reports_attached").exists())


class ReadinessLagTests(SicnetTestCase):
    def test_readyz_reports_the_lag_and_stays_ready(self):
        accept("https://waiting.example.com/a", minutes_ago=10)
        accept("https://waiting.example.com/b", country="MK", minutes_ago=1)
        response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["status"], "ok")
        self.assertEqual(body["lagging"], ["hotline.attaching"])
        check = body["checks"]["hotline.attaching"]
        self.assertEqual((check["status"], check["waiting"], check["threshold_seconds"]), ("lagging", 2, 120))
        self.assertAlmostEqual(check["oldest_seconds"], 600, delta=30)

    def test_readyz_ok_when_nothing_waits_long(self):
        accept("https://waiting.example.com/a", minutes_ago=1)
        body = self.client.get("/readyz").json()
        self.assertEqual(body["lagging"], [])
        self.assertEqual(body["checks"]["hotline.attaching"]["status"], "ok")
        actions.attach_pending()
        check = self.client.get("/readyz").json()["checks"]["hotline.attaching"]
        self.assertEqual((check["status"], check["waiting"], check["oldest_seconds"]), ("ok", 0, 0))

    def test_the_check_is_one_read(self):
        accept("https://waiting.example.com/a", minutes_ago=10)
        with CaptureQueriesContext(connection) as queries:
            attaching_lag()
        self.assertEqual(len(queries), 1)
        self.assertEqual(writes(queries.captured_queries), [])

    def test_a_clock_behind_the_report_is_no_negative_age(self):
        accept("https://waiting.example.com/a")
        with mock.patch("hotline.waiting.timezone.now", return_value=timezone.now() - timedelta(minutes=5)):
            self.assertEqual(attaching_lag().numbers["oldest_seconds"], 0)
