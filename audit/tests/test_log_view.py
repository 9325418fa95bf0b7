"""The audit log page: each auditor or manager reads their own centre's entries, nobody else's."""

import datetime
from unittest import mock

from django.urls import reverse

from audit import actions
from audit.models import AuditEntry
from audit.views import PAGE_SIZE
from core.permissions import Role
from core.testing import SicnetTestCase

URL = reverse("audit:log")


def at(day: str, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{hour:02}:00:00+00:00")


def record_at(moment: datetime.datetime, action: str, **kwargs) -> AuditEntry:
    with mock.patch.object(actions.timezone, "now", return_value=moment):
        return actions.record(action, **kwargs)


class AuditLogPageTests(SicnetTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        al, mk = cls.al_centre.pk, cls.mk_centre.pk
        cls.al_login = record_at(at("2026-01-10"), "login.success", actor=cls.al_analyst, centre_id=al)
        cls.al_grant = record_at(
            at("2026-02-10"),
            "membership.granted",
            actor=cls.al_manager,
            centre_id=al,
            object_id="al-membership-1",
            changes={"user": "al_counsellor@test.example", "role": Role.HELPLINE_COUNSELLOR},
        )
        cls.al_mfa = record_at(at("2026-03-10"), "mfa.enrolled", actor=cls.al_counsellor, centre_id=al)
        cls.mk_login = record_at(at("2026-01-10"), "login.success", actor=cls.mk_analyst, centre_id=mk)
        cls.mk_grant = record_at(
            at("2026-02-10"),
            "membership.granted",
            actor=cls.mk_manager,
            centre_id=mk,
            object_id="mk-membership-1",
            changes={"user": "mk_counsellor@test.example"},
        )
        cls.nowhere = record_at(at("2026-01-10"), "login.failed", actor_label="nobody@test.example")

    def get(self, user=None, **params):
        if user is not None:
            self.login_as(user)
        return self.client.get(URL, params)

    def seqs(self, response) -> list[int]:
        return [row["entry"].seq for row in response.context["rows"]]

    # Who may read it

    def test_auditors_and_managers_read_their_own_centre_only(self):
        al = [self.al_mfa.seq, self.al_grant.seq, self.al_login.seq]
        mk = [self.mk_grant.seq, self.mk_login.seq]
        for user, expected in (
            (self.al_auditor, al),
            (self.al_manager, al),
            (self.mk_auditor, mk),
            (self.mk_manager, mk),
        ):
            with self.subTest(user=user.email):
                response = self.get(user)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(self.seqs(response), expected)

    def test_al_auditor_sees_nothing_of_mk(self):
        response = self.get(self.al_auditor)
        content = response.content.decode()
        self.assertIn("al-membership-1", content)
        self.assertIn(self.al_analyst.email, content)
        self.assertNotIn("mk-membership-1", content)
        self.assertNotIn(self.mk_analyst.email, content)
        self.assertNotIn(self.mk_centre.name, content)
        self.assertNotIn("nobody@test.example", content)

    def test_crafted_centre_filter_shows_nothing_of_another_centre(self):
        response = self.get(self.al_auditor, centre=str(self.mk_centre.pk))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.seqs(response), [])
        self.assertNotIn("mk-membership-1", response.content.decode())
        self.assertIn("centre", response.context["form"].errors)
        # Not even with its other filters.
        response = self.get(self.al_auditor, centre=str(self.mk_centre.pk), action="membership")
        self.assertEqual(self.seqs(response), [])

    def test_a_role_elsewhere_without_audit_permission_adds_nothing(self):
        self.al_auditor.memberships.create(centre=self.mk_centre, role=Role.HOTLINE_ANALYST)
        response = self.get(self.al_auditor)
        self.assertEqual(self.seqs(response), [self.al_mfa.seq, self.al_grant.seq, self.al_login.seq])
        centre_choices = [value for value, _label in response.context["form"].fields["centre"].choices]
        self.assertEqual(centre_choices, ["", str(self.al_centre.pk)])

    def test_an_inactive_membership_gives_no_access(self):
        self.mk_auditor.memberships.update(is_active=False)
        self.assertEqual(self.get(self.mk_auditor).status_code, 403)

    def test_other_roles_are_refused(self):
        for name in (
            "al_analyst",
            "al_counsellor",
            "al_supervisor",
            "mk_analyst",
            "mk_counsellor",
            "coordinator",
            "state_viewer",
            "outsider",
        ):
            with self.subTest(user=name):
                self.assertEqual(self.get(getattr(self, name)).status_code, 403)

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.get()
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:login")))
        self.assertIn("next=/audit/", response["Location"])

    # Filters

    def test_filter_by_centre(self):
        response = self.get(self.al_auditor, centre=str(self.al_centre.pk))
        self.assertEqual(self.seqs(response), [self.al_mfa.seq, self.al_grant.seq, self.al_login.seq])

    def test_filter_by_action_prefix(self):
        self.assertEqual(self.seqs(self.get(self.al_auditor, action="membership")), [self.al_grant.seq])
        self.assertEqual(self.seqs(self.get(self.al_auditor, action="login.")), [self.al_login.seq])
        # A prefix, not a substring.
        self.assertEqual(self.seqs(self.get(self.al_auditor, action="granted")), [])

    def test_filter_by_actor(self):
        self.assertEqual(self.seqs(self.get(self.al_auditor, actor="al_manager@")), [self.al_grant.seq])
        self.assertEqual(self.seqs(self.get(self.al_auditor, actor="AL_COUNSELLOR")), [self.al_mfa.seq])
        self.assertEqual(self.seqs(self.get(self.al_auditor, actor="mk_manager")), [])

    def test_filter_by_object_id(self):
        self.assertEqual(self.seqs(self.get(self.al_auditor, object_id="al-membership-1")), [self.al_grant.seq])
        self.assertEqual(self.seqs(self.get(self.al_auditor, object_id="mk-membership-1")), [])

    def test_filter_by_date_range(self):
        self.login_as(self.al_auditor)
        cases = [
            ({"date_from": "2026-02-01"}, [self.al_mfa.seq, self.al_grant.seq]),
            ({"date_to": "2026-02-10"}, [self.al_grant.seq, self.al_login.seq]),
            ({"date_from": "2026-02-10", "date_to": "2026-02-10"}, [self.al_grant.seq]),
            ({"date_from": "2026-02-11", "date_to": "2026-03-09"}, []),
        ]
        for params, expected in cases:
            with self.subTest(**params):
                self.assertEqual(self.seqs(self.get(**params)), expected)

    def test_date_range_follows_the_readers_time_zone(self):
        # 23:30 UTC on 10 February is already 11 February in Tirana (UTC+1).
        late = record_at(
            datetime.datetime(2026, 2, 10, 23, 30, tzinfo=datetime.UTC), "test.late", centre_id=self.al_centre.pk
        )
        self.login_as(self.al_auditor)
        self.assertIn(late.seq, self.seqs(self.get(date_from="2026-02-11", date_to="2026-02-11")))
        self.assertNotIn(late.seq, self.seqs(self.get(date_from="2026-02-10", date_to="2026-02-10")))

    def test_filters_combine(self):
        response = self.get(self.al_auditor, action="login", date_from="2026-01-01", actor="al_analyst")
        self.assertEqual(self.seqs(response), [self.al_login.seq])

    def test_malformed_filter_shows_an_error_and_no_entries(self):
        response = self.get(self.al_auditor, date_from="not-a-date")
        self.assertEqual(response.status_code, 200)
        self.assertIn("date_from", response.context["form"].errors)
        self.assertEqual(self.seqs(response), [])

    # Display

    def test_changes_are_shown_escaped(self):
        record_at(
            at("2026-03-11"),
            "test.xss",
            centre_id=self.al_centre.pk,
            object_id="<img src=x onerror=alert(1)>",
            actor_label="<b>bold</b>@test.example",
            changes={"note": "<script>alert('x')</script>"},
        )
        content = self.get(self.al_auditor).content.decode()
        self.assertNotIn("<script>alert", content)
        self.assertNotIn("<img src=x", content)
        self.assertNotIn("<b>bold</b>", content)
        self.assertIn("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;", content)
        self.assertIn("&lt;img src=x onerror=alert(1)&gt;", content)

    def test_changes_are_shown_as_json(self):
        content = self.get(self.al_auditor, object_id="al-membership-1").content.decode()
        self.assertIn("{&quot;role&quot;: &quot;helpline_counsellor&quot;, &quot;user&quot;: ", content)

    def test_centre_name_is_shown(self):
        response = self.get(self.al_auditor)
        self.assertEqual({row["centre"] for row in response.context["rows"]}, {self.al_centre.name})

    # Pagination and cost

    def add_entries(self, count: int, centre=None) -> None:
        for i in range(count):
            actions.record("test.bulk", centre_id=(centre or self.al_centre).pk, object_id=f"bulk-{i}")

    def test_pagination(self):
        self.add_entries(PAGE_SIZE + 10)
        self.add_entries(5, centre=self.mk_centre)
        total = PAGE_SIZE + 10 + 3
        self.login_as(self.al_auditor)
        first = self.client.get(URL, {"action": "test"})
        self.assertEqual(first.context["page"].paginator.count, PAGE_SIZE + 10)
        self.assertEqual(len(self.seqs(first)), PAGE_SIZE)
        content = first.content.decode()
        self.assertIn('href="?action=test&amp;page=2"', content)
        second = self.client.get(URL, {"action": "test", "page": 2})
        self.assertEqual(len(self.seqs(second)), 10)
        self.assertIn('href="?action=test&amp;page=1"', second.content.decode())
        self.assertFalse(set(self.seqs(first)) & set(self.seqs(second)))
        seqs = self.seqs(first) + self.seqs(second)
        self.assertEqual(seqs, sorted(seqs, reverse=True))
        unfiltered = self.client.get(URL, {"page": 2})
        self.assertEqual(unfiltered.context["page"].paginator.count, total)
        # Out of range or nonsense: the nearest page, not an error.
        self.assertEqual(self.client.get(URL, {"page": 99}).context["page"].number, 2)
        self.assertEqual(self.client.get(URL, {"page": "x"}).context["page"].number, 1)

    def test_query_count_does_not_grow_with_entries(self):
        # Session, user, memberships (with centres), count, one page of entries, the unread
        # notifications in the header; then the session is saved again (savepoint, update,
        # release: SESSION_SAVE_EVERY_REQUEST).
        expected = 9
        self.login_as(self.al_auditor)
        with self.assertNumQueries(expected):
            self.assertEqual(len(self.seqs(self.client.get(URL))), 3)
        self.add_entries(PAGE_SIZE * 3)
        with self.assertNumQueries(expected):
            self.assertEqual(len(self.seqs(self.client.get(URL))), PAGE_SIZE)
        with self.assertNumQueries(expected):
            response = self.client.get(URL, {"page": 2, "action": "test", "date_from": "2020-01-01"})
        self.assertEqual(len(self.seqs(response)), PAGE_SIZE)
