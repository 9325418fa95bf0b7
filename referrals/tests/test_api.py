"""The read API: scoped lists, one referral with its packet, the unread count."""

from core.testing import SicnetTestCase
from referrals.tests import fixtures


class ApiTests(SicnetTestCase):
    def test_list_and_detail_are_scoped(self):
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        self.login_as(self.mk_analyst)
        with self.assertNumQueries(7):  # session, user, memberships, referrals, session idle-time update
            body = self.client.get("/api/v1/referrals").json()
        self.assertEqual([r["id"] for r in body], [str(referral.pk)])
        detail = self.client.get(f"/api/v1/referrals/{referral.pk}").json()
        self.assertEqual(detail["packet"]["urls"], ["https://bad.example.com/a"])
        self.assertEqual(detail["narrative"], {"note": "please"})
        self.assertEqual(self.client.get("/api/v1/referrals/notifications/unread").json(), {"unread": 1})
        self.login_as(self.mk_counsellor)
        self.assertEqual(self.client.get("/api/v1/referrals").json(), [])
        self.assertEqual(self.client.get(f"/api/v1/referrals/{referral.pk}").status_code, 404)
