"""The API: scoped reads, every lifecycle step, clear translated errors, reads audited at home."""

import json

from django.test import Client

from audit.models import AuditEntry
from core.testing import SicnetTestCase
from notify.models import Notification
from referrals import actions
from referrals.models import Event, Message, Referral, Status
from referrals.tests import fixtures


class ApiReadTests(SicnetTestCase):
    def test_list_and_detail_are_scoped(self):
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        self.login_as(self.mk_analyst)
        # session, user, memberships, the count, referrals, session idle-time update
        with self.assertNumQueries(8):
            body = self.client.get("/api/v1/referrals").json()
        self.assertEqual([r["id"] for r in body["items"]], [str(referral.pk)])
        detail = self.client.get(f"/api/v1/referrals/{referral.pk}").json()
        self.assertEqual(detail["packet"]["urls"], ["https://bad.example.com/a"])
        self.assertEqual(detail["narrative"], {"note": "please"})
        self.assertEqual(detail["messages"], [])
        self.assertEqual(self.client.get("/api/v1/referrals/notifications/unread").json(), {"unread": 1})
        self.login_as(self.mk_counsellor)
        self.assertEqual(self.client.get("/api/v1/referrals").json(), {"items": [], "count": 0})
        self.assertEqual(self.client.get(f"/api/v1/referrals/{referral.pk}").status_code, 404)

    def test_outgoing_list_and_bad_paging(self):
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        self.login_as(self.al_analyst)
        self.assertEqual(self.client.get("/api/v1/referrals").json(), {"items": [], "count": 0})
        body = self.client.get("/api/v1/referrals?direction=outgoing&limit=1&offset=0").json()
        self.assertEqual([r["id"] for r in body["items"]], [str(referral.pk)])
        for paging in ("limit=-5", "limit=0", "limit=201", "offset=-3", "offset=1"):
            response = self.client.get(f"/api/v1/referrals?direction=outgoing&{paging}")
            self.assertEqual(response.status_code, 422, paging)
            self.assertEqual(set(response.json()), {"detail", "errors"})
        self.assertEqual(self.client.get("/api/v1/referrals?direction=sideways").status_code, 422)
        self.assertEqual(self.client.get("/api/v1/referrals?limit=lots").status_code, 422)

    def test_read_is_audited_under_the_readers_own_centre(self):
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        for user, centre in ((self.al_analyst, self.al_centre), (self.mk_analyst, self.mk_centre)):
            self.login_as(user)
            self.client.get(f"/api/v1/referrals/{referral.pk}")
            entry = AuditEntry.objects.filter(action="referrals.viewed").order_by("-seq").first()
            self.assertEqual((entry.actor_id, entry.centre_id), (user.pk, centre.pk))

    def test_page_read_is_audited_under_the_readers_own_centre(self):
        from django.urls import reverse

        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        self.login_as(self.al_supervisor)
        self.client.get(reverse("referrals:detail", args=[referral.pk]))
        entry = AuditEntry.objects.get(action="referrals.viewed")
        self.assertEqual((entry.actor_id, entry.centre_id), (self.al_supervisor.pk, self.al_centre.pk))

    def test_unknown_and_malformed_ids(self):
        self.login_as(self.mk_analyst)
        response = self.client.get("/api/v1/referrals/00000000-0000-0000-0000-000000000000")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json(), {"detail": "No such referral.", "errors": {}})
        self.assertEqual(self.client.get("/api/v1/referrals/not-a-uuid").status_code, 422)


class ApiStepTests(SicnetTestCase):
    def post(self, referral, step: str, body=None, client=None):
        client = client or self.client
        return client.post(
            f"/api/v1/referrals/{referral.pk}/{step}", data=json.dumps(body or {}), content_type="application/json"
        )

    def status_of(self, referral) -> str:
        return Referral.objects.get(pk=referral.pk).status

    def test_whole_lifecycle_through_the_api(self):
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        self.login_as(self.mk_analyst)
        response = self.post(referral, "acknowledge")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["status"], "acknowledged")
        self.assertNotIn("packet", response.json())  # a step answers the state, not the packet
        self.assertEqual(self.post(referral, "accept").json()["status"], "accepted")
        self.assertIsNotNone(Referral.objects.get(pk=referral.pk).created_record_id)
        self.assertEqual(self.post(referral, "start").json()["status"], "in_progress")
        response = self.post(referral, "complete", {"outcome": "removed", "note": "gone"})
        self.assertEqual(response.json()["outcome"], "removed")
        self.assertTrue(Notification.objects.filter(recipient=self.al_analyst, event=Event.COMPLETED).exists())
        logged = list(
            AuditEntry.objects.filter(object_id=str(referral.pk)).order_by("seq").values_list("action", flat=True)
        )
        self.assertEqual(
            logged,
            [
                "referrals.sent",
                "referrals.acknowledged",
                "referrals.accepted",
                "referrals.started",
                "referrals.completed",
            ],
        )
        self.login_as(self.al_analyst)
        detail = self.client.get(f"/api/v1/referrals/{referral.pk}").json()
        self.assertEqual((detail["outcome"], detail["outcome_note"]), ("removed", "gone"))

    def test_decline_needs_a_reason_translated(self):
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        self.mk_analyst.language = "mk"
        self.mk_analyst.save(update_fields=["language"])
        self.login_as(self.mk_analyst)
        response = self.post(referral, "decline", {"reason": "   "})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json(), {"detail": "Наведете зошто упатувањето се одбива.", "errors": {}})
        self.assertEqual(self.status_of(referral), Status.SENT)
        response = self.post(referral, "decline", {"reason": "Not hosted here"})
        self.assertEqual(response.json()["status"], "declined")
        self.assertEqual(Referral.objects.get(pk=referral.pk).decline_reason, "Not hosted here")

    def test_wrong_state_is_409_and_changes_nothing(self):
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        self.login_as(self.mk_analyst)
        response = self.post(referral, "complete", {"outcome": "removed"})
        self.assertEqual(response.status_code, 409)
        self.assertEqual(
            response.json(), {"detail": "This referral cannot take that step in its current state.", "errors": {}}
        )
        self.assertEqual(self.status_of(referral), Status.SENT)
        self.login_as(self.al_analyst)
        self.assertEqual(self.post(referral, "revoke").json()["status"], "revoked")
        self.assertEqual(self.post(referral, "revoke").status_code, 409)

    def test_each_side_only_takes_its_own_steps(self):
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        self.login_as(self.al_analyst)
        for step in ("acknowledge", "accept", "start"):
            response = self.post(referral, step)
            self.assertEqual(response.status_code, 403, step)
            self.assertEqual(
                response.json(), {"detail": "Your centre cannot take this step on this referral.", "errors": {}}
            )
        self.login_as(self.mk_analyst)
        self.assertEqual(self.post(referral, "revoke").status_code, 403)
        self.assertEqual(self.status_of(referral), Status.SENT)
        # A manager sees the referral but does not work hotline items.
        self.login_as(self.mk_manager)
        self.assertEqual(self.post(referral, "acknowledge").status_code, 403)
        self.assertEqual(self.status_of(referral), Status.SENT)

    def test_third_centre_gets_404_for_every_step(self):
        referral = fixtures.al_hotline_referral(self)  # Albania → Serbia
        self.login_as(self.mk_analyst)
        for step in ("acknowledge", "accept", "decline", "start", "complete", "revoke", "messages"):
            response = self.post(referral, step, {"reason": "x", "outcome": "removed", "text": "hello"})
            self.assertEqual(response.status_code, 404, step)
            self.assertEqual(response.json(), {"detail": "No such referral.", "errors": {}})
        self.assertEqual(self.status_of(referral), Status.SENT)
        self.assertFalse(Message.objects.exists())

    def test_bad_input_is_refused_and_changes_nothing(self):
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        actions.accept(referral, by=self.mk_analyst)
        self.login_as(self.mk_analyst)
        response = self.post(referral, "complete", {"outcome": "<script>alert(1)</script>"})
        self.assertEqual((response.status_code, response.json()), (422, {"detail": "Choose an outcome.", "errors": {}}))
        response = self.post(referral, "complete", {"outcome": "removed", "note": "x" * 10_001})
        self.assertEqual(response.status_code, 422)
        self.assertIn("too long", response.json()["detail"])
        response = self.client.post(
            f"/api/v1/referrals/{referral.pk}/complete", data="not json", content_type="application/json"
        )
        self.assertEqual(response.status_code, 422)
        response = self.post(referral, "complete", {"outcome": ["removed"]})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(self.status_of(referral), Status.ACCEPTED)

    def test_messages_from_either_side(self):
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        self.login_as(self.mk_analyst)
        response = self.post(referral, "messages", {"text": "Which host?"})
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.json()["centre"], "mk-sic")
        self.assertTrue(Notification.objects.filter(recipient=self.al_analyst, event=Event.MESSAGE).exists())
        self.login_as(self.al_analyst)
        self.assertEqual(self.post(referral, "messages", {"text": "Host Ltd"}).json()["centre"], "al-sic")
        self.assertEqual(self.post(referral, "messages", {"text": "  "}).status_code, 422)
        self.assertEqual(self.post(referral, "messages", {"text": "y" * 10_001}).status_code, 422)
        texts = [m["text"] for m in self.client.get(f"/api/v1/referrals/{referral.pk}").json()["messages"]]
        self.assertEqual(texts, ["Which host?", "Host Ltd"])

    def test_session_post_needs_the_csrf_token(self):
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.mk_analyst, backend="accounts.backends.EmailBackend")
        self.assertEqual(self.post(referral, "acknowledge", client=client).status_code, 403)
        self.assertEqual(self.status_of(referral), Status.SENT)

    def test_helpline_referral_steps_by_counsellors(self):
        referral = fixtures.al_helpline_referral(self, receiver=self.mk_centre)
        self.login_as(self.mk_analyst)
        self.assertEqual(self.post(referral, "accept").status_code, 404)  # helpline data: not the hotline's
        self.login_as(self.mk_counsellor)
        self.assertEqual(self.post(referral, "accept").json()["status"], "accepted")
